"""H2: a trail cut short, re-chained, or stripped of its secrets by an officer who holds
the key is reported; `audit verify` checks before it writes; nothing is re-signed."""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from privdesk.cli import main
from privdesk.policy import Policy
from privdesk.services.audit import KEY_NAME
from privdesk.services.officers import OfficerService
from privdesk.services.session import begin_session
from privdesk.store import vault
from tests.attacker import own_keys, raw_sql

ADMIN, ADMIN_PW = "Alex Morgan", "alex admin passphrase"
VIEWER, VIEWER_PW = "Jo Lewis", "jo viewer passphrase"


@pytest.fixture
def team(tmp_path: Path, policy: Policy, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    path = tmp_path / "team.privdesk"
    with vault.create_store(path, ADMIN, ADMIN_PW) as store:
        ctx = begin_session(store, policy)
        OfficerService(ctx).add(VIEWER, "viewer", VIEWER_PW)
        for _ in range(5):  # some work, audited
            OfficerService(ctx).set_role(VIEWER, "officer")
            OfficerService(ctx).set_role(VIEWER, "viewer")
    monkeypatch.setenv("PRIVDESK_USER", ADMIN)
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", ADMIN_PW)
    yield path


def verify(path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    capsys.readouterr()
    code = main(["audit", "verify", "--store", str(path), "--json"])
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip() else {}


def count(path: Path, key: bytes) -> int:
    return int(raw_sql(path, key, "SELECT count(*) FROM audit_events")[0][0][0])


def test_newest_events_deleted_and_head_fixed_are_reported(team: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    code, report = verify(team, capsys)
    assert code == 0 and report["ok"] is True
    key, _ = own_keys(team, VIEWER, VIEWER_PW)
    seen = count(team, key)
    raw_sql(team, key, "DELETE FROM audit_events WHERE id > (SELECT max(id) - 4 FROM audit_events)",
            "UPDATE secrets SET value = (SELECT id || ':' || hmac FROM audit_events "
            "ORDER BY id DESC LIMIT 1) WHERE name = 'audit_head'")
    code, report = verify(team, capsys)
    assert code == 1 and report["ok"] is False
    found = " ".join(report["unlock_found"])  # type: ignore[arg-type]
    assert f"had {seen:,} events; this one has {seen - 4:,}" in found
    # The unlock that found it recorded it; a second verify still says so.
    code, report = verify(team, capsys)
    assert code == 1 and "found" in str(report["problem"])


def test_every_event_deleted_is_reported(team: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert verify(team, capsys)[0] == 0
    key, _ = own_keys(team, VIEWER, VIEWER_PW)
    seen = count(team, key)
    raw_sql(team, key, "DELETE FROM audit_events",
            "DELETE FROM secrets WHERE name IN ('audit_hmac', 'audit_head')")
    code, report = verify(team, capsys)
    assert code == 1 and f"had {seen:,} events; this one has 0" in " ".join(
        report["unlock_found"])  # type: ignore[arg-type]


def test_deleted_trail_secrets_are_an_error_never_a_fresh_key(team: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    key, _ = own_keys(team, VIEWER, VIEWER_PW)
    raw_sql(team, key, "DELETE FROM secrets WHERE name IN ('audit_hmac', 'audit_head')")
    code = main(["audit", "verify", "--store", str(team)])
    err = capsys.readouterr().err
    assert code != 0 and "key is missing" in err
    assert raw_sql(team, key, f"SELECT count(*) FROM secrets WHERE name = '{KEY_NAME}'")[0][0][0] == 0


def test_a_rechained_trail_fails_on_signatures_and_on_its_length(
        team: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The viewer deletes the admin's events from the middle and re-chains the rest with
    the HMAC key read from the store: the chain fits, the admin's signatures do not."""
    assert verify(team, capsys)[0] == 0
    key, _ = own_keys(team, VIEWER, VIEWER_PW)
    raw_sql(team, key, "DELETE FROM audit_events WHERE id IN (3, 4)")
    hmac_key = raw_sql(team, key, f"SELECT value FROM secrets WHERE name = '{KEY_NAME}'")[0][0][0]
    rows = raw_sql(team, key, "SELECT id, at, officer, action, target_type, target_id, outcome,"
                   " detail FROM audit_events ORDER BY id")[0]
    prev, updates = "", []
    for row in rows:  # the documented chain: HMAC over prev || 0x1f || JSON of the fields
        fields = [row[0], row[1].replace(" ", "T"), row[2], row[3], row[4] or "", row[5] or "",
                  row[6], row[7]]
        message = prev.encode() + b"\x1f" + json.dumps(fields, ensure_ascii=False).encode()
        digest = hmac.new(hmac_key, message, hashlib.sha256).hexdigest()
        updates.append(f"UPDATE audit_events SET prev_hmac = '{prev}', hmac = '{digest}' "
                       f"WHERE id = {row[0]}")
        prev = digest
    raw_sql(team, key, *updates, f"UPDATE secrets SET value = CAST('{rows[-1][0]}:{prev}' AS BLOB)"
            " WHERE name = 'audit_head'")
    code, report = verify(team, capsys)
    assert code == 1
    assert "did not sign it" in str(report["problem"])
    assert any("this one has" in f for f in report["unlock_found"])  # type: ignore[union-attr]
