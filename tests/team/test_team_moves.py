"""Moving a team over and back: `privdesk team push` copies a local store (key slots
included) to an empty server database; `privdesk backup --store URL` writes an ordinary
encrypted local store that opens offline with the same passphrases."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from privdesk.cli import main
from privdesk.domain.contact_records import ContactInput, ContactQuery, NewInteraction, RelatedChanges
from privdesk.policy import Policy
from privdesk.services.audit_trail import AuditService
from privdesk.services.contacts import ContactService
from privdesk.services.officers import OfficerService
from privdesk.services.session import begin_session
from privdesk.store import vault
from privdesk.store.team import create_team_store, open_team_store
from tests.pg_server import PgServer

ADMIN, ADMIN_PASS = "Ann Admin", "admin passphrase"
BOB, BOB_PASS = "Bob Officer", "bob passphrase"
NOTE = "CANARY-push-note-5d1e"


def _local_store(path: Path, policy: Policy) -> int:
    store = vault.create_store(path, ADMIN, ADMIN_PASS)
    with store:
        ctx = begin_session(store, policy)
        OfficerService(ctx).add(BOB, "officer", BOB_PASS)
        made = ContactService(ctx).create(
            ContactInput(name="Zoe Adams", email="zoe@adams.example", status="customer",
                         source="enquiry_form", first_contact=date(2025, 1, 2),
                         customer_since=date(2025, 2, 1), last_activity=date(2026, 1, 5),
                         notes=NOTE),
            RelatedChanges(new_interactions=(NewInteraction("call", date(2026, 1, 5),
                                                            "rang about an invoice"),)))
        return made.id


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_push_then_back_up_and_open_offline(tmp_path: Path, pg_url: str, pg_server: PgServer,
                                            policy: Policy,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    local = tmp_path / "office.privdesk"
    contact_id = _local_store(local, policy)
    pw = tmp_path / "pw.txt"
    pw.write_text(ADMIN_PASS + "\n")
    code, out, err = run(capsys, "team", "push", "--store", str(local), "--to", pg_url,
                         "--passphrase-file", str(pw), "--user", ADMIN, "--json")
    assert code == 0, err
    pushed = json.loads(out)
    assert pushed["rows"]["contacts"] == 1 and pushed["rows"]["interactions"] == 1
    assert pushed["audit_events_checked"] > 0
    assert NOTE.encode() not in pg_server.dump(pg_url)

    # Bob unlocks the team store with the passphrase he already had; new rows get new ids.
    with open_team_store(pg_url, BOB, BOB_PASS) as team:
        ctx = begin_session(team, policy)
        assert ContactService(ctx).get(contact_id).data.notes == NOTE
        assert ContactService(ctx).create(ContactInput(
            name="New Person", status="enquirer", source="enquiry_form",
            first_contact=date(2026, 3, 1), last_activity=date(2026, 3, 1))).id > contact_id
        assert AuditService(ctx).verify().ok

    backup = tmp_path / "team-backup.privdesk"
    code, out, err = run(capsys, "backup", "--store", pg_url, "--out", str(backup),
                         "--passphrase-file", str(pw), "--user", ADMIN, "--json")
    assert code == 0, err
    assert json.loads(out)["rows"]["contacts"] == 2
    # Offline: an ordinary local store, Bob's passphrase opens it, the chain verifies.
    with vault.open_store(backup, BOB, BOB_PASS) as copy:
        ctx = begin_session(copy, policy)
        assert ContactService(ctx).get(contact_id).data.notes == NOTE
        assert AuditService(ctx).verify().ok
    assert not list(tmp_path.glob(".*partial*"))


def test_push_into_a_used_database_is_refused(tmp_path: Path, pg_url: str, policy: Policy,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    create_team_store(pg_url, "Someone Else", "another passphrase").close()
    local = tmp_path / "office.privdesk"
    _local_store(local, policy)
    pw = tmp_path / "pw.txt"
    pw.write_text(ADMIN_PASS + "\n")
    code, _, err = run(capsys, "team", "push", "--store", str(local), "--to", pg_url,
                       "--passphrase-file", str(pw), "--user", ADMIN)
    assert code == 1 and "not empty" in err
    with open_team_store(pg_url, "Someone Else", "another passphrase") as team:
        assert team.table_counts(["contacts"]) == {"contacts": 0}  # nothing was added


def test_push_to_a_bad_address_is_refused_plainly(tmp_path: Path, policy: Policy,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    local = tmp_path / "office.privdesk"
    _local_store(local, policy)
    pw = tmp_path / "pw.txt"
    pw.write_text(ADMIN_PASS + "\n")
    code, _, err = run(capsys, "team", "push", "--store", str(local), "--to", str(tmp_path / "x"),
                       "--passphrase-file", str(pw), "--user", ADMIN)
    assert code == 1 and "--to must be a team server" in err


def test_the_apps_own_backups_work_on_a_team_store(pg_url: str, tmp_path: Path,
                                                    policy: Policy) -> None:
    """Back up now, the daily backup and the one on exit (services.backup) write the same
    offline-openable copy for a team store, into the backup folder, with its key file."""
    from privdesk.services.backup import BackupService
    from privdesk.store import keyslots as ks

    with create_team_store(pg_url, ADMIN, ADMIN_PASS) as team:
        ctx = begin_session(team, policy)
        OfficerService(ctx).add(BOB, "officer", BOB_PASS)
        ContactService(ctx).create(ContactInput(
            name="Kept Person", status="enquirer", source="enquiry_form",
            first_contact=date(2026, 3, 1), last_activity=date(2026, 3, 1), notes=NOTE))
        info = BackupService(ctx, default_folder=tmp_path / "backups").backup_now()
    assert info.path.parent == tmp_path / "backups" and ks.sidecar_path(info.path).exists()
    with vault.open_store(info.path, BOB, BOB_PASS) as copy:
        ctx = begin_session(copy, policy)
        assert [r.name for r in ContactService(ctx).search(ContactQuery()).rows] == ["Kept Person"]
        assert AuditService(ctx).verify().ok
