"""The contact register: create, correct (with rectification history), opt out, and the
interactions and disclosures kept with each person. Search, duplicates, import and export
live in their own modules; this service is the one entry point the faces use."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain.contact_records import (
    EDITABLE_FIELDS,
    INTERACTION_KINDS,
    INTERACTION_LABELS,
    ChangeRecord,
    ContactDetail,
    ContactInput,
    ContactPage,
    ContactQuery,
    ContactRow,
    DisclosureRecord,
    DuplicateCandidate,
    FieldError,
    IdPage,
    InteractionRecord,
    RelatedChanges,
)
from privdesk.domain.contact_validation import cleaned, validate_contact
from privdesk.domain.retention import retention_due
from privdesk.services import contacts_export, contacts_search, duplicates
from privdesk.services.authz import Permission
from privdesk.services.contact_fields import (
    apply_identity_fields,
    display_value,
    to_input,
)
from privdesk.services.context import ServiceContext, retention_specs
from privdesk.services.errors import ServiceError
from privdesk.services.retention_fields import apply_retention_fields, retention_facts
from privdesk.services.settings import SettingsService
from privdesk.services.suppression import SuppressionList
from privdesk.store.models import (
    Contact,
    ContactChange,
    Disclosure,
    Interaction,
    Request,
    RequestContact,
)


class ContactValidationError(ServiceError, ValueError):
    """The input has problems; `errors` lists each with its field, in plain words."""

    def __init__(self, errors: Sequence[FieldError]) -> None:
        super().__init__("; ".join(f"{e.field}: {e.reason}" for e in errors))
        self.errors = tuple(errors)


class ContactNotFound(ServiceError, LookupError):
    def __init__(self, contact_id: int) -> None:
        super().__init__(f"No contact with id {contact_id} (it may have been merged or deleted).")
        self.contact_id = contact_id


class ContactChanged(ServiceError, RuntimeError):
    """Optimistic check: someone saved this contact after the editor loaded it. Nothing
    was written; the officer reloads and re-applies (the editor keeps their text)."""

    def __init__(self, contact_id: int, officer: str, at: datetime) -> None:
        super().__init__(f"this contact was changed by {officer} at {at:%Y-%m-%d %H:%M} UTC "
                         "— reload it to see their change, then save yours again")
        self.contact_id, self.officer, self.at = contact_id, officer, at


class ContactService:
    def __init__(self, ctx: ServiceContext, settings: SettingsService | None = None,
                 suppression: SuppressionList | None = None) -> None:
        self._ctx = ctx
        self._settings = settings or SettingsService(ctx)
        self._suppression = suppression or SuppressionList(ctx)  # one, not one per call

    # -- reading -----------------------------------------------------------------------
    def phone_region(self) -> str:
        return str(self._settings.get("phone_region") or "GB")

    def source_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self._ctx.policy.sources)

    def validate(self, data: ContactInput, previous: ContactInput | None = None) -> list[FieldError]:
        return validate_contact(cleaned(data), self.source_keys(), self.phone_region(),
                                self._ctx.today(), previous)

    def get(self, contact_id: int) -> ContactDetail:
        with self._ctx.store.session() as s:
            return self._detail(s, self._load(s, contact_id))

    def search(self, query: ContactQuery, offset: int = 0, limit: int = 100) -> ContactPage:
        with self._ctx.store.session() as s:
            return contacts_search.search(s, query, offset, limit, self.phone_region())

    def search_ids(self, query: ContactQuery, offset: int = 0, limit: int = 1000) -> IdPage:
        with self._ctx.store.session() as s:
            return contacts_search.search_ids(s, query, offset, limit, self.phone_region())

    def rows(self, ids: Sequence[int]) -> list[ContactRow]:
        """Rows for these ids, in the same order (missing ids are left out)."""
        with self._ctx.store.session() as s:
            return contacts_search.rows_by_ids(s, ids)

    def find_duplicates(self, data: ContactInput, exclude_id: int | None = None) -> list[DuplicateCandidate]:
        with self._ctx.store.session() as s:
            return duplicates.find_duplicates(s, cleaned(data), self.phone_region(), exclude_id)

    # -- writing -----------------------------------------------------------------------
    def is_suppressed(self, email: str | None, phone: str | None) -> bool:
        """For new-contact entry: the person was erased or objected to marketing."""
        return self._suppression.is_suppressed(email, phone)

    def create(self, data: ContactInput, related: RelatedChanges | None = None) -> ContactDetail:
        self._ctx.require(Permission.EDIT, "contacts.create", "contact")
        data = cleaned(data)
        if not data.marketing_opt_out:
            self._suppression.check_marketing_allowed(data.email, data.phone)
        if data.first_contact is None and data.last_activity is None:
            # Retention runs from the first contact: today is the day we came to hold it.
            data = replace(data, first_contact=self._ctx.today())
        self._check(data, None)
        now, today = self._ctx.now(), self._ctx.today()
        with self._ctx.store.session() as s:
            contact = Contact(**{f: getattr(data, f) for f in EDITABLE_FIELDS},
                              created_at=now, updated_at=now,
                              opt_out_on=today if data.marketing_opt_out else None)
            self._derive(contact)
            s.add(contact)
            s.flush()
            self._change(s, contact, "created", None, "created by hand")
            if related is not None:
                self._apply_related(s, contact, related)
            self._ctx.record(s, "contacts.create", "contact", contact.id)
            return self._detail(s, contact)

    def update(self, contact_id: int, data: ContactInput,
               related: RelatedChanges | None = None,
               expected_updated_at: datetime | None = None) -> ContactDetail:
        """Correct a contact: one history row per changed field (old, new, who, when).

        expected_updated_at (the `updated_at` the editor loaded) makes the save optimistic:
        if another officer saved in between, ContactChanged is raised and nothing is written.
        The row is locked for the check and the write (FOR UPDATE on a team store)."""
        self._ctx.require(Permission.EDIT, "contacts.update", "contact", contact_id)
        data = cleaned(data)
        if not data.marketing_opt_out:
            # Checked before the write transaction: it reads the list's key itself.
            self._suppression.check_marketing_allowed(data.email, data.phone)
        with self._ctx.store.session() as s:
            contact = self._load(s, contact_id, lock=True)
            if expected_updated_at is not None and contact.updated_at != expected_updated_at:
                last = s.scalars(select(ContactChange).where(ContactChange.contact_id == contact_id)
                                 .order_by(ContactChange.id.desc()).limit(1)).first()
                raise ContactChanged(contact_id, last.officer if last else "another officer",
                                     contact.updated_at)
            self._check(data, to_input(contact))
            changed = []
            for name in EDITABLE_FIELDS:
                old, new = getattr(contact, name), getattr(data, name)
                if old != new:
                    changed.append(name)
                    self._change(s, contact, name, display_value(old), display_value(new))
                    setattr(contact, name, new)
            if "marketing_opt_out" in changed:
                contact.opt_out_on = self._ctx.today() if data.marketing_opt_out else None
            if related is not None:
                self._apply_related(s, contact, related)
            if changed or related is not None:
                contact.updated_at = self._ctx.now()
                self._derive(contact)
                self._ctx.record(s, "contacts.update", "contact", contact_id,
                                 detail=_changes_in_words(changed, related))
            return self._detail(s, contact)

    def opt_out(self, contact_id: int) -> ContactDetail:
        """The person objects to marketing: absolute, flagged everywhere, dated."""
        self._ctx.require(Permission.EDIT, "contacts.opt_out", "contact", contact_id)
        suppression = self._suppression
        with self._ctx.store.session() as s:
            person = self._load(s, contact_id)
            email, phone = person.email, person.phone
        # An objection is absolute: keyed hashes go on the suppression list so that a
        # later import or re-entry cannot quietly make the person open to marketing again.
        digests = suppression.digests(email, phone)
        with self._ctx.store.session() as s:
            contact = self._load(s, contact_id)
            suppression.add_in(s, [digests], "objection")
            if not contact.marketing_opt_out:
                today = self._ctx.today()
                self._change(s, contact, "marketing_opt_out", "no", "yes")
                contact.marketing_opt_out = True
                contact.opt_out_on = today
                contact.updated_at = self._ctx.now()
                self._ctx.record(s, "contacts.opt_out", "contact", contact_id)
            return self._detail(s, contact)

    def merge(self, keep_id: int, other_id: int) -> ContactDetail:
        """Fold `other_id` into `keep_id`, keeping every interaction, disclosure,
        history entry, request link and document."""
        self._ctx.require(Permission.EDIT, "contacts.merge", "contact", keep_id)
        with self._ctx.store.session() as s:
            keep, other = self._load(s, keep_id), self._load(s, other_id)
            counts = duplicates.merge_into(s, keep, other, self._ctx.actor.name, self._ctx.now())
            self._derive(keep)
            self._ctx.record(s, "contacts.merge", "contact", keep_id,
                             detail=f"merged {other_id} into {keep_id}; " + ", ".join(
                                 f"{k} {n}" for k, n in counts.items()))
            s.flush()
            s.expire(keep)
            return self._detail(s, keep)

    def export_csv(self, path: Path, query: ContactQuery | None = None) -> int:
        """Write the register (or a filtered part) to CSV; returns the rows written."""
        self._ctx.require(Permission.EXPORT, "contacts.export", "contact")
        with self._ctx.store.session() as s:
            count = contacts_export.write_csv(s, path, query or ContactQuery(),
                                              self.phone_region())
            self._ctx.record(s, "contacts.export", "contact", None, detail=f"rows {count}")
        return count

    # -- internals ---------------------------------------------------------------------
    def _check(self, data: ContactInput, previous: ContactInput | None) -> None:
        errors = validate_contact(data, self.source_keys(), self.phone_region(),
                                  self._ctx.today(), previous)
        if errors:
            raise ContactValidationError(errors)

    def _derive(self, contact: Contact) -> None:
        apply_identity_fields(contact, self.phone_region())
        apply_retention_fields(self._ctx.policy, contact)

    @staticmethod
    def _load(s: Session, contact_id: int, lock: bool = False) -> Contact:
        contact = s.get(Contact, contact_id, with_for_update=lock or None)
        if contact is None:
            raise ContactNotFound(contact_id)
        return contact

    def _change(self, s: Session, contact: Contact, field: str, old: str | None,
                new: str | None) -> None:
        s.add(ContactChange(contact_id=contact.id, field=field, old_value=old, new_value=new,
                            officer=self._ctx.actor.name, changed_at=self._ctx.now()))

    def _apply_related(self, s: Session, contact: Contact, related: RelatedChanges) -> None:
        errors = self._related_errors(related)
        if errors:
            raise ContactValidationError(errors)
        for iid in related.removed_interactions:
            row = s.get(Interaction, iid)
            if row is not None and row.contact_id == contact.id:
                self._change(s, contact, "interaction", _describe_interaction(row), None)
                s.delete(row)
        for did in related.removed_disclosures:
            d = s.get(Disclosure, did)
            if d is not None and d.contact_id == contact.id:
                self._change(s, contact, "disclosure",
                             _describe_disclosure(d, self._recipient_name(d.recipient)), None)
                s.delete(d)
        for new in related.new_interactions:
            row = Interaction(contact_id=contact.id, kind=new.kind, occurred_on=new.occurred_on,
                              summary=new.summary.strip(), officer=self._ctx.actor.name)
            s.add(row)
            self._change(s, contact, "interaction", None, _describe_interaction(row))
            if contact.last_activity is None or new.occurred_on > contact.last_activity:
                # The retention clock for enquirers runs from the last contact.
                self._change(s, contact, "last_activity", display_value(contact.last_activity),
                             display_value(new.occurred_on))
                contact.last_activity = new.occurred_on
        for nd in related.new_disclosures:
            d = Disclosure(contact_id=contact.id, recipient=nd.recipient,
                           purpose=nd.purpose.strip(), disclosed_on=nd.disclosed_on)
            s.add(d)
            self._change(s, contact, "disclosure", None,
                         _describe_disclosure(d, self._recipient_name(d.recipient)))
        self._derive(contact)

    def _recipient_name(self, key: str) -> str:
        """The recipient as the policy names it (history is read by the person too)."""
        recipient = self._ctx.policy.recipient(key)
        return recipient.name if recipient else key

    def _related_errors(self, related: RelatedChanges) -> list[FieldError]:
        today = self._ctx.today()
        recipients = {r.key for r in self._ctx.policy.recipients}
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

    def _detail(self, s: Session, c: Contact) -> ContactDetail:
        s.flush()
        working = retention_due(retention_facts(c), retention_specs(self._ctx.policy)).working
        inter = s.scalars(select(Interaction).where(Interaction.contact_id == c.id)
                          .order_by(Interaction.occurred_on.desc(), Interaction.id.desc())).all()
        disc = s.scalars(select(Disclosure).where(Disclosure.contact_id == c.id)
                         .order_by(Disclosure.disclosed_on.desc(), Disclosure.id.desc())).all()
        hist = s.scalars(select(ContactChange).where(ContactChange.contact_id == c.id)
                         .order_by(ContactChange.changed_at.desc(), ContactChange.id.desc())).all()
        reqs = s.execute(select(Request.id, Request.reference)
                         .join(RequestContact, RequestContact.request_id == Request.id)
                         .where(RequestContact.contact_id == c.id)
                         .order_by(Request.received_on.desc(), Request.id.desc())).all()
        return ContactDetail(
            id=c.id, data=to_input(c), opt_out_on=c.opt_out_on, retention_rule=c.retention_rule,
            retention_due=c.retention_due, retention_working=working, created_at=c.created_at,
            updated_at=c.updated_at,
            interactions=tuple(InteractionRecord(i.id, i.kind, i.occurred_on, i.summary, i.officer)
                               for i in inter),
            disclosures=tuple(DisclosureRecord(d.id, d.recipient, d.purpose, d.disclosed_on)
                              for d in disc),
            history=tuple(ChangeRecord(h.id, h.field, h.old_value, h.new_value, h.officer,
                                       h.changed_at) for h in hist),
            request_ids=tuple(r.id for r in reqs),
            request_refs=tuple(r.reference for r in reqs),
        )


def _describe_interaction(row: Interaction) -> str:
    when = row.occurred_on.isoformat() if isinstance(row.occurred_on, date) else ""
    label = INTERACTION_LABELS.get(row.kind, row.kind)
    return f"{label} on {when}: {row.summary}" if row.summary else f"{label} on {when}"


def _describe_disclosure(d: Disclosure, recipient: str) -> str:
    return f"to {recipient} on {d.disclosed_on.isoformat()} for {d.purpose}"


def _changes_in_words(changed: list[str], related: RelatedChanges | None) -> str:
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
