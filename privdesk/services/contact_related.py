"""What a contact save does besides its fields: the interactions and disclosures added or
removed with it (each noted in the rectification history), and the audit's words for it."""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from privdesk.domain.contact_records import (
    INTERACTION_KINDS,
    INTERACTION_LABELS,
    FieldError,
    RelatedChanges,
)
from privdesk.services.contact_errors import ContactValidationError
from privdesk.services.contact_fields import derive, display_value, note_change
from privdesk.services.context import ServiceContext
from privdesk.store.models import Contact, Disclosure, Interaction


def apply_related(s: Session, ctx: ServiceContext, contact: Contact, related: RelatedChanges,
                  region: str) -> None:
    """Remove and add the interactions and disclosures, each noted in the history."""
    errors = _related_errors(ctx, related)
    if errors:
        raise ContactValidationError(errors)
    for iid in related.removed_interactions:
        row = s.get(Interaction, iid)
        if row is not None and row.contact_id == contact.id:
            note_change(s, ctx, contact, "interaction", _describe_interaction(row), None)
            s.delete(row)
    for did in related.removed_disclosures:
        d = s.get(Disclosure, did)
        if d is not None and d.contact_id == contact.id:
            note_change(s, ctx, contact, "disclosure",
                        _describe_disclosure(d, _recipient_name(ctx, d.recipient)), None)
            s.delete(d)
    for new in related.new_interactions:
        row = Interaction(contact_id=contact.id, kind=new.kind, occurred_on=new.occurred_on,
                          summary=new.summary.strip(), officer=ctx.actor.name)
        s.add(row)
        note_change(s, ctx, contact, "interaction", None, _describe_interaction(row))
        if contact.last_activity is None or new.occurred_on > contact.last_activity:
            # The retention clock for enquirers runs from the last contact.
            note_change(s, ctx, contact, "last_activity", display_value(contact.last_activity),
                        display_value(new.occurred_on))
            contact.last_activity = new.occurred_on
    for nd in related.new_disclosures:
        d = Disclosure(contact_id=contact.id, recipient=nd.recipient,
                       purpose=nd.purpose.strip(), disclosed_on=nd.disclosed_on)
        s.add(d)
        note_change(s, ctx, contact, "disclosure", None,
                    _describe_disclosure(d, _recipient_name(ctx, d.recipient)))
    derive(contact, ctx.policy, region)

def _recipient_name(ctx: ServiceContext, key: str) -> str:
    """The recipient as the policy names it (history is read by the person too)."""
    recipient = ctx.policy.recipient(key)
    return recipient.name if recipient else key

def _related_errors(ctx: ServiceContext, related: RelatedChanges) -> list[FieldError]:
    today = ctx.today()
    recipients = {r.key for r in ctx.policy.recipients}
    errors = []
    for i in related.new_interactions:
        if i.kind not in INTERACTION_KINDS:
            errors.append(FieldError("interaction", f"Unknown kind of interaction: {i.kind}"))
        if i.occurred_on > today:
            errors.append(FieldError("interaction", "An interaction cannot be in the future"))
        if len(i.summary) > 5000:
            errors.append(FieldError("interaction", "Summary too long: at most 5,000 characters"))
    for d in related.new_disclosures:
        if d.recipient not in recipients:
            errors.append(FieldError("disclosure", "The recipient is not one the policy names"))
        if not d.purpose.strip():
            errors.append(FieldError("disclosure", "Give the purpose of the disclosure"))
        if d.disclosed_on > today:
            errors.append(FieldError("disclosure", "A disclosure cannot be in the future"))
    return errors


def _describe_interaction(row: Interaction) -> str:
    when = row.occurred_on.isoformat() if isinstance(row.occurred_on, date) else ""
    label = INTERACTION_LABELS.get(row.kind, row.kind)
    return f"{label} on {when}: {row.summary}" if row.summary else f"{label} on {when}"


def _describe_disclosure(d: Disclosure, recipient: str) -> str:
    return f"to {recipient} on {d.disclosed_on.isoformat()} for {d.purpose}"


def changes_in_words(changed: list[str], related: RelatedChanges | None) -> str:
    """"changed notes, email; added 1 interaction": what an update did, for the audit."""
    parts = [f"changed {', '.join(n.replace('_', ' ') for n in changed)}"] if changed else []
    if related is not None:
        for verb, items, what in (("added", related.new_interactions, "interaction"),
                                  ("removed", related.removed_interactions, "interaction"),
                                  ("added", related.new_disclosures, "disclosure"),
                                  ("removed", related.removed_disclosures, "disclosure")):
            if items:
                parts.append(f"{verb} {len(items)} {what}{'s' if len(items) != 1 else ''}")
    return "; ".join(parts) or "saved with no change"
