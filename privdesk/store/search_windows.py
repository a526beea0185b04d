"""Team stores (PostgreSQL): trigram indexes per window of contact ids, for search-as-you-type.

A text search shows "the first 1,000 matches in id order". Through one GIN index over the
whole register, a word matching 2-6 % of it ("wri", "smi", "0791") costs either a walk of
the key in id order testing 20,000-50,000 rows, or the bitmap of every match in the
register; both 30-100 ms at a million contacts. With one partial GIN index per window of
ids (`WHERE (id >= lo AND id < hi) IS TRUE`, see Window.predicate), the search is a
UNION ALL of per-window "matches in id order" under LIMIT 1001: PostgreSQL runs the
windows in turn and stops as soon as it has 1,001 ids, so a common word reads one or two
windows, not the register.

The windows live in `privdesk_search_windows` (migration 0012): closed windows
[lo, lo + size) and one open-ended last window [lo, ∞) that new contacts fall into. When
the open window spans more than `size` ids, `maintain` closes it into full windows and
opens a new one, in one transaction (DDL is transactional in PostgreSQL: readers see the
old or the new set, never a gap). Correctness never depends on it: the windows always
cover every id from 0 up, so a stale list (another session split them) still finds the
same rows, the planner just uses the whole-register index for a window it no longer has.

Window size: a word matching a share p of the register needs about 1,001 / p ids; at
p = 2-6 % that is 17,000-50,000 ids, one or two 25,000-id windows. Smaller windows add a
fixed cost per window to rare words (which visit all of them) and to the plan; larger
ones recheck more rows per window for common words (measured: README, Team mode).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Connection, text

WINDOW_SIZE = 25_000
TABLE = "privdesk_search_windows"
LOCK = 0x73726368  # pg advisory lock id around window changes ("srch")


@dataclass(frozen=True)
class Window:
    lo: int
    hi: int | None  # None: the open-ended last window

    @property
    def index(self) -> str:
        return f"ix_contacts_trgm_w{self.lo}" if self.hi is not None else f"ix_contacts_trgm_from{self.lo}"

    def predicate(self, column: str = "id") -> str:
        """The index's predicate, and the query's, as one `(…) IS TRUE` test. A bare id
        range lets the planner walk the primary key through the window testing every
        row (what this replaces); and the planner weighs every partial index for every
        window of the query: against plain range comparisons that is a constant-folding
        proof per pair (~40 x 40 of them, 6-27 ms of planning per keystroke), against an
        `IS TRUE` test only an equality check (the test is not an operator it reasons
        about). Integer literals from our own table (never user input), so the planner
        proves the index applies to a prepared statement too."""
        low = f"{column} >= {int(self.lo)}"
        rng = low if self.hi is None else f"{low} AND {column} < {int(self.hi)}"
        return f"(({rng}) IS TRUE)"


def read(conn: Connection) -> tuple[Window, ...]:
    """The windows in id order ((): a store without them, e.g. SQLite)."""
    if conn.dialect.name == "sqlite":
        return ()
    rows = conn.execute(text(f"SELECT lo, hi FROM {TABLE} ORDER BY lo")).all()
    return tuple(Window(int(lo), None if hi is None else int(hi)) for lo, hi in rows)


def _create(conn: Connection, window: Window) -> None:
    conn.execute(text(f"CREATE INDEX IF NOT EXISTS {window.index} ON contacts "
                      f"USING gin (search_text gin_trgm_ops) WHERE {window.predicate()}"))
    conn.execute(text(f"INSERT INTO {TABLE} (lo, hi) VALUES (:lo, :hi)"),
                 {"lo": window.lo, "hi": window.hi})


def _drop(conn: Connection, window: Window) -> None:
    conn.execute(text(f"DROP INDEX IF EXISTS {window.index}"))
    conn.execute(text(f"DELETE FROM {TABLE} WHERE lo = :lo"), {"lo": window.lo})


def _fill(conn: Connection, lo: int, size: int) -> int:
    """Closed windows from lo while the register's ids reach past them; the new open lo."""
    top = conn.execute(text("SELECT max(id) FROM contacts")).scalar()
    while top is not None and int(top) >= lo + size:
        _create(conn, Window(lo, lo + size))
        lo += size
    _create(conn, Window(lo, None))
    return lo


def maintain(conn: Connection, size: int = WINDOW_SIZE, wait: bool = False) -> bool:
    """Close the open window into full ones when it spans more than `size` ids; True
    when the windows changed. Runs in the caller's transaction, under an advisory lock so
    that two officers unlocking at once do it once: without `wait` a session that finds
    the lock taken leaves the work to its holder. CREATE INDEX holds contacts' SHARE lock
    until commit: writes wait (reads do not) for about a second per window built."""
    if conn.dialect.name == "sqlite":
        return False
    got = conn.execute(text("SELECT pg_advisory_xact_lock(:k)" if wait else
                            "SELECT pg_try_advisory_xact_lock(:k)"), {"k": LOCK}).scalar()
    if got is False:
        return False
    windows = read(conn)
    open_ = next((w for w in windows if w.hi is None), None)
    if open_ is None:  # none yet (a store made before 0012 ran, or rebuilt): make them
        _fill(conn, 0, size)
        return True
    top = conn.execute(text("SELECT max(id) FROM contacts")).scalar()
    if top is None or int(top) < open_.lo + size:
        return False
    _drop(conn, open_)  # the new windows cover its ids before this transaction commits
    _fill(conn, open_.lo, size)
    return True


def rebuild(conn: Connection, size: int = WINDOW_SIZE) -> None:
    """Every window dropped and made again for the ids now in the register (after a bulk
    load made with the indexes dropped)."""
    conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": LOCK})
    for window in read(conn):
        _drop(conn, window)
    _fill(conn, 0, size)
