"""A team store's search through its id windows (store.search_windows, migration 0012):
the same ids as the local store when the matches straddle window boundaries, when ids
have gaps (merged contacts deleted, a whole window emptied), after the register grows
and the open window is split, with a stale window list; the windows are actually used
(later ones never run for a common word); the maintenance runs once under two officers;
and the one- and two-letter name ranges mean the same under a non-C collation."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import text

from privdesk.domain.contact_records import ContactInput, ContactQuery
from privdesk.policy import Policy
from privdesk.services.contacts import ContactService
from privdesk.services.contacts_search import matching_ids
from privdesk.services.demo import DemoDataService
from privdesk.services.session import begin_session
from privdesk.store import search_windows, vault
from privdesk.store.server import ServerStore
from privdesk.store.team import open_team_store
from privdesk.store.team_copy import push_to_server
from tests.pg_server import SUPERUSER, PgServer

ADMIN, PASS = "Ann Admin", "admin passphrase"
CONTACTS = 1500
WORDS = ["smi", "son", "smith", "ann l", "example", "@hotmail", "07", "an", "s", "ltd",
         "zzqx", "+44 79", "renamed"]


def _same(mine: ContactService, ours: ContactService, words: list[str],
          sorted_pages: bool = True) -> None:
    for word in words:
        for query in (ContactQuery(text=word), ContactQuery(text=word, descending=True),
                      ContactQuery(text=word, status="customer")):
            for offset, limit in ((0, 1000), (990, 50), (3, 7)):
                a, b = mine.search_ids(query, offset, limit), ours.search_ids(query, offset, limit)
                assert (b.total, b.capped, b.ids) == (a.total, a.capped, a.ids), (query, offset)
        if sorted_pages:
            assert ours.search(ContactQuery(text=word, sort="name"), 2, 40) == \
                mine.search(ContactQuery(text=word, sort="name"), 2, 40), word


def _windows(team: ServerStore) -> tuple[search_windows.Window, ...]:
    with team.engine.connect() as conn:
        return search_windows.read(conn)


@pytest.fixture
def both(tmp_path: Path, pg_url: str,
         policy: Policy) -> Iterator[tuple[ContactService, ContactService, ServerStore]]:
    """A demo register, locally and pushed to the server, whose windows are remade 100 ids wide."""
    local = vault.create_store(tmp_path / "office.privdesk", ADMIN, PASS)
    with local:
        DemoDataService(begin_session(local, policy)).generate(contacts=CONTACTS, requests=0)
        push_to_server(local, pg_url)
        with open_team_store(pg_url, ADMIN, PASS) as team:
            with team.engine.begin() as conn:
                search_windows.rebuild(conn, size=100)
            yield (ContactService(begin_session(local, policy)),
                   ContactService(begin_session(team, policy)), team)


def test_windows_straddled_gapped_and_grown_find_what_the_local_store_finds(
        both: tuple[ContactService, ContactService, ServerStore], policy: Policy) -> None:
    mine, ours, team = both
    windows = _windows(team)
    assert len(windows) == CONTACTS // 100 + 1 and windows[-1].hi is None
    assert windows[0] == search_windows.Window(0, 100)
    for service in (mine, ours):
        for contact_id in (99, 100, 101, 450, 1499):  # names now match at the boundaries
            detail = service.get(contact_id)
            service.update(contact_id, replace(detail.data, name=f"Renamed Smith {contact_id}"))
        # Gaps: ids deleted by merges, on both sides of a boundary and a whole window.
        for other in (*range(198, 203), *range(300, 400)):
            service.merge(1, other)
    _same(mine, ours, WORDS)
    assert mine.search_ids(ContactQuery(text="renamed"), 0, 10).ids == (99, 100, 101, 450, 1499)

    # The register grows past the open window: split by the maintenance step. `ours`
    # still holds the old list (a stale list finds the same rows), a new service the new.
    for service in (mine, ours):
        for n in range(25):
            service.create(ContactInput(name=f"Grown Smith {n}", email=f"grown{n}@example.org",
                                        source="enquiry_form"))
    with team.engine.begin() as conn:
        assert search_windows.maintain(conn, size=10)
    grown = _windows(team)
    assert [w for w in grown if w.lo >= 1500] == [
        search_windows.Window(1500, 1510), search_windows.Window(1510, 1520),
        search_windows.Window(1520, None)]
    with team.engine.begin() as conn:
        assert not search_windows.maintain(conn, size=10)  # nothing left to split
    fresh = ContactService(begin_session(team, policy))
    _same(mine, ours, ["grown", "smi", "example"])
    _same(mine, fresh, ["grown", "smi", "example", "zzqx"])
    with team.engine.connect() as conn:
        names = set(conn.execute(text(
            "SELECT indexname FROM pg_indexes WHERE tablename = 'contacts'")).scalars())
    assert {w.index for w in grown} <= names
    assert "ix_contacts_trgm_from1500" not in names  # the closed open window's index went


def test_a_common_word_reads_only_the_first_windows(
        both: tuple[ContactService, ContactService, ServerStore]) -> None:
    _, _, team = both
    windows = _windows(team)
    sql, params = matching_ids(ContactQuery(text="example"), "GB", dialect="postgresql",
                               windows=windows) or ("", {})
    with team.engine.connect() as conn:
        plan = "\n".join(r[0] for r in conn.execute(text(f"EXPLAIN ANALYZE {sql}"), params))
        print(plan)
    assert f"{windows[0].index}" in plan  # the window's own partial index
    assert "never executed" in plan  # the Append stopped once it had 1,001 ids
    assert "ix_contacts_search_trgm" not in plan


def test_two_officers_unlocking_at_once_split_the_windows_once(
        both: tuple[ContactService, ContactService, ServerStore]) -> None:
    _, ours, team = both
    for n in range(12):
        ours.create(ContactInput(name=f"New {n}", source="enquiry_form"))
    with team.engine.connect() as a, team.engine.connect() as b:
        ta, tb = a.begin(), b.begin()
        assert search_windows.maintain(a, size=5)
        assert not search_windows.maintain(b, size=5)  # the lock is taken: left to its holder
        ta.commit()
        tb.rollback()
    opens = [w for w in _windows(team) if w.hi is None]
    assert opens == [search_windows.Window(1510, None)]


def test_name_prefix_ranges_mean_the_same_under_an_english_collation(
        tmp_path: Path, pg_server: PgServer, policy: Policy) -> None:
    """An ICU en-US database sorts 'SMITH' between 'Sm' and 'Sn'; the ranges are byte
    order (COLLATE "C"), as on SQLite, so the case variants never repeat an id."""
    name = "t_icu_" + tmp_path.name[-8:].lower().replace("-", "_")
    pg_server.admin(f"CREATE DATABASE \"{name}\" TEMPLATE template0 ENCODING 'UTF8' "
                    "LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'")
    url = pg_server.url(name)
    try:
        with psycopg.connect(host=str(pg_server.socket_dir), port=pg_server.port,
                             user=SUPERUSER, dbname=name) as check:  # really not byte order
            row = check.execute("SELECT 'SMITH' > 'Sm' AND 'SMITH' < 'Sn'").fetchone()
            assert row is not None and row[0] is True
        local = vault.create_store(tmp_path / "office.privdesk", ADMIN, PASS)
        with local:
            DemoDataService(begin_session(local, policy)).generate(contacts=300, requests=0)
            push_to_server(local, url)
            with open_team_store(url, ADMIN, PASS) as team:
                mine = ContactService(begin_session(local, policy))
                ours = ContactService(begin_session(team, policy))
                for service in (mine, ours):
                    for person in ("SMITH JOHN", "smith lower", "Smythe", "SMALL Co", "Émile Sm"):
                        service.create(ContactInput(name=person, source="enquiry_form"))
                # The matches and their (id) order; a page sorted by name follows the
                # database's collation (README: make the database with C.UTF-8).
                _same(mine, ours, ["sm", "s", "SM", "em", "é", "a"], sorted_pages=False)
                ids = ours.search_ids(ContactQuery(text="sm"), 0, 1000).ids
                assert len(ids) == len(set(ids))
    finally:
        pg_server.drop_database(name)
