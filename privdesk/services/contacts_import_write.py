"""Writing an import: new contacts as two executemany statements on the session's own
connection and transaction (derived columns computed here from what the checks already
worked out; ids given explicitly, so the history rows need no read-back), empty fields
filled on matched contacts,
objections recorded on them (a re-import never clears one), and the officer's value
maps remembered for the store's next file."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, text
from sqlalchemy.orm import Session

from privdesk.domain.contact_records import EDITABLE_FIELDS
from privdesk.domain.import_rows import ImportRow, day
from privdesk.policy import Policy
from privdesk.services.contact_fields import apply_identity_fields, display_value
from privdesk.services.retention_fields import apply_retention_fields
from privdesk.store.models import Contact, ContactChange, Setting
from privdesk.store.sealed import bound_text

VALUE_MAP_KEY = "import.value_maps"
SEALED_CONTACT_FIELDS = ("notes", "legal_hold_reason")  # free text: sealed on a team store
FILL_FIELDS = ("email", "phone", "company", "location", "first_contact", "customer_since",
               "ceased", "last_activity", "notes")


# insert_contacts writes the editable fields in this order, text fields as they are.
assert EDITABLE_FIELDS == ("name", "email", "phone", "company", "location", "status", "source",
                           "first_contact", "customer_since", "ceased", "last_activity",
                           "marketing_opt_out", "notes", "legal_hold_reason", "legal_hold_until")
COLUMNS = (*EDITABLE_FIELDS, "id", "created_at", "updated_at", "opt_out_on", "norm_email",
           "norm_phone", "norm_name", "search_text", "retention_rule", "retention_due")
_INSERT = (f"INSERT INTO contacts ({', '.join(COLUMNS)}) "
           f"VALUES ({', '.join('?' * len(COLUMNS))})")
_HISTORY = ("INSERT INTO contact_history (contact_id, field, old_value, new_value, officer, "
            "changed_at) SELECT id, 'created', NULL, 'imported from CSV', ?, ? FROM contacts "
            "WHERE id BETWEEN ? AND ?")


class SearchIndexAside:
    """For an import on SQLite: the FTS insert trigger set aside and the new contacts
    indexed a chunk at a time, one statement each (the trigger's per-row program was
    most of the insert cost), then the trigger put back exactly as it was, as
    store.bulk does for a demo load. Indexing each chunk as it is written, rather than
    all at the end, lets it run while a worker process checks the next chunk. All
    inside the import's transaction (SQLite DDL is transactional): a cancel, crash or
    error rolls back to the trigger and the index as they were. A team store
    (PostgreSQL: a pg_trgm index, no trigger) and a store without the trigger have
    nothing to set aside."""

    TRIGGER = "contacts_fts_ai"

    def __init__(self, s: Session) -> None:
        self._s = s
        self._sql: str | None = None
        self._next = 0
        if s.get_bind().dialect.name != "sqlite":
            return
        self._sql = s.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                                   "AND name = :n"), {"n": self.TRIGGER}).scalar()
        if self._sql is None:
            return
        self._next = self._max_id() + 1
        s.execute(text(f"DROP TRIGGER {self.TRIGGER}"))

    def _max_id(self) -> int:
        return int(self._s.execute(text("SELECT coalesce(max(id), 0) FROM contacts"))
                   .scalar_one())

    def catch_up(self) -> None:
        """Index every contact inserted since the last call."""
        if self._sql is None:
            return
        self._s.execute(text("INSERT INTO contacts_fts(rowid, search_text) "
                             "SELECT id, search_text FROM contacts WHERE id >= :next"),
                        {"next": self._next})
        self._next = self._max_id() + 1

    def finish(self) -> None:
        """Index whatever is left, then restore the trigger."""
        if self._sql is None:
            return
        self.catch_up()
        self._s.execute(text(self._sql))
        self._sql = None


# A short file into a big register: the register's indexes (8 on contacts) no longer fit
# the connection's 64 MiB page cache, so each insert re-read and decrypted index pages.
# Measured, 100,000 rows into a 1,000,000 register: 256 MiB cut the import's CPU by
# ~2.8 s (insert 8.6 -> 5.4 s). Only for files of at most 200,000 rows, so a
# million-row file keeps the memory it was measured with (< 500 MB).
BIG_REGISTER = 400_000
SHORT_FILE = 200_000
IMPORT_CACHE_KIB = 262_144


@contextmanager
def index_cache(s: Session, file_rows: int) -> Iterator[None]:
    """A bigger SQLite page cache on the import's connection while it runs (short file,
    big register), put back as it was afterwards, however the import ends."""
    if s.get_bind().dialect.name != "sqlite" or file_rows > SHORT_FILE:
        yield
        return
    register = int(s.execute(text("SELECT coalesce(max(id), 0) FROM contacts")).scalar_one())
    conn = s.connection().connection.dbapi_connection
    if register < BIG_REGISTER or conn is None:
        yield
        return
    before = int(conn.execute("PRAGMA cache_size").fetchone()[0])
    conn.execute(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.execute(f"PRAGMA cache_size = {before}")  # frees the pages above it


def insert_contacts(s: Session, rows: Sequence[ImportRow], officer: str, now: datetime) -> int:
    """Insert `rows` in the session's transaction: contacts, then their history."""
    if not rows:
        return 0
    if any(r.search_text is None for r in rows):
        raise ValueError("rows to insert must be checked with the policy's retention rules")
    if s.get_bind().dialect.name != "sqlite":
        return _insert_on_server(s, rows, officer, now)
    first = int(s.execute(text("SELECT coalesce(max(id), 0) FROM contacts")).scalar_one()) + 1
    stamp = now.strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLAlchemy's SQLite DateTime stores it
    cursor = s.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.executemany(_INSERT, [
        (r.name, r.email, r.phone, r.company, r.location, r.status, r.source, r.first_contact,
         r.customer_since, r.ceased, r.last_activity, int(r.marketing_opt_out), r.notes, None,
         None, first + n, stamp, stamp, r.opt_out_on, r.norm_email, r.norm_phone, r.norm_name,
         r.search_text, r.retention_rule, r.retention_due) for n, r in enumerate(rows)])
    cursor.execute(_HISTORY, (officer, stamp, first, first + len(rows) - 1))
    return len(rows)


