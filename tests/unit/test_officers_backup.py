"""Officers through the service and the CLI; backups and restores on real stores."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, text

from privdesk.cli import main
from privdesk.policy import Policy
from privdesk.services.backup import BackupService, restore_backup
from privdesk.services.container import Services
from privdesk.services.officers import OfficerError
from privdesk.services.session import FAILED_UNLOCK, begin_session
from privdesk.store import keyslots as ks
from privdesk.store import vault
from privdesk.store.backup import BackupError
from privdesk.store.engine import Store, StoreKey
from privdesk.store.errors import NetworkShareError
from privdesk.store.models import AuditEvent
from privdesk.store.shares import network_filesystem

PW = "team passphrase"


@pytest.fixture
def team(tmp_path: Path, policy: Policy) -> Iterator[Services]:
    store = vault.create_store(tmp_path / "team.privdesk", "Alex Morgan", PW)
    services = Services.build(begin_session(store, policy))
    yield services
    services.ctx.store.close()


def actions(services: Services) -> list[str]:
    with services.ctx.store.session() as s:
        return list(s.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))


def put(store: Store, value: str) -> None:
    with store.session() as s:
        s.execute(text("INSERT OR REPLACE INTO settings VALUES ('marker', :v)"), {"v": value})


def marker(store: Store) -> str:
    with store.session() as s:
        return str(s.execute(text("SELECT value FROM settings WHERE key='marker'")).scalar())


def test_first_officer_is_admin_and_changes_are_audited(team: Services, policy: Policy) -> None:
    assert (team.ctx.actor.name, team.ctx.actor.role) == ("Alex Morgan", "admin")
    team.officers.add("Priya Shah", "officer", "priya phrase")
    team.officers.set_role("Priya Shah", "viewer")
    with pytest.raises(OfficerError, match="last admin"):
        team.officers.set_role("Alex Morgan", "officer")
    with pytest.raises(OfficerError, match="last admin"):
        team.officers.remove("Alex Morgan")
    team.officers.remove("Priya Shah")
    rows = {r.name: r for r in team.officers.list()}
    assert rows["Priya Shah"].active is False and rows["Priya Shah"].has_slot is False
    assert actions(team) == ["store.unlock", "officer.add", "officer.role", "officer.remove"]
    # The role comes from the store, not from the slot file.
    team.officers.add("Jo Lewis", "viewer", "jo viewer phrase")
    ctx = begin_session(vault.open_store(team.ctx.store.path, "jo lewis", "jo viewer phrase"), policy)
    assert (ctx.actor.name, ctx.actor.role) == ("Jo Lewis", "viewer")
    ctx.store.close()


def test_officers_without_a_key_slot_can_be_managed(team: Services) -> None:
    with team.ctx.store.session() as s:  # as demo data and older stores list them
        s.execute(text("INSERT INTO officers (name, role, created_at, active)"
                       " VALUES ('Sam Okafor', 'officer', '2026-01-01 00:00:00', 1)"))
    assert {r.name: r.has_slot for r in team.officers.list()}["Sam Okafor"] is False
    team.officers.set_role("Sam Okafor", "viewer")
    team.officers.remove("Sam Okafor")
    team.officers.add("Sam Okafor", "officer", "sam officer phrase")
    row = {r.name: r for r in team.officers.list()}["Sam Okafor"]
    assert (row.role, row.active, row.has_slot) == ("officer", True, True)


def test_failed_unlocks_are_audited_at_the_next_good_one(team: Services, policy: Policy) -> None:
    path = team.ctx.store.path
    team.ctx.store.close()
    for who in ("Alex Morgan", "Nobody"):
        with pytest.raises(ks.WrongPassphrase):
            vault.open_store(path, who, "wrong")
    ctx = begin_session(vault.open_store(path, "Alex Morgan", PW), policy)
    services = Services.build(ctx)
    failed = [e for e in services.audit.events() if e.outcome == "failed"]
    # A typed name is data, never the event's officer: it may be anything at all.
    assert {e.officer for e in failed} == {FAILED_UNLOCK}
    assert sorted(e.detail.split(";")[0] for e in failed) == [
        f"name typed: {vault.UNKNOWN_OFFICER!r}", "name typed: 'Alex Morgan'"]
    assert services.audit.verify().ok
    ctx.store.close()


def test_upgrade_records_its_admin(tmp_path: Path, policy: Policy) -> None:
    path = tmp_path / "old.privdesk"
    Store.create(path, StoreKey.passphrase("old shared phrase")).close()
    ctx = begin_session(vault.open_store(path, "Dana Reid", "old shared phrase"), policy)
    assert ctx.actor.role == "admin"
    services = Services.build(ctx)
    assert [e.action for e in services.audit.events()] == ["store.unlock", "store.upgrade"]
    ctx.store.close()


def test_backup_restore_round_trip(team: Services, tmp_path: Path) -> None:
    store = team.ctx.store
    put(store, "before")
    backup = tmp_path / "out" / "copy.privdesk"
    info = team.backups.backup_to(backup)
    assert info.size > 0 and ks.sidecar_path(backup).exists()
    assert backup.read_bytes()[:16] != b"SQLite format 3\x00"
    put(store, "after")
    team.officers.rotate_key()  # the backup keeps opening with its own slot copy
    store.close()
    result = restore_backup(backup, store.path, "Alex Morgan", PW)
    assert result.replaced_kept_as is not None and result.replaced_kept_as.exists()
    with vault.open_store(store.path, "Alex Morgan", PW) as restored:
        assert marker(restored) == "before"
        assert restored.integrity_check() == []
    with vault.open_store(result.replaced_kept_as, "Alex Morgan", PW) as aside:
        assert marker(aside) == "after"


def test_an_interrupted_backup_leaves_the_previous_one_intact(team: Services, tmp_path: Path) -> None:
    store = team.ctx.store
    for i in range(200):  # enough pages for the copy to take several steps
        put(store, "x" * 4000 + str(i))
        with store.session() as s:
            s.execute(text("INSERT INTO settings VALUES (:k, :v)"), {"k": f"k{i}", "v": "y" * 4000})
    backup = tmp_path / "nightly.privdesk"
    team.backups.backup_to(backup)
    good = backup.read_bytes()
    put(store, "newer")
    calls = []

    def crash(done: int, total: int) -> None:
        calls.append(done)
        raise RuntimeError("disk unplugged")

    with pytest.raises(RuntimeError, match="unplugged"):
        team.backups.backup_to(backup, progress=crash)
    assert calls and backup.read_bytes() == good
    assert [p.name for p in tmp_path.iterdir() if "partial" in p.name] == []
    store.close()
    with vault.open_store(backup, "Alex Morgan", PW) as copy:
        assert marker(copy).startswith("x" * 4000)


def test_a_damaged_backup_is_refused_before_anything_is_replaced(team: Services, tmp_path: Path) -> None:
    store = team.ctx.store
    backup = tmp_path / "b.privdesk"
    team.backups.backup_to(backup)
    data = bytearray(backup.read_bytes())
    data[len(data) // 2] ^= 0xFF
    backup.write_bytes(bytes(data))
    store.close()
    before = store.path.read_bytes()
    with pytest.raises(BackupError) as err:
        restore_backup(backup, store.path, "Alex Morgan", PW)
    assert "damaged" in str(err.value)
    assert store.path.read_bytes() == before
    assert not any(".replaced-" in p.name for p in store.path.parent.iterdir())


def test_rotation_of_dated_backups(team: Services, tmp_path: Path) -> None:
    team.settings.set("backup.folder", str(tmp_path / "bk"))
    service = BackupService(team.ctx)
    first = service.backup_now()
    folder = tmp_path / "bk"
    start = datetime(2026, 1, 1, 18)
    prefix = first.path.name[: -len("YYYYMMDD-HHMMSS.privdesk")]  # team-<store id>-
    for i in range(60):  # fake older backups of this store: dated by their names
        name = f"{prefix}{(start + timedelta(days=i)).strftime('%Y%m%d-%H%M%S')}.privdesk"
        (folder / name).write_bytes(first.path.read_bytes())
        ks.sidecar_path(folder / name).write_bytes(ks.sidecar_path(first.path).read_bytes())
    assert len(service.backups()) == 61
    removed = service.prune()
    kept = service.backups()
    assert first.path in [b.path for b in kept]
    assert len(kept) <= 7 + 4 + 12 and len(removed) == 61 - len(kept)
    assert not any(ks.sidecar_path(p).exists() for p in removed)
    assert service.daily_if_due() is None  # a backup less than a day old exists


def test_network_shares_are_refused(tmp_path: Path) -> None:
    mounts = ("/dev/sda1 / ext4 rw 0 0\n"
              "server:/export /mnt/team nfs4 rw 0 0\n"
              "//nas/share /mnt/smb cifs rw 0 0\n"
              "me@host:/x /mnt/my\\040files fuse.sshfs rw 0 0\n")
    assert network_filesystem(Path("/home/me/a.privdesk"), mounts) is None
    assert network_filesystem(Path("/mnt/team/a.privdesk"), mounts) == "nfs4"
    assert network_filesystem(Path("/mnt/smb/sub/a.privdesk"), mounts) == "cifs"
    assert network_filesystem(Path("/mnt/my files/a.privdesk"), mounts) == "fuse.sshfs"
    assert network_filesystem(Path("/mnt/teamwork/a.privdesk"), mounts) is None
    assert network_filesystem(Path("//server/share/a.privdesk")) == "UNC path"
    err = NetworkShareError("/mnt/team/a.privdesk", "nfs4")
    assert "network share (nfs4)" in str(err) and "locking" in str(err)


def test_cli_officers_and_backup(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "cli.privdesk"
    new_pw = tmp_path / "new.txt"
    new_pw.write_text("priya first phrase\n")
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", PW)
    monkeypatch.setenv("PRIVDESK_USER", "Alex Morgan")
    assert main(["init", "--store", str(store)]) == 0
    assert main(["officers", "add", "Priya Shah", "--role", "officer", "--store", str(store),
                 "--new-passphrase-file", str(new_pw)]) == 0
    capsys.readouterr()
    assert main(["officers", "list", "--store", str(store), "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert [(o["name"], o["role"], o["can_unlock"]) for o in listed] == [
        ("Alex Morgan", "admin", True), ("Priya Shah", "officer", True)]
    # Priya cannot add officers; her denial exits 1 with the reason.
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", "priya first phrase")
    code = main(["officers", "add", "Eve", "--store", str(store), "--user", "Priya Shah",
                 "--new-passphrase-file", str(new_pw)])
    assert code == 1 and "officer" in capsys.readouterr().err
    out = tmp_path / "cli-backup.privdesk"
    assert main(["backup", "--store", str(store), "--user", "Priya Shah", "--out", str(out)]) == 0
    code = main(["restore", str(out), "--store", str(store), "--user", "Priya Shah"])
    assert code == 1 and "restore" in capsys.readouterr().err
    newer = tmp_path / "newer.txt"
    newer.write_text("priya second phrase\n")
    assert main(["officers", "passwd", "--store", str(store), "--user", "Priya Shah",
                 "--new-passphrase-file", str(newer)]) == 0
    code = main(["officers", "list", "--store", str(store), "--user", "Priya Shah"])
    assert code == 3 and "Wrong officer name or passphrase" in capsys.readouterr().err
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", PW)
    assert main(["officers", "rotate-key", "--store", str(store)]) == 0
    assert main(["officers", "remove", "Priya Shah", "--store", str(store)]) == 0
    assert main(["restore", str(out), "--store", str(store), "--json"]) == 0
    capsys.readouterr()
    assert main(["check", "--store", str(store), "--json"]) == 0
    assert main(["audit", "verify", "--store", str(store)]) == 0
