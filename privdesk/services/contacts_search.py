"""Finding contacts fast in a register of a million: the FTS5 trigram index for anything
of three characters or more, a word-prefix LIKE (with a row cap) for one or two.

Search text is folded by domain.identity exactly as the stored search_text was, so case,
accents, spacing and +44/0 phone forms all agree. User text only ever reaches SQL as a
bound parameter; column names for sorting come from a fixed map.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session

from privdesk.domain import identity
from privdesk.domain.contact_records import ContactPage, ContactQuery, ContactRow, IdPage

ROW_COLUMNS = ("id", "name", "email", "phone", "company", "location", "status", "source",
               "last_activity", "marketing_opt_out", "retention_due")
SORTABLE = {name: f"c.{name}" for name in ROW_COLUMNS}
MAX_QUERY = 200  # longer input is cut: nobody types more, and it bounds the FTS work
SHORT_CAP = 1000  # one- and two-letter queries stop counting here


def fts_expression(folded: str) -> str | None:
    """An FTS5 MATCH expression: every word of 3+ characters as a quoted phrase (so the
    officer's quotes, stars or NEAR are plain text), all of them required."""
    words = [w for w in folded.split() if len(w) >= 3]
    if not words:
        return None
    return " AND ".join('"' + w.replace('"', '""') + '"' for w in words)


def _like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def where_clauses(query: ContactQuery, region: str) -> tuple[list[str], dict[str, Any], bool]:
    """SQL conditions, their parameters, and whether the count should be capped."""
    clauses: list[str] = []
    params: dict[str, Any] = {}
    capped = False
    folded = identity.search_query(query.text[:MAX_QUERY], region) if query.text.strip() else ""
    if folded:
        expression = fts_expression(folded)
        if expression is not None:
            clauses.append("c.id IN (SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :fts)")
            params["fts"] = expression
            if any(len(w) < 3 for w in folded.split()):
                # "person 1": trigrams cannot hold the "1", so the FTS words narrow the
                # rows and the whole phrase is then checked on those few.
                clauses.append("c.search_text LIKE :phrase ESCAPE '\\'")
                params["phrase"] = f"%{_like_escape(folded)}%"
        else:
            # Too short for trigrams: a prefix of any word (name, email, phone, company).
            clauses.append("(c.search_text LIKE :p ESCAPE '\\' OR c.search_text LIKE :wp ESCAPE '\\')")
            params["p"] = f"{_like_escape(folded)}%"
            params["wp"] = f"% {_like_escape(folded)}%"
            capped = True
    if query.status:
        clauses.append("c.status = :status")
        params["status"] = query.status
    if query.source:
        clauses.append("c.source = :source")
        params["source"] = query.source
    return clauses, params, capped


def _order(query: ContactQuery) -> str:
    column = SORTABLE.get(query.sort, "c.name")
    direction = "DESC" if query.descending else "ASC"
    return f"ORDER BY {column} {direction}, c.id {direction}"


def _count(s: Session, where: str, params: dict[str, Any], capped: bool) -> tuple[int, bool]:
    if capped:
        n = s.execute(text(f"SELECT count(*) FROM (SELECT 1 FROM contacts c {where} "
                           f"LIMIT {SHORT_CAP + 1})"), params).scalar_one()
        return min(int(n), SHORT_CAP), int(n) > SHORT_CAP
    return int(s.execute(text(f"SELECT count(*) FROM contacts c {where}"), params).scalar_one()), False


def _bounds(offset: int, limit: int) -> tuple[int, int]:
    return max(0, int(offset)), max(0, min(int(limit), 100_000))


def search_ids(s: Session, query: ContactQuery, offset: int, limit: int, region: str) -> IdPage:
    offset, limit = _bounds(offset, limit)
    clauses, params, capped = where_clauses(query, region)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    total, more = _count(s, where, params, capped)
    if capped:
        limit = max(0, min(limit, SHORT_CAP - offset))
    ids = s.execute(text(f"SELECT c.id FROM contacts c {where} {_order(query)} "
                         "LIMIT :limit OFFSET :offset"),
                    {**params, "limit": limit, "offset": offset}).scalars().all()
    return IdPage(total=total, offset=offset, ids=tuple(int(i) for i in ids), capped=more)


def search(s: Session, query: ContactQuery, offset: int, limit: int, region: str) -> ContactPage:
    offset, limit = _bounds(offset, limit)
    clauses, params, capped = where_clauses(query, region)
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    total, more = _count(s, where, params, capped)
    if capped:
        limit = max(0, min(limit, SHORT_CAP - offset))
    cols = ", ".join(f"c.{c}" for c in ROW_COLUMNS)
    result = s.execute(text(f"SELECT {cols} FROM contacts c {where} {_order(query)} "
                            "LIMIT :limit OFFSET :offset"),
                       {**params, "limit": limit, "offset": offset})
    return ContactPage(total=total, offset=offset,
                       rows=tuple(_row(r) for r in result.all()), capped=more)


def rows_by_ids(s: Session, ids: Sequence[int]) -> list[ContactRow]:
    if not ids:
        return []
    cols = ", ".join(ROW_COLUMNS)
    found: dict[int, ContactRow] = {}
    for start in range(0, len(ids), 900):
        chunk = [int(i) for i in ids[start:start + 900]]
        marks = ", ".join(f":i{n}" for n in range(len(chunk)))
        result = s.execute(text(f"SELECT {cols} FROM contacts WHERE id IN ({marks})"),
                           {f"i{n}": v for n, v in enumerate(chunk)})
        for r in result.all():
            row = _row(r)
            found[row.id] = row
    return [found[i] for i in ids if i in found]


def _date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value)[:10])


def _row(r: Any) -> ContactRow:
    return ContactRow(id=int(r[0]), name=r[1] or "", email=r[2], phone=r[3], company=r[4],
                      location=r[5], status=r[6], source=r[7], last_activity=_date(r[8]),
                      marketing_opt_out=bool(r[9]), retention_due=_date(r[10]))
