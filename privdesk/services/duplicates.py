"""Likely duplicates (same normalised email or phone, or a close name at the same
company) and merging two contacts without losing anything: `ContactDuplicates`, whose
methods ContactService offers. The module's functions are its query helpers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from privdesk.domain import identity
from privdesk.domain.contact_records import ContactInput, DuplicateCandidate
from privdesk.services.authz import Permission
from privdesk.services.contact_errors import ContactMergeError
from privdesk.services.contact_fields import derive, display_value, load_contact
from privdesk.services.contacts_search import fts_expression, like_escape
from privdesk.services.context import ServiceContext
from privdesk.store.models import Contact, ContactChange

NAME_RATIO = 0.85  # difflib ratio on folded names: "Jon Smith" ~ "John Smith"
COMPANY_CANDIDATES = 2000
MAX_RESULTS = 20


class ContactDuplicates:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def find(self, data: ContactInput, region: str,
             exclude_id: int | None = None) -> list[DuplicateCandidate]:
        """Contacts that look like the same person as `data` (cleaned), likeliest first."""
        with self._ctx.store.session() as s:
            return _candidates(s, data, region, exclude_id)

    def merge(self, keep_id: int, other_id: int, region: str) -> None:
        """Fold `other_id` into `keep_id`, keeping every interaction, disclosure,
        history entry, request link and document; audited in the same transaction."""
        self._ctx.require(Permission.EDIT, "contacts.merge", "contact", keep_id)
        with self._ctx.store.session() as s:
            keep, other = load_contact(s, keep_id), load_contact(s, other_id)
            counts = _merge_into(s, keep, other, self._ctx.actor.name, self._ctx.now())
            derive(keep, self._ctx.policy, region)
            self._ctx.record(s, "contacts.merge", "contact", keep_id,
                             detail=f"merged {other_id} into {keep_id}; " + ", ".join(
                                 f"{k} {n}" for k, n in counts.items()))


def _candidates(s: Session, data: ContactInput, region: str,
                exclude_id: int | None) -> list[DuplicateCandidate]:
    found: dict[int, tuple[Any, list[str]]] = {}
    cols = "id, name, email, phone, company, norm_name"

    def add(rows: Any, reason: str) -> None:
        for r in rows:
            if r[0] == exclude_id:
                continue
            entry = found.setdefault(int(r[0]), (r, []))
            if reason not in entry[1]:
                entry[1].append(reason)

    email = identity.normalise_email(data.email)
    if email:
        add(s.execute(text(f"SELECT {cols} FROM contacts WHERE norm_email = :v LIMIT 50"),
                      {"v": email}).all(), "same email")
    phone = identity.normalise_phone(data.phone, region)
    if phone:
        add(s.execute(text(f"SELECT {cols} FROM contacts WHERE norm_phone = :v LIMIT 50"),
                      {"v": phone}).all(), "same phone")
    company = identity.fold(data.company)
    if company and data.name:
        add(_close_names(s, cols, data.name, company), "similar name at the same company")
    ordered = sorted(found.values(), key=lambda e: (-len(e[1]), e[0][1] or ""))
    return [DuplicateCandidate(id=int(r[0]), name=r[1], email=r[2], phone=r[3], company=r[4],
                               reasons=tuple(reasons)) for r, reasons in ordered[:MAX_RESULTS]]


def _close_names(s: Session, cols: str, name: str, company: str) -> list[Any]:
    expression = fts_expression(company)
    name_words = [w for w in identity.fold(name).replace("\x00", "").split() if len(w) >= 3]
    if expression is not None and name_words:
        # A close name shares at least one word with this one; requiring it keeps the
        # candidates few even for a company with thousands of contacts.
        expression += " AND (" + " OR ".join(
            identity.fts_phrase(w) for w in name_words) + ")"
    if expression is not None and s.get_bind().dialect.name != "sqlite":
        # A team store: the same substring matches through pg_trgm (contacts_search).
        words = [f"%{like_escape(w)}%" for w in name_words]
        params = {"co": f"%{like_escape(company)}%", **{f"w{n}": w for n, w in enumerate(words)}}
        any_word = " OR ".join(f"search_text LIKE :w{n} ESCAPE '\\'" for n in range(len(words)))
        rows = s.execute(text(
            f"SELECT {cols} FROM contacts WHERE search_text LIKE :co ESCAPE '\\' "
            f"{f'AND ({any_word}) ' if words else ''}LIMIT {COMPANY_CANDIDATES}"), params).all()
    elif expression is not None:
        rows = s.execute(text(
            f"SELECT {cols} FROM contacts WHERE id IN (SELECT rowid FROM contacts_fts "
            f"WHERE contacts_fts MATCH :q) LIMIT {COMPANY_CANDIDATES}"), {"q": expression}).all()
    else:
        rows = s.execute(text(f"SELECT {cols} FROM contacts WHERE lower(company) = :c "
                              f"LIMIT {COMPANY_CANDIDATES}"), {"c": company}).all()
    return [r for r in rows if identity.fold(r[4]) == company
            and identity.name_similarity(r[5], name) >= NAME_RATIO]


def _note(s: Session, keep: Contact, field: str, old: object, new: object, officer: str,
          now: datetime) -> None:
    s.add(ContactChange(contact_id=keep.id, field=field, old_value=display_value(old),
                        new_value=display_value(new), officer=officer, changed_at=now))


def _merge_fields(s: Session, keep: Contact, other: Contact, officer: str, now: datetime) -> None:
    """Fill what `keep` lacks from `other`; dates widen; an opt-out or a hold on either
    survives (an objection to marketing is absolute)."""
    def put(field: str, value: object) -> None:
        old = getattr(keep, field)
        if old != value:
            _note(s, keep, field, old, value, officer, now)
            setattr(keep, field, value)

    for field in ("email", "phone", "company", "location", "customer_since", "ceased",
                  "legal_hold_reason", "legal_hold_until"):
        if getattr(keep, field) in (None, "") and getattr(other, field) not in (None, ""):
            put(field, getattr(other, field))
    if other.first_contact and (keep.first_contact is None or other.first_contact < keep.first_contact):
        put("first_contact", other.first_contact)
    if other.last_activity and (keep.last_activity is None or other.last_activity > keep.last_activity):
        put("last_activity", other.last_activity)
    if other.marketing_opt_out and not keep.marketing_opt_out:
        put("marketing_opt_out", True)
        keep.opt_out_on = other.opt_out_on or now.date()
    if other.notes and other.notes != keep.notes:
        put("notes", f"{keep.notes}\n\n{other.notes}" if keep.notes else other.notes)


def _merge_into(s: Session, keep: Contact, other: Contact, officer: str,
                now: datetime) -> dict[str, int]:
    if keep.id == other.id:
        raise ContactMergeError("A contact cannot be merged into itself.")
    keep_id, other_id = keep.id, other.id
    _merge_fields(s, keep, other, officer, now)
    _note(s, keep, "merge", f"contact #{other_id}: {other.name}", f"merged into #{keep_id}",
          officer, now)
    s.flush()
    params = {"keep": keep_id, "other": other_id}
    counts = {}
    for table in ("interactions", "disclosures", "contact_history", "documents"):
        result = s.execute(text(f"UPDATE {table} SET contact_id = :keep "
                                "WHERE contact_id = :other"), params)
        counts[table] = int(getattr(result, "rowcount", 0) or 0)
    # A request linked to both keeps its one link to the kept contact.
    linked = s.execute(text("SELECT count(*) FROM request_contacts WHERE contact_id = :other"),
                       params).scalar_one()
    # ON CONFLICT DO NOTHING: SQLite's INSERT OR IGNORE in words PostgreSQL also takes.
    s.execute(text("INSERT INTO request_contacts (request_id, contact_id) "
                   "SELECT request_id, :keep FROM request_contacts WHERE contact_id = :other "
                   "ON CONFLICT DO NOTHING"), params)
    counts["requests"] = int(linked)
    s.expunge(other)
    s.execute(text("DELETE FROM contacts WHERE id = :other"), params)
    return counts

