"""The documents of a breach: the ICO notification draft and the Art. 34 letters to the
people affected. Both are kept inside the encrypted store (documents table) and audited.

The draft must carry none of the personal data involved (the ICO's form says so): before
it is let go, its text is checked for the linked people's names and emails, and a draft
that contains one is refused with the place it was found.
"""

from __future__ import annotations

import hashlib
import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from pypdf import PdfReader
from sqlalchemy.orm import Session

from privdesk.domain.breach_clock import notify_by, show_local, to_local
from privdesk.domain.filenames import safe_filename
from privdesk.reports.breach_docs import BreachFacts, build_breach_letter, build_ico_draft
from privdesk.reports.layout import RenderedPdf
from privdesk.services.authz import Permission
from privdesk.services.breach_records import (
    CYBER,
    DATA_CATEGORIES,
    ICO_DECISIONS,
    PEOPLE_DECISIONS,
    SUBJECT_CATEGORIES,
    BreachDetail,
    BreachError,
)
from privdesk.services.breaches import BreachService
from privdesk.services.context import ServiceContext
from privdesk.services.pack_records import BuiltDocument
from privdesk.services.packs import stored
from privdesk.store.models import Breach, Contact, Document

DEFAULT_ADVICE = ("Be wary of unexpected emails, calls or messages that mention this breach or "
                  "ask for your details, and tell us if you notice anything unusual.")


def _latest(detail: BreachDetail, kind: str) -> tuple[str | None, str | None]:
    found = [d for d in detail.decisions if d.kind == kind]
    return (found[-1].reasons, found[-1].delay_reasons) if found else (None, None)


def facts(detail: BreachDetail, prepared_by: str, now_utc: datetime) -> BreachFacts:
    row = detail.row
    tz = ZoneInfo(row.zone)
    ico_reasons, delay = _latest(detail, "ico")
    people_reasons, _ = _latest(detail, "people")
    return BreachFacts(
        reference=row.reference,
        report_type="Follow-up report" if detail.ico_reference else "Initial report",
        ico_reference=detail.ico_reference, summary=row.summary, cyber=CYBER[detail.cyber],
        discovery=detail.discovery, aware_local=show_local(row.aware_at, tz),
        aware_on=to_local(row.aware_at, tz).date(),
        occurred_local=show_local(detail.occurred_at, tz) if detail.occurred_at else "Not known",
        notify_by_local=show_local(notify_by(row.aware_at), tz),
        data_categories=tuple(DATA_CATEGORIES[k] for k in detail.data_categories),
        records_count=detail.records_count, people_count=row.people_count,
        subject_categories=tuple(SUBJECT_CATEGORIES[k] for k in detail.subject_categories),
        consequences=detail.consequences, measures=detail.measures,
        notified_local=show_local(row.notified_at, tz) if row.notified_at else None,
        delay_reasons=delay,
        ico_decision=ICO_DECISIONS.get(row.ico_decision or "", "Not yet decided"),
        ico_reasons=ico_reasons,
        people_decision=PEOPLE_DECISIONS.get(row.people_decision or "", "Not yet decided"),
        people_reasons=people_reasons, prepared_by=prepared_by,
        prepared_on=to_local(now_utc, tz).date(),
    )


def _flat(text: str) -> str:
    return " ".join(text.casefold().split())


def personal_data_in(text: str, detail: BreachDetail) -> str | None:
    """The first linked person's name or email found in text (whole words), or None."""
    flat = _flat(text)
    for person in detail.contacts:
        for value in (person.name, person.email):
            needle = _flat(value or "")
            if len(needle) >= 3 and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", flat):
                return value
    return None


class BreachDocuments:
    def __init__(self, ctx: ServiceContext, breaches: BreachService) -> None:
        self._ctx = ctx
        self._breaches = breaches

    def ico_draft(self, key: int | str) -> BuiltDocument:
        self._ctx.require(Permission.PACK, "breach.ico_draft", "breach", key)
        detail = self._breaches.get(key)
        f = facts(detail, self._ctx.actor.name, self._ctx.now())
        for label, value in (("what happened", f.summary), ("how you found out", f.discovery),
                             ("the consequences", f.consequences), ("the measures", f.measures),
                             ("the reasons", f.ico_reasons), ("the reasons", f.people_reasons),
                             ("the reasons for the delay", f.delay_reasons)):
            if value and (found := personal_data_in(value, detail)):
                raise BreachError(f"The ICO draft would contain {found!r}, a person linked to "
                                  f"this breach (in {label}). The ICO asks for no personal data "
                                  "of the people affected: reword it and try again.")
        rendered = build_ico_draft(self._ctx.policy, f)
        text = "\n".join(page.extract_text() or ""
                         for page in PdfReader(io.BytesIO(rendered.content)).pages)
        if (found := personal_data_in(text, detail)) is not None:  # belt and braces
            raise BreachError(f"The ICO draft would contain {found!r}, a person linked to this "
                              "breach; it was not saved.")
        with self._ctx.store.session() as s:
            doc = self._save(s, detail, None, "breach_ico_draft",
                             f"{detail.reference} ICO report draft.pdf", rendered)
            self._ctx.record(s, "breach.ico_draft", "breach", detail.row.id,
                             detail=f"document {doc.id}")
            return BuiltDocument(stored(doc, detail.reference), rendered.content)

    def letters(self, key: int | str, advice: str | None = None) -> list[BuiltDocument]:
        """One Art. 34 letter per linked person; only once the decision is to tell them."""
        self._ctx.require(Permission.PACK, "breach.letters", "breach", key)
        detail = self._breaches.get(key)
        if detail.row.people_decision != "tell":
            raise BreachError("Letters go to the people affected once you have decided to tell "
                              "them (Art. 34): record that decision first.")
        if not detail.contacts:
            raise BreachError("No one in the register is linked to this breach.")
        f = facts(detail, self._ctx.actor.name, self._ctx.now())
        built = []
        with self._ctx.store.session() as s:
            breach = s.get(Breach, detail.row.id)
            assert breach is not None
            for person in detail.contacts:
                contact = s.get(Contact, person.id)
                if contact is None:  # erased since the detail was read
                    continue
                address = tuple(x for x in (contact.company, contact.location, contact.email) if x)
                rendered = build_breach_letter(self._ctx.policy, f, contact.name, address,
                                               (advice or "").strip() or DEFAULT_ADVICE)
                doc = self._save(s, detail, contact.id, "breach_letter",
                                 f"{detail.reference} breach notice {contact.id}.pdf", rendered)
                built.append(BuiltDocument(stored(doc, detail.reference), rendered.content))
            self._ctx.record(s, "breach.letters", "breach", detail.row.id,
                             detail=f"letters={len(built)}")
        return built

    def _save(self, s: Session, detail: BreachDetail, contact_id: int | None, kind: str,
              filename: str, rendered: RenderedPdf) -> Document:
        # A letter carries the person's name, so it is tied to their contact record:
        # erasing or purging the contact deletes it (documents.contact_id cascades).
        doc = Document(request_id=None, contact_id=contact_id, kind=kind,
                       filename=safe_filename(filename), mime="application/pdf",
                       content=rendered.content,
                       sha256=hashlib.sha256(rendered.content).hexdigest(),
                       size=len(rendered.content), pages=rendered.pages, protected=False,
                       author=self._ctx.actor.name, created_at=self._ctx.now())
        s.add(doc)
        s.flush()
        return doc
