"""`privdesk restore BACKUP --store URL`: a backup goes onto an EMPTY team server database,
verified by counts and by the audit chain; refused plainly, with nothing written, when the
officer is not an admin, the passphrase is wrong, the key file is missing or the database
is already in use. The backup file itself is never changed."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from privdesk.cli import main
from privdesk.domain.contact_records import ContactQuery
from privdesk.policy import Policy
from privdesk.services.audit_trail import AuditFilter, AuditService
from privdesk.services.contacts import ContactService
from privdesk.services.session import begin_session
from privdesk.store import keyslots as ks
from privdesk.store.team import create_team_store, open_team_store
from tests.pg_server import PgServer
from tests.team.test_team_moves import ADMIN, ADMIN_PASS, BOB, BOB_PASS, NOTE, _local_store


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _backup(tmp_path: Path, policy: Policy, capsys: pytest.CaptureFixture[str]) -> tuple[Path, int]:
    local = tmp_path / "office.privdesk"
    contact_id = _local_store(local, policy)
    backup = tmp_path / "backups" / "office-backup.privdesk"
    backup.parent.mkdir()
    code, _, err = run(capsys, "backup", "--store", str(local), "--out", str(backup),
                       "--passphrase-file", str(_pw(tmp_path, ADMIN_PASS)), "--user", ADMIN)
    assert code == 0, err
    return backup, contact_id


def _pw(tmp_path: Path, passphrase: str) -> Path:
    pw = tmp_path / f"pw-{hashlib.sha256(passphrase.encode()).hexdigest()[:6]}.txt"
    pw.write_text(passphrase + "\n")
    return pw


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_restore_a_backup_onto_an_empty_server(tmp_path: Path, pg_url: str, pg_server: PgServer,
                                               policy: Policy,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    backup, contact_id = _backup(tmp_path, policy, capsys)
    before = (_digest(backup), _digest(ks.sidecar_path(backup)))
    code, out, err = run(capsys, "restore", str(backup), "--store", pg_url, "--json",
                         "--passphrase-file", str(_pw(tmp_path, ADMIN_PASS)), "--user", ADMIN)
    assert code == 0, err
    done = json.loads(out)
    assert done["rows"]["contacts"] == 1 and done["rows"]["interactions"] == 1
    assert done["audit_events_checked"] > 0 and "password" not in out
    assert (_digest(backup), _digest(ks.sidecar_path(backup))) == before  # never written
    assert NOTE.encode() not in pg_server.dump(pg_url)  # sealed on the way in
    # Bob unlocks with the passphrase the backup knew; the restore is in the verified trail.
    with open_team_store(pg_url, BOB, BOB_PASS) as team:
        ctx = begin_session(team, policy)
        assert ContactService(ctx).get(contact_id).data.notes == NOTE
        assert ContactService(ctx).search(ContactQuery(text="zoe")).total == 1
        assert AuditService(ctx).verify().ok
        actions = [e.action for e in AuditService(ctx).events(AuditFilter(action="backup."))]
        assert "backup.restore" in actions


def test_restore_onto_a_used_server_database_changes_nothing(
        tmp_path: Path, pg_url: str, policy: Policy, capsys: pytest.CaptureFixture[str]) -> None:
    backup, _ = _backup(tmp_path, policy, capsys)
    create_team_store(pg_url, "Someone Else", "another passphrase").close()
    code, _, err = run(capsys, "restore", str(backup), "--store", pg_url,
                       "--passphrase-file", str(_pw(tmp_path, ADMIN_PASS)), "--user", ADMIN)
    assert code == 1 and "not empty" in err
    with open_team_store(pg_url, "Someone Else", "another passphrase") as team:
        assert team.table_counts(["contacts"]) == {"contacts": 0}


def test_restore_to_server_refusals_write_nothing(tmp_path: Path, pg_url: str, policy: Policy,
                                                  pg_server: PgServer,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    backup, _ = _backup(tmp_path, policy, capsys)

    def tables() -> int:
        import psycopg

        with psycopg.connect(pg_url) as conn:
            row = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
        return int(row[0]) if row else -1

    # Bob is an officer, not an admin: a restore is an admin's.
    code, _, err = run(capsys, "restore", str(backup), "--store", pg_url,
                       "--passphrase-file", str(_pw(tmp_path, BOB_PASS)), "--user", BOB)
    assert code == 1 and "Your role (officer) does not allow this: restore" in err
    code, _, err = run(capsys, "restore", str(backup), "--store", pg_url,
                       "--passphrase-file", str(_pw(tmp_path, "not it")), "--user", ADMIN)
    assert code != 0 and "passphrase" in err.lower()
    ks.sidecar_path(backup).rename(tmp_path / "elsewhere.keys")
    code, _, err = run(capsys, "restore", str(backup), "--store", pg_url,
                       "--passphrase-file", str(_pw(tmp_path, ADMIN_PASS)), "--user", ADMIN)
    assert code == 1 and "key file" in err
    assert tables() == 0  # the server database is as empty as it was
