"""Search on a team store finds what the local store finds: the same ids, in the same
order, with the same count and cap, for the same data (a demo register pushed to the
server, then the same edits on both, so the server's rows no longer lie in id order)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from privdesk.domain.contact_records import ContactQuery
from privdesk.policy import Policy
from privdesk.services.contacts import ContactService
from privdesk.services.demo import DemoDataService
from privdesk.services.session import begin_session
from privdesk.store import vault
from privdesk.store.team import open_team_store
from privdesk.store.team_copy import push_to_server

ADMIN, PASS = "Ann Admin", "admin passphrase"
CONTACTS = 3000  # enough for broad words to pass the 1,000 cap

QUERIES = [
    ContactQuery(text="smith"), ContactQuery(text="smi"), ContactQuery(text="son"),
    ContactQuery(text="an"), ContactQuery(text="s"), ContactQuery(text="ann l"),
    ContactQuery(text="example"), ContactQuery(text="07"), ContactQuery(text="+44 79"),
    ContactQuery(text="@hotmail"), ContactQuery(text="renamed"), ContactQuery(text="zzqx"),
    ContactQuery(text="ltd", descending=True), ContactQuery(text="son", sort="name"),
    ContactQuery(text="son", sort="name", descending=True),
    ContactQuery(text="example", status="customer"), ContactQuery(text="ma", source="enquiry_form"),
]


def test_team_store_search_matches_the_local_store(tmp_path: Path, pg_url: str,
                                                   policy: Policy) -> None:
    local = vault.create_store(tmp_path / "office.privdesk", ADMIN, PASS)
    with local:
        DemoDataService(begin_session(local, policy)).generate(contacts=CONTACTS, requests=0)
        push_to_server(local, pg_url)
        with open_team_store(pg_url, ADMIN, PASS) as team:
            mine = ContactService(begin_session(local, policy))
            ours = ContactService(begin_session(team, policy))
            for service in (mine, ours):  # the same edits on both: rows move on the server
                for contact_id in (3, 40, 41, 900):
                    detail = service.get(contact_id)
                    service.update(contact_id, replace(detail.data, name=f"Renamed Smith {contact_id}"))
            seen_capped = False
            for query in QUERIES:
                for offset, limit in ((0, 1000), (950, 100), (10, 20)):
                    a = mine.search_ids(query, offset, limit)
                    b = ours.search_ids(query, offset, limit)
                    assert (b.total, b.capped, b.ids) == (a.total, a.capped, a.ids), (query, offset)
                    seen_capped |= a.capped
                page_a, page_b = mine.search(query, 5, 30), ours.search(query, 5, 30)
                assert page_b == page_a, query
            assert seen_capped  # the cap itself was compared, not only small result sets
            assert mine.search_ids(ContactQuery(text="renamed"), 0, 10).ids == (3, 40, 41, 900)
