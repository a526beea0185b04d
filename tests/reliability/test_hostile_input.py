"""The hostile-input corpus through what exists today: the store (exact round trip), the
identity normaliser and search text (FTS5 MATCH never raises, and finds the row), store
paths on the command line, and the policy loader."""

from __future__ import annotations

import getpass
import itertools
from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text

from privdesk.cli import main
from privdesk.domain.identity import (
    fold,
    fts_phrase,
    normalise_email,
    normalise_phone,
    phone_search_forms,
    search_query,
    search_text,
)
from privdesk.store import vault
from privdesk.store.engine import Store, StoreKey
from privdesk.store.models import Contact
from tests.reliability.conftest import Figures
from tests.reliability.corpus import EMAILS, FILE_NAMES, NAMES, PHONES, all_text
from tests.reliability.helpers import PASSPHRASE

INVISIBLE = {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\u2066", "\u200f"}
FIELDS = ("name", "email", "phone", "company", "location", "notes")


def find(store: Store, query: str) -> list[int]:
    """Search the register the way a search box must: folded, quoted, bound."""
    with store.read_session() as s:
        return list(s.scalars(text("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :q"),
                              {"q": fts_phrase(search_query(query))}))


def test_corpus_round_trips_through_the_store(store: Store, store_path: Path,
                                              figures: Figures) -> None:
    emails, phones = itertools.cycle(EMAILS.values()), itertools.cycle(PHONES.values())
    now = datetime(2026, 11, 24, 9, 0)
    written: dict[str, dict[str, str]] = {}
    with store.session() as s:
        for key, name in NAMES.items():
            values = {"name": name, "email": next(emails), "phone": next(phones),
                      "company": name[::-1], "location": name, "notes": name * 2}
            s.add(Contact(
                **values, status="enquirer", source="enquiry_form", created_at=now,
                updated_at=now, norm_name=fold(name), norm_email=normalise_email(values["email"]),
                norm_phone=normalise_phone(values["phone"]),
                search_text=search_text(name, values["email"], values["phone"], values["company"]),
            ))
            written[key] = values
    store.close()
    with Store.open(store_path, StoreKey.passphrase(PASSPHRASE)) as again:
        assert again.integrity_check() == []
        with again.read_session() as s:
            rows = {c.name: c for c in s.scalars(select(Contact))}
        for key, values in written.items():
            figures.trials += 1
            row = rows.get(values["name"])
            if row is None or any(getattr(row, f) != values[f] for f in FIELDS):
                figures.fail(f"{key}: does not read back exactly")
                continue
            found = find(again, values["name"])  # must not raise
            folded = search_query(values["name"])
            # A trigram index finds any folded substring of three characters or more.
            if len(folded) >= 3 and "\x00" not in folded and row.id not in found:
                figures.fail(f"{key}: searching for the name does not find it")
    figures.check()


def test_identity_functions_on_the_corpus(figures: Figures) -> None:
    for key, value in all_text().items():
        figures.trials += 1
        folded = fold(value)
        assert isinstance(folded, str)
        if INVISIBLE & set(folded):
            figures.fail(f"{key}: fold keeps an invisible or bidi control character")
        normalise_email(value)
        normalise_phone(value)
        phone_search_forms(value)
        assert isinstance(search_text(value, value, value, value), str)
        assert fts_phrase(search_query(value)).startswith('"')
    figures.check()


def test_fts_phrase_is_literal(store: Store) -> None:
    """FTS syntax typed into a search box is searched for, not obeyed."""
    for query in ['a OR b', 'NEAR(a b)', '"', '""', 'col:x', '*', '^abc', '-abc', 'a AND',
                  '\x00', 'x\x00"y', '(((', ')']:
        assert find(store, query) == []


@pytest.mark.parametrize("key", list(FILE_NAMES))
def test_hostile_store_paths_on_the_command_line(key: str, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """`privdesk init --store NAME`: made where asked, or a clear error; never a traceback."""
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    base = tmp_path / "a" / "b" / "c"  # so ../../ still lands inside tmp_path
    base.mkdir(parents=True)
    target = base / FILE_NAMES[key] if FILE_NAMES[key] else base
    if FILE_NAMES[key].startswith("/"):
        target = Path(FILE_NAMES[key])  # an existing system file: must be refused
    code = main(["init", "--store", str(target), "--passphrase-file", str(pw)])
    out, err = capsys.readouterr()
    assert code in (0, 1), err
    if code == 0:
        assert Path(target).is_file() and tmp_path in Path(target).resolve().parents
        # `init` makes the login name the store's first officer, with a key slot.
        with vault.open_store(target, getpass.getuser(), PASSPHRASE) as made:
            assert made.integrity_check() == []
    else:
        assert err.startswith("privdesk: ") and "Traceback" not in err
        print(key, err)
        # Nothing half-made left behind (Path.exists itself fails on a 300-character name).
        assert not [p for p in tmp_path.rglob("*") if p.is_file() and p.stat().st_size == 0]
