"""`privdesk demo-data --store URL`: the same demo register as a local store gets (same
seed: same rows, same ids, same search results), sealed on the server, audited, and
refused into a store that already holds contacts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from privdesk.cli import main
from privdesk.domain.contact_records import ContactQuery
from privdesk.policy import Policy
from privdesk.services.audit_trail import AuditFilter, AuditService
from privdesk.services.contacts import ContactService
from privdesk.services.demo import DemoDataService
from privdesk.services.session import begin_session
from privdesk.store import vault
from privdesk.store.models import Interaction
from privdesk.store.team import create_team_store, open_team_store
from tests.pg_server import PgServer

ADMIN, PASS = "Ann Admin", "ann demo passphrase"


def test_demo_data_on_a_team_store(tmp_path: Path, pg_url: str, pg_server: PgServer,
                                   policy: Policy, capsys: pytest.CaptureFixture[str]) -> None:
    create_team_store(pg_url, ADMIN, PASS).close()
    pw = tmp_path / "pw.txt"
    pw.write_text(PASS + "\n")
    argv = ["demo-data", "--store", pg_url, "--contacts", "400", "--passphrase-file", str(pw),
            "--user", ADMIN, "--json"]
    assert main(argv) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["contacts"] == 400 and counts["requests"] > 0

    local = vault.create_store(tmp_path / "same.privdesk", ADMIN, PASS)
    with local, open_team_store(pg_url, ADMIN, PASS) as team:
        made = DemoDataService(begin_session(local, policy)).generate(contacts=400)
        assert made.as_json() == counts
        mine = ContactService(begin_session(local, policy))
        ours = ContactService(begin_session(team, policy))
        for word in ("smith", "an", "07", "ltd", "example"):
            assert ours.search_ids(ContactQuery(text=word)).ids == \
                mine.search_ids(ContactQuery(text=word)).ids, word
        assert ours.get(17).data == mine.get(17).data
        with local.session() as s:
            summary = s.scalars(select(Interaction.summary).where(Interaction.summary != "")).first()
        ctx = begin_session(team, policy)
        assert AuditService(ctx).verify().ok
        assert [e.action for e in AuditService(ctx).events(AuditFilter(action="demo."))] \
            == ["demo.generate"]
    assert summary and summary.encode() not in pg_server.dump(pg_url)

    # Once the register holds contacts, demo data is refused and nothing is added.
    assert main(argv) == 1
    assert "empty store only" in capsys.readouterr().err
    with open_team_store(pg_url, ADMIN, PASS) as team:
        assert team.table_counts(["contacts"]) == {"contacts": 400}
