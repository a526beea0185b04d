"""Bulk loading into an empty register without paying per-row index costs.

Per row, the FTS5 insert trigger costs ~40 µs and each secondary index a B-tree insert
at a random place (names, emails, phones come in no order), which at a million rows no
longer fits the page cache. So for a bulk load the FTS trigger and the loaded tables'
secondary indexes are dropped; each table is then loaded with one executemany and its
indexes built by sorting straight away, while its pages are still in the (enlarged)
page cache - contacts first (their search index built meanwhile on a second thread,
store.bulk_fts, and copied in at the end), then the tables that refer to contacts.
Measured at 300k rows with the cache a quarter of the data (as at 1M): 49 s with the
indexes kept or all built at the end, 42 s this way; 35 s with the cache holding the
contacts table.

Everything happens inside the caller's transaction (SQLite DDL is transactional), so a
crash or an error mid-load rolls back to the indexes and the trigger being there and
the store as it was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from privdesk.store.bulk_fts import SideSearchIndex

_TRIGGER = "contacts_fts_ai"
# A contact's row and index entries, with its interactions' (the search index is built
# beside, store.bulk_fts). At 1M, 1.5 GiB instead of 0.75: 61 s CPU instead of 65 (load
# ~2.2): the index sorts and interactions read and spill fewer pages.
MIN_CACHE_KIB, MAX_CACHE_KIB = 65_536, 1_572_864
CACHE_PER_CONTACT_KIB = 1.5


class BulkLoader:
    """`load(table, sql, rows)` for each table in order, then `finish()`; all within an
    open transaction on a DB-API connection (the caller commits or rolls back, then
    calls `release()` whatever happened)."""

    def __init__(self, raw: Any, tables: Sequence[str], contacts: int,
                 stage: Callable[[str], None] | None = None, search_text_at: int = 1) -> None:
        """search_text_at: where search_text is in the contacts rows (the id first)."""
        self._raw = raw
        self._stage = stage or (lambda _what: None)  # told before each index build
        trigger = raw.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                              (_TRIGGER,)).fetchone()
        if trigger is None:
            raise RuntimeError("the contacts FTS trigger is missing; is the store migrated?")
        self._trigger: str = trigger[0]
        marks = ",".join("?" * len(tables))
        # sql IS NULL: the automatic indexes of PRIMARY KEY/UNIQUE, which cannot be dropped.
        self._indexes: dict[str, list[str]] = {t: [] for t in tables}
        for table, name, sql in raw.execute(
                f"SELECT tbl_name, name, sql FROM sqlite_master WHERE type = 'index'"  # noqa: S608 (placeholders only)
                f" AND sql IS NOT NULL AND tbl_name IN ({marks}) ORDER BY name",
                tuple(tables)).fetchall():
            self._indexes[table].append(sql)
            raw.execute(f'DROP INDEX "{name}"')
        raw.execute(f"DROP TRIGGER {_TRIGGER}")
        self._cache = int(raw.execute("PRAGMA cache_size").fetchone()[0])
        # A page cache that holds the contacts table while its indexes are sorted and the
        # interactions go in: for a large load up to 1.5 GiB while loading, then given back.
        kib = int(min(MAX_CACHE_KIB, max(MIN_CACHE_KIB, contacts * CACHE_PER_CONTACT_KIB)))
        raw.execute(f"PRAGMA cache_size = -{kib}")
        self._side = SideSearchIndex(raw, 0, search_text_at)

    def load(self, table: str, sql: str, rows: Iterable[Sequence[Any]]) -> None:
        """Insert the rows with one executemany, then build the table's indexes; for
        contacts the search index starts building beside (store.bulk_fts)."""
        if table == "contacts":
            self._raw.executemany(sql, self._side.collect(rows))
            self._side.start()
        else:
            self._raw.executemany(sql, rows)
        self._build(table)

    def _build(self, table: str) -> None:
        indexes = self._indexes.pop(table, [])
        if indexes:
            self._stage(f"sorting the indexes on {table}")
        for index_sql in indexes:
            self._raw.execute(index_sql)

    def finish(self) -> None:
        """Build whatever was not loaded, put the search index (built beside, merged into
        one segment: each search probes every segment for each trigram, so at 1M a first
        keystroke's MATCH is ~7 ms instead of ~44 ms) and its trigger in."""
        for table in list(self._indexes):
            self._build(table)
        if self._trigger:
            self._stage("building the search index")
            if not self._side.started:  # no contacts were loaded: index the empty table
                self._side.start()
            self._side.copy_into(self._raw)
            self._raw.execute(self._trigger)
            self._trigger = ""

    def release(self) -> None:
        """After the caller's COMMIT or ROLLBACK: free the search index built beside and
        give the page cache back."""
        self._side.close()
        self._raw.execute(f"PRAGMA cache_size = {self._cache}")
        self._raw.execute("PRAGMA shrink_memory")  # hand the load's cache back now
