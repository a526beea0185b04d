"""Review and purge: exactly what will be deleted, then delete it all in one transaction.

Each deleted person leaves one tombstone (rule, when, officer, counts; never personal
data). After the commit the WAL is checkpointed with TRUNCATE so that no copy of a
deleted page lingers in the -wal file; `secure_delete=ON` (engine) zeroes the freed
b-tree content and FTS5 'secure-delete' removes the person's entries from the search
index instead of leaving them behind a delete marker.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete, func, insert, select, text
from sqlalchemy.orm import Session

from privdesk.domain.retention import retention_due, rule_name
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext, retention_specs
from privdesk.services.errors import ServiceError
from privdesk.services.holds import HeldContact, hold_message, purge_holds
from privdesk.services.purge_report import TombstoneRecord, report_text
from privdesk.services.retention import facts_of
from privdesk.store.models import (
    Contact,
    ContactChange,
    Disclosure,
    Document,
    Interaction,
    RequestContact,
    Tombstone,
)

CHUNK = 500  # ids per IN (...) list
ERASURE_RULE = "erasure_request"
REPORT_FORMATS = ("csv", "json")


class PurgeError(ServiceError, ValueError):
    """A purge or erasure that cannot go ahead; nothing was deleted."""


@dataclass(frozen=True)
class PurgeCounts:
    contacts: int = 0
    interactions: int = 0
    disclosures: int = 0
    history: int = 0
    documents: int = 0
    request_links: int = 0

    def __add__(self, other: PurgeCounts) -> PurgeCounts:
        return PurgeCounts(*(getattr(self, f.name) + getattr(other, f.name) for f in fields(self)))

    def as_json(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def total(cls, counts: Iterable[PurgeCounts]) -> PurgeCounts:
        result = cls()
        for c in counts:
            result = result + c
        return result


@dataclass(frozen=True)
class PurgeItem:
    contact_id: int
    name: str  # shown to the officer in the review; never stored in a tombstone
    rule_key: str | None
    rule_name: str
    due: date | None
    counts: PurgeCounts


@dataclass(frozen=True)
class PurgePreview:
    items: tuple[PurgeItem, ...]
    totals: PurgeCounts
    due_by: date | None
    held: tuple[HeldContact, ...] = ()  # due, but kept: an open request or breach

    @property
    def contact_ids(self) -> tuple[int, ...]:
        return tuple(i.contact_id for i in self.items)


@dataclass(frozen=True)
class PurgeResult:
    tombstones: tuple[TombstoneRecord, ...]
    totals: PurgeCounts
    wal_truncated: bool


def chunks(ids: Sequence[int], size: int = CHUNK) -> Iterable[list[int]]:
    for i in range(0, len(ids), size):
        yield list(ids[i:i + size])


def count_dependents(s: Session, ids: Sequence[int]) -> dict[int, PurgeCounts]:
    """Rows that go with each contact: interactions, disclosures, history, documents and
    links to requests (the requests themselves stay: they are the record of handling)."""
    per: dict[int, dict[str, int]] = {i: {} for i in ids}
    tables: list[tuple[str, Any]] = [
        ("interactions", Interaction.contact_id), ("disclosures", Disclosure.contact_id),
        ("history", ContactChange.contact_id), ("documents", Document.contact_id),
        ("request_links", RequestContact.contact_id)]
    for part in chunks(ids):
        for name, col in tables:
            for cid, n in s.execute(select(col, func.count()).where(col.in_(part)).group_by(col)):
                per[cid][name] = int(n)
    return {cid: PurgeCounts(contacts=1, **c) for cid, c in per.items()}


def delete_contacts(s: Session, ids: Sequence[int]) -> None:
    """Delete contacts and everything that hangs off them, inside the caller's session."""
    if s.get_bind().dialect.name == "sqlite":
        # Remove the person's trigrams from the search index for real, not behind a marker.
        s.execute(text("INSERT INTO contacts_fts(contacts_fts, rank) VALUES('secure-delete', 1)"))
    else:
        # A team store: lock the rows first, so an officer editing one of these people
        # waits for the purge and then finds them gone, rather than racing it.
        for part in chunks(ids):
            s.execute(select(Contact.id).where(Contact.id.in_(part)).with_for_update())
    dependents: list[tuple[type[Any], Any]] = [
        (Document, Document.contact_id), (RequestContact, RequestContact.contact_id),
        (ContactChange, ContactChange.contact_id), (Disclosure, Disclosure.contact_id),
        (Interaction, Interaction.contact_id), (Contact, Contact.id)]
    for part in chunks(ids):
        for model, col in dependents:
            s.execute(delete(model).where(col.in_(part))
                      .execution_options(synchronize_session=False))


