"""The HMAC chain catches an edited, deleted or reordered event, and a cut-off tail."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from privdesk.cli import main
from privdesk.services.audit_trail import AuditFilter, AuditService
from privdesk.services.authz import PermissionDenied
from privdesk.services.context import Actor, ServiceContext
from tests.store_kinds import store  # noqa: F401,E402  (both kinds of store)


def fill(ctx: ServiceContext, n: int = 6) -> None:
    for i in range(n):
        with ctx.store.session() as s:
            ctx.record(s, "contact.update", "contact", i + 1, detail=f"{i} fields")


def sql(ctx: ServiceContext, statement: str) -> None:
    with ctx.store.session() as s:
        s.execute(text(statement))


def test_an_untouched_chain_verifies(ctx: ServiceContext) -> None:
    fill(ctx)
    check = AuditService(ctx).verify()
    assert check.ok and check.checked == 6


def test_an_edited_event_is_named(ctx: ServiceContext) -> None:
    fill(ctx)
    sql(ctx, "UPDATE audit_events SET target_id = '99' WHERE id = 3")
    check = AuditService(ctx).verify()
    assert not check.ok and check.broken_id == 3 and "edited" in check.problem


def test_an_edited_timestamp_or_officer_is_caught(ctx: ServiceContext) -> None:
    fill(ctx)
    sql(ctx, "UPDATE audit_events SET officer = 'Someone Else' WHERE id = 5")
    assert AuditService(ctx).verify().broken_id == 5
    sql(ctx, "UPDATE audit_events SET officer = 'Test Officer' WHERE id = 5")
    assert AuditService(ctx).verify().ok
    sql(ctx, "UPDATE audit_events SET at = '2020-01-01 00:00:00.000000' WHERE id = 2")
    assert AuditService(ctx).verify().broken_id == 2


def test_a_deleted_event_is_caught_at_the_next_one(ctx: ServiceContext) -> None:
    fill(ctx)
    sql(ctx, "DELETE FROM audit_events WHERE id = 4")
    check = AuditService(ctx).verify()
    assert not check.ok and check.broken_id == 5 and "deleted" in check.problem


def test_reordered_events_are_caught(ctx: ServiceContext) -> None:
    fill(ctx)
    # Swap every column of events 2 and 3 (hmacs included), as a forger without the key would.
    sql(ctx, "UPDATE audit_events SET id = -2 WHERE id = 2")
    sql(ctx, "UPDATE audit_events SET id = 2 WHERE id = 3")
    sql(ctx, "UPDATE audit_events SET id = 3 WHERE id = -2")
    check = AuditService(ctx).verify()
    assert not check.ok and check.broken_id == 2


def test_a_cut_off_tail_is_caught(ctx: ServiceContext) -> None:
    fill(ctx)
    sql(ctx, "DELETE FROM audit_events WHERE id >= 5")
    check = AuditService(ctx).verify()
    assert not check.ok and "last events were deleted" in check.problem


@pytest.mark.parametrize("store", ["file"], indirect=True)  # legacy files only: team stores
# are born with signed roles, so an unsigned event there is always refused
def test_events_written_before_the_chain_are_sealed_into_it(ctx: ServiceContext) -> None:
    sql(ctx, "INSERT INTO audit_events (at, officer, action, outcome, detail, prev_hmac, hmac)"
             " VALUES ('2025-01-01 00:00:00.000000', 'old', 'store.unlock', 'ok', '', '', '')")
    fill(ctx, 2)
    check = AuditService(ctx).verify()
    assert check.ok and check.checked == 3


def test_filters_and_export_are_admin_only(ctx: ServiceContext, tmp_path: Path) -> None:
    fill(ctx, 3)
    with ctx.store.session() as s:
        ctx.record(s, "officer.add", "officer", 2, detail="role viewer")
    svc = AuditService(ctx)
    assert [e.action for e in svc.events(AuditFilter(action="officer."))] == ["officer.add"]
    assert len(svc.events(AuditFilter(officer="Test Officer", action="contact.update"))) == 3
    out = tmp_path / "audit.csv"
    ctx.actor = Actor("Test Officer", "admin")
    assert svc.export_csv(out) == 4
    lines = out.read_text(encoding="utf-8-sig").splitlines()
    assert lines[0].startswith("id,at_utc,officer") and len(lines) == 5
    ctx.actor = Actor("Priya", "officer")
    with pytest.raises(PermissionDenied):
        svc.export_csv(tmp_path / "no.csv")
    assert not (tmp_path / "no.csv").exists()
    assert svc.verify().ok  # the denial itself was chained in


def test_csv_export_defuses_formulas(ctx: ServiceContext, tmp_path: Path) -> None:
    with ctx.store.session() as s:
        ctx.audit.record(s, "=HYPERLINK(\"http://x\")", "store.unlock", outcome="failed")
    out = tmp_path / "a.csv"
    AuditService(ctx).export_csv(out)
    assert "'=HYPERLINK" in out.read_text(encoding="utf-8-sig")


def test_cli_audit_verify_exits_non_zero_when_broken(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.privdesk"
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", "audit cli phrase")
    monkeypatch.setenv("PRIVDESK_USER", "Alex Morgan")
    assert main(["init", "--store", str(path)]) == 0
    assert main(["audit", "verify", "--store", str(path), "--json"]) == 0
    capsys.readouterr()
    assert main(["audit", "list", "--store", str(path), "--json"]) == 0
    events = json.loads(capsys.readouterr().out)
    assert {e["action"] for e in events} >= {"store.unlock"}
    from privdesk.store import vault

    with vault.open_store(path, "Alex Morgan", "audit cli phrase") as s, s.session() as ses:
        ses.execute(text("UPDATE audit_events SET detail = 'nothing to see' WHERE id = 1"))
    code = main(["audit", "verify", "--store", str(path), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["ok"] is False and report["broken_id"] == 1


def test_chain_survives_rollbacks_interleaved_writers_and_bulk(ctx: ServiceContext) -> None:
    with pytest.raises(RuntimeError), ctx.store.session() as s:
        ctx.record(s, "contact.update", "contact", 1)
        raise RuntimeError("the change failed, so its event must vanish too")
    long_lived = ctx.store.read_session()
    with long_lived.begin():
        ctx.record(long_lived, "a.first", "x", 1)
    fill(ctx, 2)  # another session writes in between
    with long_lived.begin():  # a new transaction on the same Session re-reads the tail
        ctx.record(long_lived, "a.second", "x", 2)
    long_lived.close()
    with ctx.store.session() as s:  # a purge auditing many records in one transaction
        for i in range(2000):
            ctx.record(s, "retention.purge", "contact", i)
    check = AuditService(ctx).verify()
    assert check.ok and check.checked == 2004
