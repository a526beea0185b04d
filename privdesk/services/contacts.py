"""The contact register: create, correct (with rectification history), opt out, and the
interactions and disclosures kept with each person. This service is the one entry point
the faces use; it hands duplicates and merging to `duplicates.ContactDuplicates` and the
CSV export to `contacts_export.ContactExport` (each built with the same context), and
search to `contacts_search`'s queries. Import is its own service (ContactImportService)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.domain.contact_records import (
    EDITABLE_FIELDS,
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
from privdesk.services import contacts_search
from privdesk.services.authz import Permission
from privdesk.services.contact_errors import ContactChanged as ContactChanged
from privdesk.services.contact_errors import ContactMergeError as ContactMergeError
from privdesk.services.contact_errors import ContactNotFound as ContactNotFound
from privdesk.services.contact_errors import ContactValidationError as ContactValidationError
from privdesk.services.contact_fields import (
    derive,
    display_value,
    load_contact,
    note_change,
    to_input,
)
from privdesk.services.contact_related import apply_related, changes_in_words
from privdesk.services.contacts_export import ContactExport
from privdesk.services.context import ServiceContext, retention_specs
from privdesk.services.duplicates import ContactDuplicates
from privdesk.services.retention_fields import retention_facts
from privdesk.services.search_cache import SearchCache
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


class ContactService:
    def __init__(self, ctx: ServiceContext, settings: SettingsService | None = None,
                 suppression: SuppressionList | None = None) -> None:
        self._ctx = ctx
        self._settings = settings or SettingsService(ctx)
        self._suppression = suppression or SuppressionList(ctx)  # one, not one per call
        self._duplicates = ContactDuplicates(ctx)
        self._export = ContactExport(ctx)
        self._cache = SearchCache(self._settings)  # region and id windows, not per keystroke

    # -- reading -----------------------------------------------------------------------
    def phone_region(self) -> str:
        return self._cache.region()

    def source_keys(self) -> tuple[str, ...]:
        return tuple(s.key for s in self._ctx.policy.sources)

    def validate(self, data: ContactInput, previous: ContactInput | None = None) -> list[FieldError]:
        return validate_contact(cleaned(data), self.source_keys(), self.phone_region(),
                                self._ctx.today(), previous)

    def get(self, contact_id: int) -> ContactDetail:
        with self._ctx.store.session() as s:
            return self._detail(s, load_contact(s, contact_id))

    def search(self, query: ContactQuery, offset: int = 0, limit: int = 100) -> ContactPage:
        with self._ctx.store.session() as s:
            return contacts_search.search(s, query, offset, limit, self.phone_region(),
                                          self._cache.windows(s))

    def search_ids(self, query: ContactQuery, offset: int = 0, limit: int = 1000) -> IdPage:
        with self._ctx.store.session() as s:
            return contacts_search.search_ids(s, query, offset, limit, self.phone_region(),
                                              self._cache.windows(s))

    def rows(self, ids: Sequence[int]) -> list[ContactRow]:
        """Rows for these ids, in the same order (missing ids are left out)."""
        with self._ctx.store.session() as s:
            return contacts_search.rows_by_ids(s, ids)

    def find_duplicates(self, data: ContactInput, exclude_id: int | None = None) -> list[DuplicateCandidate]:
        return self._duplicates.find(cleaned(data), self.phone_region(), exclude_id)

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
            note_change(s, self._ctx, contact, "created", None, "created by hand")
            if related is not None:
                apply_related(s, self._ctx, contact, related, self.phone_region())
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
            contact = load_contact(s, contact_id, lock=True)
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
                    note_change(s, self._ctx, contact, name, display_value(old), display_value(new))
                    setattr(contact, name, new)
            if "marketing_opt_out" in changed:
                contact.opt_out_on = self._ctx.today() if data.marketing_opt_out else None
            if related is not None:
                apply_related(s, self._ctx, contact, related, self.phone_region())
            if changed or related is not None:
                contact.updated_at = self._ctx.now()
                self._derive(contact)
                self._ctx.record(s, "contacts.update", "contact", contact_id,
                                 detail=changes_in_words(changed, related))
            return self._detail(s, contact)

    def opt_out(self, contact_id: int) -> ContactDetail:
        """The person objects to marketing: absolute, flagged everywhere, dated."""
        self._ctx.require(Permission.EDIT, "contacts.opt_out", "contact", contact_id)
        suppression = self._suppression
        with self._ctx.store.session() as s:
            person = load_contact(s, contact_id)
            email, phone = person.email, person.phone
        # An objection is absolute: keyed hashes go on the suppression list so that a
        # later import or re-entry cannot quietly make the person open to marketing again.
        digests = suppression.digests(email, phone)
        with self._ctx.store.session() as s:
            contact = load_contact(s, contact_id)
            suppression.add_in(s, [digests], "objection")
            if not contact.marketing_opt_out:
                today = self._ctx.today()
                note_change(s, self._ctx, contact, "marketing_opt_out", "no", "yes")
                contact.marketing_opt_out = True
                contact.opt_out_on = today
                contact.updated_at = self._ctx.now()
                self._ctx.record(s, "contacts.opt_out", "contact", contact_id)
            return self._detail(s, contact)

    def merge(self, keep_id: int, other_id: int) -> ContactDetail:
        """Fold `other_id` into `keep_id`, keeping every interaction, disclosure,
        history entry, request link and document."""
        self._duplicates.merge(keep_id, other_id, self.phone_region())
        return self.get(keep_id)

    def export_csv(self, path: Path, query: ContactQuery | None = None) -> int:
        """Write the register (or a filtered part) to CSV; returns the rows written."""
        return self._export.write_csv(path, query or ContactQuery(), self.phone_region())

    # -- internals ---------------------------------------------------------------------
    def _check(self, data: ContactInput, previous: ContactInput | None) -> None:
        errors = validate_contact(data, self.source_keys(), self.phone_region(),
                                  self._ctx.today(), previous)
        if errors:
            raise ContactValidationError(errors)

    def _derive(self, contact: Contact) -> None:
        derive(contact, self._ctx.policy, self.phone_region())

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
