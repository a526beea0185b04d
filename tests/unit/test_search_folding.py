"""Search finds people however their names are typed (issue #14): letters that do not
decompose, apostrophes and hyphens, German ue/oe/ae, short CJK queries; and a store
indexed before migration 0005 finds them too once migrated."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import text

from privdesk.domain import identity
from privdesk.domain.contact_records import ContactInput, ContactQuery
from privdesk.services.contacts import ContactService
from privdesk.services.context import ServiceContext
from privdesk.store import vault
from privdesk.store.engine import _migrations_config

PEOPLE = ["Zofia Łukasiewicz", "Anders Ørsted", "Sigrún Þórsdóttir", "Ægir Æsirsson",
          "Ana Đukić", "Ayşe Yılmaz", "Siobhán O’Connor", "Pat O'Brien", "Jürgen Müller",
          "山田 太郎", "Anne-Marie Smith-Jones", "Claire Œillet", "Hans Straße"]
CASES = [("lukasiewicz", "Zofia Łukasiewicz"), ("orsted", "Anders Ørsted"),
         ("thorsdottir", "Sigrún Þórsdóttir"), ("aesirsson", "Ægir Æsirsson"),
         ("dukic", "Ana Đukić"), ("yilmaz", "Ayşe Yılmaz"), ("oconnor", "Siobhán O’Connor"),
         ("o connor", "Siobhán O’Connor"), ("o'connor", "Siobhán O’Connor"),
         ("O’Connor", "Siobhán O’Connor"), ("obrien", "Pat O'Brien"),
         ("o’brien", "Pat O'Brien"), ("mueller", "Jürgen Müller"), ("muller", "Jürgen Müller"),
         ("Müller", "Jürgen Müller"), ("太郎", "山田 太郎"), ("太", "山田 太郎"),
         ("山田", "山田 太郎"), ("smithjones", "Anne-Marie Smith-Jones"),
         ("smith jones", "Anne-Marie Smith-Jones"), ("smith-jones", "Anne-Marie Smith-Jones"),
         ("oeillet", "Claire Œillet"), ("strasse", "Hans Straße")]


@pytest.fixture
def register(ctx: ServiceContext) -> ContactService:
    contacts = ContactService(ctx)
    for name in PEOPLE:
        contacts.create(ContactInput(name=name, source="email"))
    return contacts


@pytest.mark.parametrize(("query", "expected"), CASES)
def test_search_finds_the_person(register: ContactService, query: str, expected: str) -> None:
    names = [r.name for r in register.search(ContactQuery(text=query)).rows]
    assert expected in names, (query, names)


def test_cjk_is_never_romanised() -> None:
    assert "shan" not in identity.search_text("山田 太郎", None, None, None)
    assert identity.search_query("山田") == "山田"
    # and an unrelated short CJK query finds nobody
    assert identity.search_fold("Łódź") == "lodz"


def test_a_store_indexed_before_0005_finds_them_after_migrating(tmp_path: Path) -> None:
    path = tmp_path / "old.privdesk"
    pw = "migration test passphrase"
    with vault.create_store(path, "Alex Morgan", pw) as store:
        with store.engine.begin() as c:
            command.downgrade(_migrations_config(c), "0003")
        with store.session() as s:
            for n, name in enumerate(PEOPLE, 1):
                # The search text an older privdesk stored: fold() only.
                s.execute(text(
                    "INSERT INTO contacts (id, name, status, source, marketing_opt_out, "
                    "search_text, norm_name, created_at, updated_at) VALUES (:id, :n, "
                    "'enquirer', 'email', 0, :t, :t, '2026-01-01', '2026-01-01')"),
                    {"id": n, "n": name, "t": identity.fold(name)})
        with store.session() as s:
            before = s.execute(text("SELECT count(*) FROM contacts_fts WHERE contacts_fts "
                                    "MATCH '\"orsted\"'")).scalar_one()
        assert before == 0
    with vault.open_store(path, "Alex Morgan", pw) as store:
        with store.session() as s:
            for query, expected in CASES:
                expression = identity.fts_phrase(
                    identity.cjk_token(q) if identity.is_cjk(q := identity.search_query(query))
                    and len(q) < 3 else q)
                if len(q) < 3 and not identity.is_cjk(q):
                    continue
                rows = s.execute(text(
                    "SELECT c.name FROM contacts_fts JOIN contacts c ON c.id = contacts_fts.rowid "
                    "WHERE contacts_fts MATCH :q"), {"q": expression}).scalars().all()
                assert expected in rows, (query, rows)


def test_the_migration_builds_the_same_text_as_a_fresh_save() -> None:
    """0005 reuses the phone digits the old text holds (no phonenumbers pass over a
    million rows); what it writes must equal what saving the contact today writes."""
    import importlib.util

    from privdesk.store import migrations

    path = Path(migrations.__file__).parent / "versions" / "0005_search_folding.py"
    spec = importlib.util.spec_from_file_location("m0005", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    people = [("Pat O'Brien", "pat@x.ie", "+353 87 123 4567", "O'Brien Locks"),
              ("Jürgen Müller", None, "07911 123456", "Smith-Jones & Co"),
              ("山田 太郎", None, None, None), ("Zofia Łukasiewicz", "Z@X.PL", "+48 601 234 567", ""),
              ("12345", "a@b.example", "020 7946 0018", "3M")]
    for name, email, phone, company in people:
        old = " | ".join(p for p in [identity.fold(name), identity.normalise_email(email) or "",
                                     *identity.phone_search_forms(phone, "GB"),
                                     identity.fold(company)] if p)
        assert module._new_search_text(name, email, phone, company, "GB", old) == \
            identity.search_text(name, email, phone, company, "GB")
        assert module._old_search_text(name, email, phone, company, "GB", old) == old