def _insert_on_server(s: Session, rows: Sequence[ImportRow], officer: str, now: datetime) -> int:
    """A team store (PostgreSQL): through the ORM's column types, so notes are sealed in
    this process; ids come from the server (RETURNING), as another officer may be
    importing at the same moment."""
    records: list[dict[str, Any]] = []
    for r in rows:
        d = r.as_input()
        records.append({**{f: getattr(d, f) for f in EDITABLE_FIELDS}, "created_at": now,
                        "updated_at": now, "opt_out_on": day(r.opt_out_on),
                        "norm_email": r.norm_email, "norm_phone": r.norm_phone,
                        "norm_name": r.norm_name, "search_text": r.search_text,
                        "retention_rule": r.retention_rule,
                        "retention_due": day(r.retention_due)})
    ids = _next_ids(s, "contacts", len(records))
    for record, new_id in zip(records, ids, strict=True):  # sealed values bound to their row
        record["id"] = new_id
        for field in SEALED_CONTACT_FIELDS:
            if record[field] is not None:
                record[field] = bound_text(record[field], str(new_id))
    s.execute(insert(Contact), records)
    history = _next_ids(s, "contact_history", len(ids))
    s.execute(insert(ContactChange), [
        {"id": h, "contact_id": i, "field": "created", "old_value": None,
         "new_value": bound_text("imported from CSV", str(h)), "officer": officer,
         "changed_at": now} for i, h in zip(ids, history, strict=True)])
    return len(ids)


def _next_ids(s: Session, table: str, count: int) -> list[int]:
    """Ids from the table's sequence, taken before the insert: other officers may be
    importing at the same moment, and each sealed value is bound to its row's id."""
    return [int(i) for i in s.scalars(text(
        "SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
        {"t": table, "n": count})]


def _note(s: Session, c: Contact, field: str, old: object, new: object, officer: str,
          now: datetime) -> None:
    s.add(ContactChange(contact_id=c.id, field=field, old_value=display_value(old),
                        new_value=display_value(new), officer=officer, changed_at=now))


def update_existing(s: Session, contact_id: int, row: ImportRow, fill: bool, region: str,
                    policy: Policy, officer: str, now: datetime) -> list[str]:
    """Record the row's objection on a matched contact (always) and, with `fill`, copy
    the row's values into the contact's empty fields. Returns the fields changed."""
    c = s.get(Contact, contact_id)
    if c is None:
        return []
    changed: list[str] = []
    data = row.as_input()
    if data.marketing_opt_out and not c.marketing_opt_out:
        _note(s, c, "marketing_opt_out", False, True, officer, now)
        c.marketing_opt_out = True
        c.opt_out_on = day(row.opt_out_on) or now.date()
        changed.append("marketing_opt_out")
    if fill:
        for field in FILL_FIELDS:
            new = getattr(data, field)
            if getattr(c, field) in (None, "") and new not in (None, ""):
                _note(s, c, field, None, new, officer, now)
                setattr(c, field, new)
                changed.append(field)
    if changed:
        c.updated_at = now
        apply_identity_fields(c, region)
        apply_retention_fields(policy, c)
    return changed


def remembered_maps(s: Session) -> dict[str, dict[str, str]]:
    row = s.get(Setting, VALUE_MAP_KEY)
    if row is None:
        return {"source": {}, "status": {}}
    stored = json.loads(row.value)
    return {"source": dict(stored.get("source", {})), "status": dict(stored.get("status", {}))}


def remember_maps(s: Session, chosen: Mapping[str, Mapping[str, str]]) -> None:
    """Merge the officer's choices (folded value -> key) into the store's memory."""
    if not any(chosen.values()):
        return
    current = remembered_maps(s)
    for kind in ("source", "status"):
        current[kind].update(chosen.get(kind, {}))
    row = s.scalar(select(Setting).where(Setting.key == VALUE_MAP_KEY))
    if row is None:
        s.add(Setting(key=VALUE_MAP_KEY, value=json.dumps(current)))
    else:
        row.value = json.dumps(current)
