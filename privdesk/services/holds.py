"""Which contacts may not be deleted now, and why. A person linked to a request that is
not yet answered may not be deleted (DPA 2018 s.173), by a retention purge or by an
erasure other than the erasure request's own. A retention purge also keeps the people an
open personal-data breach concerns (they may still have to be told, Art. 34, and the
breach record must stay whole, Art. 33(5)); an erasure the person asked for is not held
by a breach. Asked at review and again inside the deleting transaction."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from privdesk.domain.request_rules import OPEN_STATUSES, deletion_hold
from privdesk.store.models import Breach, BreachContact, Request, RequestContact

CHUNK = 500


@dataclass(frozen=True)
class Hold:
    """What holds one contact: open requests' and open breaches' references."""

    requests: tuple[str, ...] = ()
    breaches: tuple[str, ...] = ()

    @property
    def references(self) -> tuple[str, ...]:
        return self.requests + self.breaches

    @property
    def reason(self) -> str:
        return str(deletion_hold(self.requests, breaches=self.breaches))


@dataclass(frozen=True)
class HeldContact:
    """A contact kept because of open requests or breaches (name shown in the review only)."""

    contact_id: int
    name: str
    references: tuple[str, ...]
    reason: str
    breaches: tuple[str, ...] = ()  # those of `references` that are breaches

    @property
    def by_request(self) -> bool:
        return len(self.references) > len(self.breaches)

    def as_json(self) -> dict[str, object]:
        # ids and references only: a scheduler's log must not hold names.
        return {"contact_id": self.contact_id, "held_by": list(self.references),
                "reason": self.reason}


def _references(s: Session, contact_ids: Sequence[int], query: Callable[[list[int]], Select[int, str]],
                skip: str | None = None) -> dict[int, tuple[str, ...]]:
    """contact id -> the references `query` finds for a chunk of ids (contact id,
    reference rows, in reference order), leaving out `skip`."""
    found: dict[int, list[str]] = {}
    ids = list(dict.fromkeys(contact_ids))
    for i in range(0, len(ids), CHUNK):
        for cid, ref in s.execute(query(ids[i:i + CHUNK])):
            if ref != skip:
                found.setdefault(int(cid), []).append(str(ref))
    return {cid: tuple(refs) for cid, refs in found.items()}


def open_holds(s: Session, contact_ids: Sequence[int],
               own: str | None = None) -> dict[int, tuple[str, ...]]:
    """contact id -> references of the open requests linked to it (other than `own`)."""
    return _references(s, contact_ids, lambda chunk: (
        select(RequestContact.contact_id, Request.reference)
        .join(Request, Request.id == RequestContact.request_id)
        .where(RequestContact.contact_id.in_(chunk), Request.status.in_(OPEN_STATUSES))
        .order_by(Request.reference)), skip=own)


def open_breaches(s: Session, contact_ids: Sequence[int]) -> dict[int, tuple[str, ...]]:
    """contact id -> references of the open breaches that concern it."""
    return _references(s, contact_ids, lambda chunk: (
        select(BreachContact.contact_id, Breach.reference)
        .join(Breach, Breach.id == BreachContact.breach_id)
        .where(BreachContact.contact_id.in_(chunk), Breach.status == "open")
        .order_by(Breach.reference)))


def purge_holds(s: Session, contact_ids: Sequence[int]) -> dict[int, Hold]:
    """What keeps each of these contacts out of a retention purge (absent: nothing)."""
    requests, breaches = open_holds(s, contact_ids), open_breaches(s, contact_ids)
    return {cid: Hold(requests.get(cid, ()), breaches.get(cid, ()))
            for cid in sorted(requests.keys() | breaches.keys())}


def hold_message(holds: Mapping[int, Hold | tuple[str, ...]]) -> str:
    """One sentence for a refusal: which contacts, held by which requests (or breaches)."""
    reasons = {cid: h.reason if isinstance(h, Hold) else str(deletion_hold(h))
               for cid, h in holds.items()}
    parts = [f"contact {cid} is {reason}" for cid, reason in sorted(reasons.items())]
    return "; ".join(parts[:10]) + (f"; and {len(parts) - 10} more" if len(parts) > 10 else "")
