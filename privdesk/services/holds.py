"""Which contacts an open request holds: a person linked to a request that is not yet
answered may not be deleted (DPA 2018 s.173), by a retention purge or by an erasure other
than the erasure request's own. Asked at review and again inside the deleting transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain.request_rules import OPEN_STATUSES, deletion_hold
from privdesk.store.models import Request, RequestContact

CHUNK = 500


@dataclass(frozen=True)
class HeldContact:
    """A contact kept because of open requests (name shown in the review only)."""

    contact_id: int
    name: str
    references: tuple[str, ...]
    reason: str

    def as_json(self) -> dict[str, object]:
        # ids and references only: a scheduler's log must not hold names.
        return {"contact_id": self.contact_id, "held_by": list(self.references),
                "reason": self.reason}


def open_holds(s: Session, contact_ids: Sequence[int],
               own: str | None = None) -> dict[int, tuple[str, ...]]:
    """contact id -> references of the open requests linked to it (other than `own`)."""
    found: dict[int, list[str]] = {}
    ids = list(dict.fromkeys(contact_ids))
    for i in range(0, len(ids), CHUNK):
        rows = s.execute(
            select(RequestContact.contact_id, Request.reference)
            .join(Request, Request.id == RequestContact.request_id)
            .where(RequestContact.contact_id.in_(ids[i:i + CHUNK]),
                   Request.status.in_(OPEN_STATUSES))
            .order_by(Request.reference))
        for cid, ref in rows:
            if ref != own:
                found.setdefault(int(cid), []).append(str(ref))
    return {cid: tuple(refs) for cid, refs in found.items()}


def hold_message(holds: dict[int, tuple[str, ...]]) -> str:
    """One sentence for a refusal: which contacts, held by which requests."""
    parts = [f"contact {cid} is {deletion_hold(refs)}" for cid, refs in sorted(holds.items())]
    return "; ".join(parts[:10]) + (f"; and {len(parts) - 10} more" if len(parts) > 10 else "")
