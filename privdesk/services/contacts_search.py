"""Finding contacts fast in a register of a million: the FTS5 trigram index for anything
of three characters or more, a word-prefix LIKE for one or two, both capped at CAP
matches so that no search costs more than a thousand rows.

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
from privdesk.store.search_windows import Window

ROW_COLUMNS = ("id", "name", "email", "phone", "company", "location", "status", "source",
               "last_activity", "marketing_opt_out", "retention_due")
SORTABLE = {name: f"c.{name}" for name in ROW_COLUMNS}
# Ties broken by more than the id where an index already holds a better order: people at
# one company by name (the (company, norm_name) index, migration 0013).
THEN_BY = {"company": ("c.norm_name",)}
MAX_QUERY = 200  # longer input is cut: nobody types more, and it bounds the FTS work
CAP = 1000  # a text search stops counting (and sorting) here; see matching_ids


def fts_expression(folded: str) -> str | None:
    """An FTS5 MATCH expression: every word of 3+ characters as a quoted phrase (so the
    officer's quotes, stars or NEAR are plain text), all of them required."""
    words = [identity.cjk_token(w) if len(w) < 3 and identity.is_cjk(w) else w
             for w in folded.replace("\x00", "").split()]
    words = [w for w in words if len(w) >= 3]
    if not words:
        return None
    return " AND ".join(identity.fts_phrase(w) for w in words)


def _short(word: str) -> bool:
    """Too short for a trigram, and not a CJK word (those are indexed padded)."""
    return len(word) < 3 and not identity.is_cjk(word)


def like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def filter_clauses(query: ContactQuery) -> tuple[list[str], dict[str, Any]]:
    clauses: list[str] = []
    params: dict[str, Any] = {}
    if query.status:
        clauses.append("c.status = :status")
        params["status"] = query.status
    if query.source:
        clauses.append("c.source = :source")
        params["source"] = query.source
    return clauses, params


def folded_text(query: ContactQuery, region: str) -> str:
    """The query's text folded as the stored search_text was ("" when there is none)."""
    folded = identity.search_query(query.text[:MAX_QUERY], region) if query.text.strip() else ""
    # FTS5's parser stops at NUL even inside quotes ("unterminated string"); stored
    # names never hold one (the editor and import drop it), so neither does the query.
    return " ".join(folded.replace("\x00", "").split())


def matching_ids(query: ContactQuery, region: str, cap: int | None = CAP,
                 dialect: str = "sqlite", windows: Sequence[Window] = ()
                 ) -> tuple[str, dict[str, Any]] | None:
    """SQL selecting the ids of contacts matching the query's text and filters, in id
    order and at most `cap + 1` of them; None when there is no text to match.

    The cap is what keeps a search fast at a million rows: "smith" matches tens of
    thousands, and counting or sorting them all costs seconds. The officer is told
    "1,000+" and types more; sorting then applies within those first matches.
    """
    folded = folded_text(query, region)
    if not folded:
        return None
    clauses, params = filter_clauses(query)
    limit = f"LIMIT {cap + 1}" if cap is not None else ""
    expression = fts_expression(folded)
    if expression is not None and dialect != "sqlite":
        return _trigram_ids(folded, clauses, params, limit, windows if cap is not None else ())
    if expression is not None:
        params["fts"] = expression
        if any(_short(w) for w in folded.split()):
            # "ann l": trigrams cannot hold the "l" as a word, but the whole phrase is a
            # trigram string too ("ann", "nn ", "n l"), so the index finds the rows
            # containing it. Narrowing by "ann" alone and checking the phrase row by row
            # read ~40,000 rows at 1M (0.8 s); the LIKE now only confirms a few.
            params["fts"] = f'{expression} AND "{folded.replace(chr(34), chr(34) * 2)}"'
            clauses.append("c.search_text LIKE :phrase ESCAPE '\\'")
            params["phrase"] = f"%{like_escape(folded)}%"
        if not clauses:
            return (f"SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :fts "
                    f"ORDER BY rowid {limit}"), params
        return (f"SELECT c.id FROM contacts_fts JOIN contacts c ON c.id = contacts_fts.rowid "
                f"WHERE contacts_fts MATCH :fts AND {' AND '.join(clauses)} "
                f"ORDER BY contacts_fts.rowid {limit}"), params
    # One or two letters: too short for trigrams, and a LIKE over a million rows is a
    # full scan. Names starting with them are a range of the name index instead (in
    # the usual capitalisations), so the cost is the matches, never the register.
    # The ranges are byte order, as SQLite's BINARY: on PostgreSQL `COLLATE "C"` (and its
    # index, 0012) whatever the database's collation; under en_US 'Sm'..'Sn' holds SMITH.
    name = "c.name" if dialect == "sqlite" else 'c.name COLLATE "C"'
    members = []
    for n, variant in enumerate(dict.fromkeys((folded, folded.capitalize(), folded.upper()))):
        params[f"lo{n}"] = variant
        params[f"hi{n}"] = variant[:-1] + chr(ord(variant[-1]) + 1)
        where = " AND ".join([f"{name} >= :lo{n} AND {name} < :hi{n}", *clauses])
        members.append(f"SELECT * FROM (SELECT c.id FROM contacts c WHERE {where} "
                       f"ORDER BY {name} {limit}) AS m{n}")
    return f"SELECT id FROM ({' UNION ALL '.join(members)}) AS u ORDER BY id {limit}", params


def _trigram_ids(folded: str, clauses: list[str], params: dict[str, Any], limit: str,
                 windows: Sequence[Window] = ()) -> tuple[str, dict[str, Any]]:
    where = trigram_where(folded, clauses, params)
    if not windows or not limit:
        return f"SELECT c.id FROM contacts c WHERE {where} ORDER BY c.id {limit}", params
    # One member per id window (search_windows), each its matches in id order through
    # its own partial index; the windows are in id order and cover every id, and the
    # Append runs them in turn, so LIMIT stops it once it has enough: a common word
    # reads one or two windows. `c.id + 0` keeps the planner off the key walk within a
    # window (the slow path this replaces); the caller checks the order came back.
    members = [f"(SELECT c.id FROM contacts c WHERE {w.predicate('c.id')} AND {where} "
               f"ORDER BY c.id + 0)" for w in windows]
    return f"SELECT id FROM ({' UNION ALL '.join(members)}) AS u {limit}", params


def trigram_where(folded: str, clauses: list[str], params: dict[str, Any]) -> str:
    """A team store (PostgreSQL): the same matches as FTS5's trigram MATCH, found through
    the pg_trgm GIN index on the same folded search_text (migration 0001): every word of
    3+ characters as a substring, and the whole phrase when it has shorter words. Adds
    its parameters to params; the caller checks fts_expression(folded) first."""
    words = [identity.cjk_token(w) if len(w) < 3 and identity.is_cjk(w) else w
             for w in folded.split()]  # as fts_expression: short CJK words indexed padded
    words = [w for w in words if len(w) >= 3]
    if any(_short(w) for w in folded.split()):
        words.append(folded)
    for n, word in enumerate(dict.fromkeys(words)):
        clauses.append(f"c.search_text LIKE :w{n} ESCAPE '\\'")
        params[f"w{n}"] = f"%{like_escape(word)}%"
    return " AND ".join(clauses)


def sort_keys(query: ContactQuery, unsorted: str | None = None) -> tuple[str, ...]:
    """The ORDER BY columns, ending with the unique c.id so that a page is always the
    same; `unsorted`: the column when no sort is chosen (else the register by name, a
    search by match order)."""
    column = SORTABLE.get(query.sort) or unsorted
    if column is None:
        column = "c.name" if not query.text.strip() else "c.id"
    return tuple(dict.fromkeys((column, *THEN_BY.get(query.sort or "", ()), "c.id")))


def order_by(query: ContactQuery) -> str:
    direction = "DESC" if query.descending else "ASC"
    return "ORDER BY " + ", ".join(f"{key} {direction}" for key in sort_keys(query))


def _select(s: Session, query: ContactQuery, offset: int, limit: int, region: str,
            columns: str, windows: Sequence[Window] = ()) -> tuple[int, bool, list[Any]]:
    offset, limit = max(0, int(offset)), max(0, min(int(limit), 100_000))
    page = {"limit": limit, "offset": offset}
    dialect = s.get_bind().dialect.name
    if dialect != "sqlite" and folded_text(query, region):
        return _server_select(s, query, offset, limit, region, columns, windows)
    matches = matching_ids(query, region, dialect=dialect)
    if matches is None:
        clauses, params = filter_clauses(query)
        where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
        total = int(s.execute(text(f"SELECT count(*) FROM contacts c {where}"), params).scalar_one())
        # "+c.status": walk the sort column's index and filter, rather than gather every
        # customer through the status index and sort 300,000 of them for one page.
        if dialect == "sqlite":
            page_where = where.replace("c.status =", "+c.status =").replace("c.source =", "+c.source =")
        else:
            page_where = where
        rows = s.execute(text(f"SELECT {columns} FROM contacts c {page_where} {order_by(query)} "
                              "LIMIT :limit OFFSET :offset"), {**params, **page}).all()
        return total, False, list(rows)
    sql, params = matches
    if columns == "c.id" and SORTABLE.get(query.sort) is None:
        # Ids in match order: the matches themselves (at most CAP + 1, in id order) are
        # the count and the page at once, so the search runs once per keystroke, not
        # twice (a count, then the same MATCH again for the ids). Nothing is read from
        # the table: reading each matched row just for its id cost a page read (and,
        # cold, a decryption) per id, ~40 ms for a first keystroke's 1,000 ids at 1M.
        ids = [r[0] for r in s.execute(text(sql), params).all()]
        capped, ids = len(ids) > CAP, ids[:CAP]
        if query.descending:
            ids.reverse()
        return len(ids), capped, [(i,) for i in ids[offset:offset + limit]]
    found = int(s.execute(text(f"SELECT count(*) FROM ({sql}) AS f"), params).scalar_one())
    capped = found > CAP
    total = min(found, CAP)
    page["limit"] = max(0, min(limit, total - offset))
    rows = s.execute(text(
        f"SELECT {columns} FROM contacts c WHERE c.id IN (SELECT * FROM ({sql}) AS f LIMIT {CAP}) "
        f"{order_by(query)} LIMIT :limit OFFSET :offset"), {**params, **page}).all()
    return total, capped, list(rows)


def _server_select(s: Session, query: ContactQuery, offset: int, limit: int, region: str,
                   columns: str, windows: Sequence[Window] = ()) -> tuple[int, bool, list[Any]]:
    """A text search on a team store: the capped match runs once and the count and the
    page both come from its id list (on SQLite the count and the page each ran it; over
    a network that doubled the dearest statement of a keystroke). The planner picks
    between walking the key in id order (broad words) and the trigram bitmap (rare ones)."""
    if windows and fts_expression(folded_text(query, region)) is not None:
        # Planning a UNION ALL of 40 windows costs 6-15 ms (each member weighs every
        # partial index's predicate): far more than running it. A generic plan is made
        # once per pooled connection (psycopg prepares a statement seen 5 times) and is
        # as good here (the windows are literals; the words are the only parameters).
        s.execute(text("SET LOCAL plan_cache_mode = force_generic_plan"))
    sql, params = matching_ids(query, region, dialect="postgresql", windows=windows) or ("", {})
    ids = [int(r[0]) for r in s.execute(text(sql), params)]
    if windows and any(a >= b for a, b in zip(ids, ids[1:], strict=False)):
        # The UNION ALL's order is the Append's, not a promise of SQL (a parallel plan
        # may interleave): never seen, but if it happens the one-index query is right.
        sql, params = matching_ids(query, region, dialect="postgresql") or ("", {})
        ids = [int(r[0]) for r in s.execute(text(sql), params)]
    capped, ids = len(ids) > CAP, ids[:CAP]
    if columns == "c.id" and SORTABLE.get(query.sort) is None:
        ordered = ids[::-1] if query.descending else ids
        return len(ids), capped, [(i,) for i in ordered[offset:offset + limit]]
    rows = s.execute(text(f"SELECT {columns} FROM contacts c WHERE c.id = ANY(:ids) "
                          f"{order_by(query)} LIMIT :limit OFFSET :offset"),
                     {"ids": ids, "limit": limit, "offset": offset}).all()
    return len(ids), capped, list(rows)


def search_ids(s: Session, query: ContactQuery, offset: int, limit: int, region: str,
               windows: Sequence[Window] = ()) -> IdPage:
    total, capped, rows = _select(s, query, offset, limit, region, "c.id", windows)
    return IdPage(total=total, offset=max(0, offset), ids=tuple(int(r[0]) for r in rows),
                  capped=capped)


def search(s: Session, query: ContactQuery, offset: int, limit: int, region: str,
           windows: Sequence[Window] = ()) -> ContactPage:
    cols = ", ".join(f"c.{c}" for c in ROW_COLUMNS)
    total, capped, rows = _select(s, query, offset, limit, region, cols, windows)
    return ContactPage(total=total, offset=max(0, offset), rows=tuple(_row(r) for r in rows),
                       capped=capped)


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
