"""The contacts search index of a bulk load, built on the second core.

Tokenising a million contacts' search text into the trigram index is the biggest single
cost of a bulk load (~18 s CPU at 1M, then ~2.5 s to merge it into one segment), and
SQLite does it on one core while nothing else can run in that connection. So the load
keeps each contact's (id, search text) as its rows go by, and once the contacts are in,
a worker thread builds the same FTS5 index (same definition, same settings: secure-delete,
page size) in a private in-memory database and merges it into one segment, while the
main connection sorts the contact indexes and loads the interactions (sqlite3 lets go of
the GIL inside SQLite, so the two really run side by side). At the end the index's
shadow tables (data, idx, docsize) are copied into the store's, inside the load's one
transaction. The rows are the very ones inserted into contacts, in id order, which is
what 'rebuild' would read back; the copy is FTS5's own on-disk format, byte for byte.

The in-memory database lives only between `start` and `copy_into`/`close`, is never on
disk (the search text is personal data) and is freed at the end, error or not.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

import sqlcipher3

FTS = "contacts_fts"
_SHADOWS = ("data", "idx", "docsize")  # 'config' stays the store's own


class SideSearchIndex:
    """`collect(rows)` while the contacts go in, `start()` once they are in, then
    `copy_into(raw)` inside the load's transaction; `close()` always."""

    def __init__(self, raw: Any, id_at: int, text_at: int) -> None:
        definition = raw.execute("SELECT sql FROM sqlite_master WHERE name = ?",
                                 (FTS,)).fetchone()
        if definition is None:
            raise RuntimeError("the contacts search index is missing; is the store migrated?")
        # The store's settings (secure-delete, pgsz, automerge ...), so the built index is
        # in the same format; 'version' is the library's own and written by it. Only the
        # data, idx and docsize tables are copied back, never this config.
        settings = raw.execute(f"SELECT k, v FROM {FTS}_config WHERE k != 'version'").fetchall()  # noqa: S608 (constant name)
        self._name = f"/privdesk-bulk-fts-{uuid.uuid4().hex}"
        self._uri = f"file:{self._name}?vfs=memdb"
        self._conn: Any = sqlcipher3.connect(self._uri, uri=True, isolation_level=None,
                                             check_same_thread=False)
        self._conn.execute(definition[0])
        for key, value in settings:
            self._conn.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES (?, ?)", (key, value))  # noqa: S608
        # While building: no merging as segments pile up (the one 'optimize' at the end
        # merges them all once): ~6% less CPU at 300k. Only here; the store keeps its own.
        for key, value in (("automerge", 0), ("crisismerge", 64)):
            self._conn.execute(f"INSERT INTO {FTS}({FTS}, rank) VALUES (?, ?)", (key, value))  # noqa: S608
        self._id_at, self._text_at = id_at, text_at
        self._texts: list[tuple[int, str]] = []
        self._thread: threading.Thread | None = None
        self._error: BaseException | None = None
        self._attached: Any = None

    def collect(self, rows: Iterable[Sequence[Any]]) -> Iterator[Sequence[Any]]:
        """The rows, unchanged, keeping each one's (id, search text) on the way."""
        keep, i, t = self._texts.append, self._id_at, self._text_at
        for row in rows:
            keep((row[i], row[t]))
            yield row

    @property
    def started(self) -> bool:
        return self._thread is not None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._build, name="bulk-search-index",
                                        daemon=True)
        self._thread.start()

    def _build(self) -> None:
        try:
            conn, texts = self._conn, self._texts
            conn.execute("BEGIN")
            conn.executemany(f"INSERT INTO {FTS}(rowid, search_text) VALUES (?, ?)", texts)  # noqa: S608
            self._texts = []
            # One segment, as a rebuild followed by 'optimize' leaves it (fast first searches).
            conn.execute(f"INSERT INTO {FTS}({FTS}) VALUES ('optimize')")  # noqa: S608
            conn.execute("COMMIT")
        except BaseException as exc:  # handed to the loading thread in copy_into
            self._error = exc

    def copy_into(self, raw: Any) -> None:
        """Wait for the index, then replace the store's (empty) index with it, within the
        caller's transaction."""
        if self._thread is None:
            raise RuntimeError("the search index was never started")
        self._thread.join()
        if self._error is not None:
            raise RuntimeError(f"building the search index failed: {self._error}") from self._error
        # KEY '': the attached in-memory database is not encrypted (it is never on disk).
        # It stays attached until close(): SQLite detaches nothing a transaction has read.
        raw.execute("ATTACH DATABASE ? AS bulk_fts KEY ''", (self._uri,))
        self._attached = raw
        # 'delete-all' through FTS5 itself first: it empties the index and makes this
        # connection's FTS5 forget the index layout it may have cached (it would not see
        # rows written to its tables behind its back: a stale, empty index until then).
        raw.execute(f"INSERT INTO main.{FTS}({FTS}) VALUES ('delete-all')")  # noqa: S608
        for shadow in _SHADOWS:
            table = f"{FTS}_{shadow}"
            raw.execute(f"DELETE FROM main.{table}")  # noqa: S608 (constant names)
            raw.execute(f"INSERT INTO main.{table} SELECT * FROM bulk_fts.{table}")  # noqa: S608
        # And forget the empty layout 'delete-all' left cached: rolling back to a savepoint
        # (an empty one: nothing is undone) makes FTS5 drop its cached layout and totals.
        raw.execute("SAVEPOINT bulk_fts_reload")
        raw.execute("ROLLBACK TO bulk_fts_reload")
        raw.execute("RELEASE bulk_fts_reload")

    def close(self) -> None:
        """Free the in-memory index (a worker still building is interrupted first);
        called after the load's transaction has ended."""
        if self._thread is not None:
            if self._thread.is_alive() and self._conn is not None:
                self._conn.interrupt()  # the load failed: stop building, do not wait for it
            self._thread.join()
        if self._attached is not None:
            self._attached.execute("DETACH DATABASE bulk_fts")
            self._attached = None
        self._texts = []
        if self._conn is not None:
            self._conn.close()
            self._conn = None
