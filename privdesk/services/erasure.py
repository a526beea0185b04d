"""Erasure requests (UK GDPR Art. 17) through the same deletion as a retention purge.

Erasure is not absolute. When the officer records an exemption (legal obligation, legal
claims, legal hold) the data is kept, the exemptions are stored on the request, and the
result says so, for the letter that explains it. Otherwise the person's contacts go in one
transaction with one tombstone, their email and phone go on the suppression list (keyed
hashes only), and the result names the recipients their data had been disclosed to, who
must be told (Art. 19), for the erasure confirmation letter.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.holds import hold_message, open_holds
from privdesk.services.purge import (
    ERASURE_RULE,
    PurgeCounts,
    PurgeError,
    add_tombstone,
    checkpoint,
    count_dependents,
    delete_contacts,
)
from privdesk.services.suppression import SuppressionDigests, SuppressionList
from privdesk.store.models import Contact, Disclosure, Request, RequestContact, RequestEvent

EXEMPTIONS: dict[str, str] = {
    "legal_obligation": "Compliance with a legal obligation (Art. 17(3)(b))",
    "legal_claims": "The establishment, exercise or defence of legal claims (Art. 17(3)(e))",
    "legal_hold": "A legal hold on the data",
}
MAX_NOTE = 1000


@dataclass(frozen=True)
class Exemption:
    key: str
    label: str
    note: str = ""

    @classmethod
    def parse(cls, text: str) -> Exemption:
        """"legal_claims" or "legal_claims:Pending county court claim"."""
        key, _, note = text.partition(":")
        key = key.strip().replace("-", "_")
        if key not in EXEMPTIONS:
            raise PurgeError(f"Unknown exemption {key!r}: use one of {', '.join(EXEMPTIONS)}.")
        note = note.strip()
        if len(note) > MAX_NOTE:
            raise PurgeError(f"The exemption note is too long (at most {MAX_NOTE} characters).")
        return cls(key, EXEMPTIONS[key], note)

    def as_json(self) -> dict[str, str]:
        return {"key": self.key, "label": self.label, "note": self.note}


@dataclass(frozen=True)
class ErasureResult:
    """What the erasure confirmation (or exemption) letter needs; no ORM objects."""

    reference: str | None
    contact_count: int  # contacts erased (0 when an exemption kept the data)
    recipients_told: tuple[str, ...]  # policy recipient names, in policy order
    exemptions: tuple[Exemption, ...]
    erased_on: date
    counts: PurgeCounts = PurgeCounts()
    tombstone_id: int | None = None
    wal_truncated: bool = True

    @property
    def erased(self) -> bool:
        return self.contact_count > 0

    def as_json(self) -> dict[str, Any]:
        return {"reference": self.reference, "erased": self.erased,
                "contact_count": self.contact_count,
                "recipients_told": list(self.recipients_told),
                "exemptions": [e.as_json() for e in self.exemptions],
                "erased_on": self.erased_on.isoformat(), "counts": self.counts.as_json(),
                "tombstone_id": self.tombstone_id}


@dataclass(frozen=True)
class ErasurePreview:
    """What an erasure would delete, before the officer confirms."""

    reference: str | None
    contact_ids: tuple[int, ...]
    counts: PurgeCounts
    recipients: tuple[str, ...]
    held: tuple[int, ...]  # contacts under a legal hold (erasure needs the exemption)
    blocked: str | None = None  # why erasure is refused now (another open request)


class ErasureService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._suppression = SuppressionList(ctx)

    def preview(self, contact_ids: Sequence[int] = (),
                request_reference: str | None = None) -> ErasurePreview:
        reference = (request_reference or "").strip() or None
        with self._ctx.store.session() as s:
            ids = self._ids(s, contact_ids, self._request(s, reference))
            held = tuple(s.scalars(select(Contact.id).where(
                Contact.id.in_(ids), Contact.legal_hold_reason.is_not(None))))
            keys = set(s.scalars(select(Disclosure.recipient).where(Disclosure.contact_id.in_(ids))))
            counts = PurgeCounts.total(count_dependents(s, ids).values())
            holds = open_holds(s, ids, own=reference)
        blocked = f"Erasure is refused: {hold_message(holds)}." if holds else None
        return ErasurePreview(reference, tuple(ids), counts, self._recipient_names(keys), held,
                              blocked)

    def erase(self, contact_ids: Sequence[int] = (), request_reference: str | None = None,
              exemptions: Sequence[Exemption | str] = ()) -> ErasureResult:
        """Erase one person's contacts (given, or those linked to the request)."""
        exempt = tuple(dict.fromkeys(e if isinstance(e, Exemption) else Exemption.parse(e)
                                     for e in exemptions))
        reference = (request_reference or "").strip() or None
        self._ctx.require(Permission.PURGE, "erasure.erase", "request", reference)
        with self._ctx.store.session() as s:
            ids = self._ids(s, contact_ids, self._request(s, reference))
            contacts = list(s.scalars(select(Contact).where(Contact.id.in_(ids))))
            held = [c.id for c in contacts if c.legal_hold_reason is not None]
            if held and not any(e.key == "legal_hold" for e in exempt):
                raise PurgeError(
                    f"Contact {', '.join(map(str, held))} is under a legal hold: record the "
                    "legal hold exemption, or lift the hold first. Nothing was erased.")
            if not exempt:  # keeping the data under an exemption deletes nothing
                self._refuse_held(s, ids, reference)
            people = [(c.email, c.phone) for c in contacts]
        # HMACs need the key, read outside the write transaction below.
        digests = [self._suppression.digests(e, p) for e, p in people] if not exempt else []
        return self._exempt(reference, ids, exempt) if exempt else self._erase(reference, ids, digests)

    def _erase(self, reference: str | None, ids: list[int],
               digests: list[SuppressionDigests]) -> ErasureResult:
        today = self._ctx.today()
        with self._ctx.store.session() as s:
            request = self._request(s, reference)
            self._refuse_held(s, ids, reference)  # again, inside the deleting transaction
            keys = set(s.scalars(select(Disclosure.recipient).where(Disclosure.contact_id.in_(ids))))
            told = self._recipient_names(keys)
            totals = PurgeCounts.total(count_dependents(s, ids).values())
            tomb = add_tombstone(s, self._ctx, ERASURE_RULE, totals, reference)
            delete_contacts(s, ids)
            added = self._suppression.add_in(s, digests, "erasure")
            if request is not None:
                request.exemptions = "[]"
                self._event(s, request, "erasure_done",
                            f"Erased {len(ids)} contact record(s), leaving tombstone {tomb}; "
                            f"recipients to tell: {', '.join(told) or 'none'}.")
            self._ctx.record(s, "erasure.erase", "request" if reference else "tombstone",
                             reference or tomb,
                             detail=json.dumps({"tombstone": tomb, "suppressed": added,
                                                **totals.as_json()}))
        truncated = checkpoint(self._ctx)
        return ErasureResult(reference, len(ids), told, (), today, totals, tomb, truncated)

    def _exempt(self, reference: str | None, ids: list[int],
                exempt: tuple[Exemption, ...]) -> ErasureResult:
        with self._ctx.store.session() as s:
            request = self._request(s, reference)
            if request is not None:
                request.exemptions = json.dumps([e.as_json() for e in exempt], ensure_ascii=False)
                self._event(s, request, "erasure_exempt",
                            "Data kept, not erased, under: " + "; ".join(
                                e.label + (f" ({e.note})" if e.note else "") for e in exempt))
            self._ctx.record(s, "erasure.exempt", "request" if reference else "contact",
                             reference or ids[0],
                             detail=json.dumps({"contacts": len(ids),
                                                "exemptions": [e.key for e in exempt]}))
        return ErasureResult(reference, 0, (), exempt, self._ctx.today())

    # -- helpers -----------------------------------------------------------------------
    @staticmethod
    def _refuse_held(s: Any, ids: list[int], reference: str | None) -> None:
        """An open request holds the person's data; only the erasure request's own action
        may erase it (and only when no other open request covers them)."""
        holds = open_holds(s, ids, own=reference)
        if holds:
            own = "" if reference else (" To erase for an erasure request, erase from that "
                                        "request (privdesk erase ID --request REF).")
            raise PurgeError(f"Not erased: {hold_message(holds)}.{own} Nothing was erased.")

    @staticmethod
    def _ids(s: Any, contact_ids: Sequence[int], request: Request | None) -> list[int]:
        """The given contacts, else those linked to the request; all must exist."""
        ids = list(dict.fromkeys(contact_ids))
        if not ids and request is not None:
            ids = list(s.scalars(select(RequestContact.contact_id)
                                 .where(RequestContact.request_id == request.id)))
        if not ids:
            raise PurgeError("No contact to erase: give a contact id, or a request "
                             "linked to the person's contacts.")
        found = set(s.scalars(select(Contact.id).where(Contact.id.in_(ids))))
        missing = sorted(set(ids) - found)
        if missing:
            raise PurgeError(f"There is no contact with id {', '.join(map(str, missing))}.")
        return ids

    def _request(self, s: Any, reference: str | None) -> Request | None:
        if reference is None:
            return None
        request = s.scalar(select(Request).where(Request.reference == reference))
        if request is None:
            raise PurgeError(f"There is no request with reference {reference!r}.")
        if request.type != "erasure":
            raise PurgeError(f"Request {reference} is a {request.type} request, not an erasure "
                             "request.")
        return request  # type: ignore[no-any-return]

    def _recipient_names(self, keys: set[str]) -> tuple[str, ...]:
        policy = self._ctx.policy
        known = [r.name for r in policy.recipients if r.key in keys]
        unknown = sorted(k for k in keys if policy.recipient(k) is None)
        return tuple(known + unknown)

    def _event(self, s: Any, request: Request, kind: str, detail: str) -> None:
        s.add(RequestEvent(request_id=request.id, at=self._ctx.now(), on_date=self._ctx.today(),
                           kind=kind, detail=detail, officer=self._ctx.actor.name))