def add_tombstone(s: Session, ctx: ServiceContext, rule: str, counts: PurgeCounts,
                  request_reference: str | None = None) -> int:
    return add_tombstones(s, ctx, [(rule, counts)], request_reference)[0]


def add_tombstones(s: Session, ctx: ServiceContext, entries: Sequence[tuple[str, PurgeCounts]],
                   request_reference: str | None = None) -> list[int]:
    """One tombstone per (rule, counts), as one executemany. Inside the write transaction
    no one else can insert, so the new rowids are max(id)+1 onwards (RETURNING would make
    SQLAlchemy insert row by row, ten times slower for a big purge)."""
    now, officer = ctx.now(), ctx.actor.name
    rows = [{"deleted_at": now, "officer": officer, "rule": rule,
             "request_reference": request_reference, "counts": json.dumps(counts.as_json())}
            for rule, counts in entries]
    if s.get_bind().dialect.name != "sqlite":
        # A team store has other writers: ids come back from the server (batched RETURNING).
        return [int(i) for i in s.scalars(insert(Tombstone).returning(Tombstone.id,
                                                                      sort_by_parameter_order=True),
                                          rows)]
    start = int(s.scalar(select(func.coalesce(func.max(Tombstone.id), 0))) or 0)
    s.execute(insert(Tombstone), rows)
    return list(range(start + 1, start + 1 + len(rows)))


def checkpoint(ctx: ServiceContext, attempts: int = 20) -> bool:
    """TRUNCATE-checkpoint the WAL; retry briefly while another connection is reading."""
    wal = Path(f"{ctx.store.path}-wal")
    for _ in range(attempts):
        ctx.store.checkpoint()
        if not wal.exists() or wal.stat().st_size == 0:
            return True
        time.sleep(0.05)
    return False


