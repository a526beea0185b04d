"""H3, M1, M2: backups belong to their store by its id; a restore is decided by the live
store's signed roles and keeps the live key file's revocations; an old key file cannot
bring back a changed passphrase or a removed officer."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from privdesk.policy import Policy
from privdesk.services.authz import PermissionDenied
from privdesk.services.backup import restore_backup
from privdesk.services.container import Services
from privdesk.services.session import SessionError, begin_session
from privdesk.store import keyslots as ks
from privdesk.store import vault
from privdesk.store.models import AuditEvent

ADMIN, ADMIN_PW = "Alex Morgan", "alex admin passphrase"
PRIYA, PRIYA_PW = "Priya Shah", "priya officer passphrase"
JO, JO_PW = "Jo Lewis", "jo viewer passphrase"


def team(path: Path, policy: Policy, backups: Path) -> Services:
    services = Services.build(begin_session(vault.create_store(path, ADMIN, ADMIN_PW), policy))
    services.settings.set("backup.folder", str(backups))
    return services


def unlock(path: Path, who: str, pw: str, policy: Policy) -> Services:
    return Services.build(begin_session(vault.open_store(path, who, pw), policy))


def test_two_stores_with_one_name_keep_their_own_backups(tmp_path: Path, policy: Policy) -> None:
    folder = tmp_path / "backups"
    a = team(tmp_path / "clientA" / "register.privdesk", policy, folder)
    b = team(tmp_path / "clientB" / "register.privdesk", policy, folder)
    for services in (a, b):
        for key in ("backup.keep_daily", "backup.keep_weekly", "backup.keep_monthly"):
            services.settings.set(key, 1)
    first_a = a.backups.backup_now()
    prefix = first_a.path.name[: -len("YYYYMMDD-HHMMSS.privdesk")]
    for days in (40, 80, 400):  # older backups of A, dated by their names
        old = folder / f"{prefix}{(datetime.now() - timedelta(days=days)):%Y%m%d-%H%M%S}.privdesk"
        shutil.copyfile(first_a.path, old)
        shutil.copyfile(ks.sidecar_path(first_a.path), ks.sidecar_path(old))
    a_files = {p.name for p in folder.glob(f"{prefix}*.privdesk")}
    assert len(a_files) == 4
    b.backups.backup_now()  # B's rotation: keep 1 of each, of B's own
    assert {p.name for p in folder.glob(f"{prefix}*.privdesk")} == a_files
    assert len(b.backups.backups()) == 1 and len(a.backups.backups()) == 4
    # A backup renamed to look like B's is still A's: it is never B's to delete.
    b_id = b.backups.backups()[0].path.name.split("-")[1]
    disguised = folder / first_a.path.name.replace(prefix.split("-")[1], b_id)
    shutil.copyfile(first_a.path, disguised)
    shutil.copyfile(ks.sidecar_path(first_a.path), ks.sidecar_path(disguised))
    b.backups.prune()
    assert disguised.exists()
    a.backups.prune()  # A's own rotation does thin A's backups
    assert len(a.backups.backups()) < 4
    a.close()
    b.close()


@pytest.fixture
def office(tmp_path: Path, policy: Policy) -> tuple[Path, Path]:
    """A store where Priya was an admin and Jo a viewer at the time of the backup."""
    path = tmp_path / "office.privdesk"
    services = team(path, policy, tmp_path / "bk")
    services.officers.add(PRIYA, "admin", PRIYA_PW)
    services.officers.add(JO, "viewer", JO_PW)
    with services.ctx.store.session() as s:
        s.execute(text("INSERT INTO settings VALUES ('marker', '\"at backup\"')"))
    backup = services.backups.backup_to(tmp_path / "kept" / "office-copy.privdesk").path
    services.close()
    return path, backup


def test_an_officer_removed_since_the_backup_cannot_restore_it(office: tuple[Path, Path],
                                                               policy: Policy) -> None:
    path, backup = office
    alex = unlock(path, ADMIN, ADMIN_PW, policy)
    alex.officers.remove(PRIYA)
    alex.close()
    before = path.read_bytes()
    with pytest.raises(ks.WrongPassphrase):  # no slot in the live key file any more
        restore_backup(backup, path, PRIYA, PRIYA_PW)
    assert path.read_bytes() == before


def test_an_admin_demoted_since_the_backup_is_refused_and_audited(office: tuple[Path, Path],
                                                                  policy: Policy) -> None:
    path, backup = office
    alex = unlock(path, ADMIN, ADMIN_PW, policy)
    alex.officers.set_role(PRIYA, "viewer")
    alex.close()
    with pytest.raises(PermissionDenied):
        restore_backup(backup, path, PRIYA, PRIYA_PW)
    store = vault.open_store(path, ADMIN, ADMIN_PW)
    with store.session() as s:
        denied = s.execute(select(AuditEvent.officer, AuditEvent.signer).where(
            AuditEvent.action == "backup.restore", AuditEvent.outcome == "denied")).all()
    store.close()
    assert denied == [(PRIYA, PRIYA)]


def test_restore_keeps_the_live_revocations(office: tuple[Path, Path], policy: Policy) -> None:
    """Jo changed passphrase and Priya was removed after the backup; the key was rotated
    too. The restored store opens with today's passphrases only."""
    path, backup = office
    jo = unlock(path, JO, JO_PW, policy)
    jo.officers.change_own_passphrase(JO_PW, "jo changed passphrase now")
    jo.close()
    alex = unlock(path, ADMIN, ADMIN_PW, policy)
    alex.officers.remove(PRIYA)
    alex.officers.rotate_key()
    alex.close()
    restore_backup(backup, path, ADMIN, ADMIN_PW)
    with pytest.raises(ks.WrongPassphrase):
        vault.open_store(path, JO, JO_PW)
    with pytest.raises(ks.WrongPassphrase):
        vault.open_store(path, PRIYA, PRIYA_PW)
    jo = unlock(path, JO, "jo changed passphrase now", policy)
    with jo.ctx.store.session() as s:
        assert s.execute(text("SELECT value FROM settings WHERE key='marker'")).scalar() == \
            '"at backup"'
    assert [r.active for r in jo.officers.list() if r.name == PRIYA] == [False]
    assert jo.audit.verify().ok
    jo.close()


