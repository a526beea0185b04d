"""Queries the request service runs inside its units of work: the next reference, and the
register searched for a contact to link."""

from __future__ import annotations

import re

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from privdesk.domain.identity import fold, fts_phrase, search_query
from privdesk.services.contacts_search import like_escape
from privdesk.services.request_records import ContactHit
from privdesk.store.models import Contact, Request

_REF = re.compile(r"^[A-Z]{3}-(\d{4})-(\d{4,})$")


def next_reference(s: Session, rtype: str, year: int) -> str:
    """SAR-2026-0007 for access, DSR-2026-0008 for the rest: one sequence per year,
    shared, so a number never means two requests."""
    refs = s.scalars(select(Request.reference).where(Request.reference.like(f"%-{year}-%")))
    numbers = [int(m.group(2)) for r in refs if (m := _REF.match(r)) and int(m.group(1)) == year]
    prefix = "SAR" if rtype == "access" else "DSR"
    return f"{prefix}-{year}-{max(numbers, default=0) + 1:04d}"


def find_contacts(s: Session, typed: str, limit: int) -> list[ContactHit]:
    """The register, searched the way the contacts area searches it (FTS5 trigram
    over folded text); fewer than 3 characters fall back to a name prefix."""
    folded = search_query(typed).replace("\x00", "")  # FTS5 stops parsing at NUL
    if not folded:
        return []
    if len(folded) >= 3 and s.get_bind().dialect.name != "sqlite":
        ids = [r[0] for r in s.execute(text(  # a team store: pg_trgm, same matches
            "SELECT id FROM contacts WHERE search_text LIKE :q ESCAPE '\\' LIMIT :n"),
            {"q": f"%{like_escape(folded)}%", "n": limit})]
        found = s.scalars(select(Contact).where(Contact.id.in_(ids))).all()
    elif len(folded) >= 3:
        phrase = fts_phrase(folded)  # one literal FTS5 phrase
        ids = [r[0] for r in s.execute(text(
            "SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :q LIMIT :n"),
            {"q": phrase, "n": limit})]
        found = s.scalars(select(Contact).where(Contact.id.in_(ids))).all()
    else:
        found = s.scalars(select(Contact).where(Contact.norm_name.like(
            fold(typed).replace("%", "").replace("_", "") + "%")).limit(limit)).all()
    hits = [ContactHit(c.id, c.name, c.email, c.company) for c in found]
    return sorted(hits, key=lambda h: (fold(h.name), h.id))