class PurgeService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    # -- review ------------------------------------------------------------------------
    def preview_due(self, due_by: date | None = None) -> PurgePreview:
        """Everything due on or before due_by (default today) that may be purged."""
        due_by = self._check_due_by(due_by)
        with self._ctx.store.session() as s:
            ids = list(s.scalars(select(Contact.id).where(
                Contact.retention_due.is_not(None), Contact.retention_due <= due_by)
                .order_by(Contact.retention_due, Contact.id)))
        return self.preview(ids, due_by)

    def preview(self, contact_ids: Sequence[int], due_by: date | None = None) -> PurgePreview:
        """Exactly what purging these contacts deletes, per contact and in total."""
        due_by = self._check_due_by(due_by)
        ids = list(dict.fromkeys(contact_ids))
        rules = retention_specs(self._ctx.policy)
        with self._ctx.store.session() as s:
            rows = {c.id: c for part in chunks(ids) for c in s.scalars(
                select(Contact).where(Contact.id.in_(part)))}
            missing = [i for i in ids if i not in rows]
            if missing:
                raise PurgeError(f"{len(missing)} of the selected contacts no longer exist "
                                 f"(ids {', '.join(map(str, missing[:10]))}).")
            holds = purge_holds(s, ids)
            held = tuple(HeldContact(cid, rows[cid].name, hold.references, hold.reason,
                                     hold.breaches)
                         for cid, hold in holds.items())
            ids = [i for i in ids if i not in holds]
            counts = count_dependents(s, ids)
            items = []
            for cid in ids:
                c = rows[cid]
                if c.retention_due is None or c.retention_due > due_by:
                    raise PurgeError(f"Contact {cid} is not due for deletion by "
                                     f"{due_by.isoformat()} (due: "
                                     f"{c.retention_due.isoformat() if c.retention_due else 'never'}).")
                items.append(PurgeItem(cid, c.name, c.retention_rule,
                                       rule_name(c.retention_rule, rules), c.retention_due,
                                       counts[cid]))
        return PurgePreview(tuple(items), PurgeCounts.total(i.counts for i in items), due_by,
                            held)

    # -- purge -------------------------------------------------------------------------
    def purge(self, contact_ids: Sequence[int], due_by: date | None = None,
              confirmed_count: int | None = None) -> PurgeResult:
        """Delete the contacts in one transaction (all or nothing) and leave one tombstone
        each. confirmed_count, when given, must equal the number the officer confirmed."""
        ids = list(dict.fromkeys(contact_ids))
        if not ids:
            raise PurgeError("Nothing selected to purge.")
        if confirmed_count is not None and confirmed_count != len(ids):
            raise PurgeError(f"You confirmed {confirmed_count} but {len(ids)} are selected; "
                             "nothing was deleted.")
        self._ctx.require(Permission.PURGE, "retention.purge", "contacts", None)
        due_by = self._check_due_by(due_by)
        rules = retention_specs(self._ctx.policy)
        with self._ctx.store.session() as s:
            # Re-check inside the transaction: a hold set since the review wins.
            rows = [c for part in chunks(ids) for c in s.scalars(
                select(Contact).where(Contact.id.in_(part)))]
            not_due = [c.id for c in rows if c.retention_due is None or c.retention_due > due_by]
            if len(rows) != len(ids) or not_due:
                raise PurgeError(
                    f"{len(ids) - len(rows) + len(not_due)} of the {len(ids)} contacts changed "
                    "since the review (deleted, or no longer due, e.g. a legal hold); "
                    "nothing was deleted. Review again.")
            holds = purge_holds(s, ids)  # a request or breach since the review wins
            if holds:
                raise PurgeError(f"Nothing was deleted: {hold_message(holds)}. Review again.")
            counts = count_dependents(s, ids)
            entries = []
            for c in rows:
                policy_rule = retention_due(facts_of(c), rules).policy_rule_key
                entries.append((policy_rule or c.retention_rule or "unknown", counts[c.id]))
            tomb_ids = add_tombstones(s, self._ctx, entries)
            s.expunge_all()
            delete_contacts(s, ids)
            totals = PurgeCounts.total(counts.values())
            self._ctx.record(s, "retention.purge", "contacts", None,
                             detail=json.dumps({"due_by": due_by.isoformat(), **totals.as_json()}))
        truncated = checkpoint(self._ctx)
        return PurgeResult(tuple(self.tombstones(ids=tomb_ids)), totals, truncated)

    def _check_due_by(self, due_by: date | None) -> date:
        today = self._ctx.today()
        if due_by is None:
            return today
        if due_by > today:
            raise PurgeError(f"Data cannot be purged before it falls due: the date "
                             f"{due_by.isoformat()} is after today ({today.isoformat()}).")
        return due_by

    # -- tombstones and the purge report -----------------------------------------------
    def tombstones(self, ids: Sequence[int] | None = None,
                   since: datetime | None = None) -> list[TombstoneRecord]:
        rules = retention_specs(self._ctx.policy)
        q = select(Tombstone).order_by(Tombstone.id)
        if since is not None:
            q = q.where(Tombstone.deleted_at >= since)
        with self._ctx.store.session() as s:
            rows = ([t for part in chunks(ids) for t in s.scalars(q.where(Tombstone.id.in_(part)))]
                    if ids is not None else list(s.scalars(q)))
            return [TombstoneRecord(
                t.id, t.deleted_at, t.officer, t.rule,
                "Erasure request" if t.rule == ERASURE_RULE else rule_name(t.rule, rules),
                t.request_reference, json.loads(t.counts)) for t in rows]

    def save_report(self, path: Path, records: Sequence[TombstoneRecord], fmt: str = "csv") -> Path:
        """Write the purge report (tombstones only: no personal data) as CSV or JSON."""
        if fmt not in REPORT_FORMATS:
            raise PurgeError(f"Unknown report format {fmt!r} (csv or json).")
        self._ctx.require(Permission.EXPORT, "retention.report_export", "tombstones", None)
        body = report_text(records, fmt)
        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp")
        try:
            tmp.write_text(body, encoding="utf-8", newline="")
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise PurgeError(f"Cannot save the report to {path}: {exc.strerror}") from exc
        with self._ctx.store.session() as s:
            self._ctx.record(s, "retention.report_export", "tombstones", None,
                             detail=f"format={fmt} rows={len(records)}")
        return path