def test_an_old_key_file_does_not_bring_back_an_old_passphrase(office: tuple[Path, Path],
                                                               policy: Policy) -> None:
    path, backup = office
    jo = unlock(path, JO, JO_PW, policy)
    jo.officers.change_own_passphrase(JO_PW, "jo changed passphrase now")
    jo.close()
    shutil.copyfile(ks.sidecar_path(backup), ks.sidecar_path(path))  # every backup has one
    with pytest.raises(SessionError, match="older than the store"):
        unlock(path, JO, JO_PW, policy)


def test_another_workstation_sees_the_shorter_trail_and_the_restore(
        office: tuple[Path, Path], policy: Policy, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    path, backup = office
    monkeypatch.setenv("PRIVDESK_HOME", str(tmp_path / "jo-desk"))
    jo = unlock(path, JO, JO_PW, policy)  # Jo's workstation remembers the longer trail
    jo.close()
    monkeypatch.setenv("PRIVDESK_HOME", str(tmp_path / "alex-desk"))
    restore_backup(backup, path, ADMIN, ADMIN_PW)
    alex = unlock(path, ADMIN, ADMIN_PW, policy)  # the restoring workstation: no finding
    assert not [w for w in alex.ctx.warnings if "trail" in w]
    alex.close()
    monkeypatch.setenv("PRIVDESK_HOME", str(tmp_path / "jo-desk"))
    jo = unlock(path, JO, JO_PW, policy)
    found = " ".join(jo.ctx.warnings)
    assert "The trail you saw on" in found and f"restore from a backup by {ADMIN}" in found
    jo.close()
