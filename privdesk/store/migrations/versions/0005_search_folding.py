"""Re-index contacts for the wider search folding; (company, norm_name) index (issue #14)

Search now folds Latin letters that do not decompose (Ł Ø Þ Ð Æ Œ Đ ı), ignores
apostrophes and hyphens (O'Connor, O’Connor, Smith-Jones), adds German ue/oe/ae
spellings and pads CJK characters so a one- or two-character query finds them. The
stored search_text of every contact whose name or company could fold differently is
rebuilt here; the FTS triggers re-index those rows. Plain-ASCII names without an
apostrophe or hyphen fold exactly as before and are not touched, so a million-contact
store only pays for the names that change.

Revision ID: 0005
Revises: 0004
"""
import json

import sqlalchemy as sa
from alembic import op

from privdesk.domain import identity

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# Names or companies holding a non-ASCII character, an apostrophe or a hyphen.
_CHANGED = ("name GLOB '*[^ -~]*' OR name GLOB '*[''-]*' "
            "OR company GLOB '*[^ -~]*' OR company GLOB '*[''-]*'")
BATCH = 5000


def _region(conn: sa.Connection) -> str:
    value = conn.execute(sa.text("SELECT value FROM settings WHERE key = 'phone_region'")).scalar()
    return str(json.loads(value)) if value else "GB"


_TRIGGER = ("CREATE TRIGGER contacts_fts_au AFTER UPDATE OF search_text ON contacts BEGIN "
            "INSERT INTO contacts_fts(contacts_fts, rowid, search_text) "
            "VALUES ('delete', old.id, old.search_text); "
            "INSERT INTO contacts_fts(rowid, search_text) VALUES (new.id, new.search_text); END")


def _rebuild(builder: object) -> None:
    """Rewrite the search text of the rows that fold differently. Row by row through
    the update trigger, each FTS5 secure-delete rewrites index pages (minutes for a
    third of a million rows); so the trigger is set aside, the texts are written, and
    the index is rebuilt once from scratch (its old pages are freed, and the engine's
    secure_delete zeroes them), then the trigger is put back as 0001 made it."""
    conn = op.get_bind()
    region = _region(conn)
    sqlite = conn.dialect.name == "sqlite"
    # GLOB is SQLite's; a team store (PostgreSQL) simply rebuilds every row, and keeps its
    # search index (pg_trgm) by itself: no FTS trigger or table to set aside there.
    changed_rows = _CHANGED if sqlite else "TRUE"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS contacts_fts_au")
    last, changed_any = 0, False
    while True:
        rows = conn.execute(sa.text(
            f"SELECT id, name, email, phone, company, search_text FROM contacts "
            f"WHERE id > :last AND ({changed_rows}) ORDER BY id LIMIT {BATCH}"), {"last": last}).all()
        if not rows:
            break
        last = int(rows[-1][0])
        changed = []
        for cid, name, email, phone, company, old in rows:
            new = builder(name, email, phone, company, region, old)  # type: ignore[operator]
            if new != old:
                changed.append({"id": cid, "t": new})
        if changed:
            changed_any = True
            conn.execute(sa.text("UPDATE contacts SET search_text = :t WHERE id = :id"), changed)
    if not sqlite:
        return
    if changed_any:
        op.execute("INSERT INTO contacts_fts(contacts_fts) VALUES ('rebuild')")
    op.execute(_TRIGGER)


def _phone_forms(phone: str | None, region: str, old: str | None) -> list[str]:
    """The phone's search digits as the old text already holds them (all-digit parts
    after the name), so a million-row store is not run through phonenumbers again;
    parsed afresh only when the old text has none for a phone that is set."""
    digits = [p for p in (old or "").split(" | ")[1:] if p.isdigit()]
    return digits if digits or not phone else identity.phone_search_forms(phone, region)


def _new_search_text(name: str | None, email: str | None, phone: str | None,
                     company: str | None, region: str, old: str | None) -> str:
    return identity.join_search_parts(identity.fold(name), identity.normalise_email(email),
                                      _phone_forms(phone, region, old), identity.fold(company),
                                      raw_name=name, raw_company=company)


def upgrade() -> None:
    _rebuild(_new_search_text)
    # An import compares each row's name with the register's people at the same company;
    # with (company, norm_name) those are read from the index alone, not from every row.
    op.create_index("ix_contacts_company_name", "contacts", ["company", "norm_name"])


def _old_search_text(name: str | None, email: str | None, phone: str | None,
                     company: str | None, region: str, old: str | None) -> str:
    parts = [identity.fold(name), identity.normalise_email(email) or "",
             *_phone_forms(phone, region, old), identity.fold(company)]
    return " | ".join(p for p in parts if p)


def downgrade() -> None:
    op.drop_index("ix_contacts_company_name", table_name="contacts")
    _rebuild(_old_search_text)
