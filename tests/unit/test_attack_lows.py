"""The review's low findings, each on real files: demo data by role and without partial
writes, an interrupted key rotation in the trail, refusals worded as refusals, private
CSV exports with no leftovers, one-script officer names."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from privdesk.cli import main
from privdesk.policy import Policy
from privdesk.services.contacts import ContactService
from privdesk.services.container import Services
from privdesk.services.officers import OfficerError
from privdesk.services.session import begin_session
from privdesk.services.settings import SettingsService
from privdesk.store import vault
from privdesk.store.engine import Store
from privdesk.store.errors import StoreError

ADMIN, ADMIN_PW = "Alex Morgan", "alex admin passphrase"
VIEWER, VIEWER_PW = "Jo Lewis", "jo viewer passphrase"


@pytest.fixture
def team(tmp_path: Path, policy: Policy) -> Iterator[Services]:
    store = vault.create_store(tmp_path / "team.privdesk", ADMIN, ADMIN_PW)
    services = Services.build(begin_session(store, policy))
    services.officers.add(VIEWER, "viewer", VIEWER_PW)
    yield services
    if not store.locked:
        store.close()


def officers_rows(store: Store) -> int:
    return store.table_counts(["officers"])["officers"]


def test_demo_data_needs_a_role_and_writes_nothing_when_refused(
        team: Services, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    path = team.ctx.store.path
    team.close()
    monkeypatch.setenv("PRIVDESK_USER", VIEWER)
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", VIEWER_PW)
    assert main(["demo-data", "--store", str(path), "--contacts", "5"]) == 1
    err = capsys.readouterr().err
    assert "Your role (viewer)" in err and "could not be read or written" not in err
    monkeypatch.setenv("PRIVDESK_USER", ADMIN)
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", ADMIN_PW)
    with vault.open_store(path, ADMIN, ADMIN_PW) as s:
        assert officers_rows(s) == 2 and s.table_counts(["contacts"])["contacts"] == 0
    assert main(["demo-data", "--store", str(path), "--contacts", "5"]) == 0
    with vault.open_store(path, ADMIN, ADMIN_PW) as s:
        rows = officers_rows(s)
    assert main(["demo-data", "--store", str(path), "--contacts", "5"]) == 1
    assert "empty store only" in capsys.readouterr().err
    with vault.open_store(path, ADMIN, ADMIN_PW) as s:
        assert officers_rows(s) == rows  # nothing inserted before the refusal


def test_an_interrupted_key_rotation_is_in_the_trail(team: Services,
                                                     monkeypatch: pytest.MonkeyPatch,
                                                     policy: Policy) -> None:
    store = team.ctx.store

    def killed(_key: object) -> None:
        raise KeyboardInterrupt  # as a kill or power cut mid-rekey would stop it

    monkeypatch.setattr(store, "rekey", killed)
    with pytest.raises(KeyboardInterrupt):
        team.officers.rotate_key()
    store.close()
    monkeypatch.undo()
    services = Services.build(begin_session(vault.open_store(store.path, ADMIN, ADMIN_PW),
                                            policy))
    rotations = [(e.outcome, e.detail) for e in services.audit.events()
                 if e.action == "store.rotate_key"]
    assert rotations == [("started", "started")]
    assert services.audit.verify().ok
    services.close()


def test_csv_exports_are_private_and_leave_nothing_behind(team: Services, tmp_path: Path) -> None:
    out = tmp_path / "contacts.csv"
    ContactService(team.ctx, SettingsService(team.ctx)).export_csv(out)
    assert out.stat().st_mode & 0o777 == 0o600
    log = tmp_path / "requests.csv"
    team.requests.export_log(log)
    assert log.stat().st_mode & 0o777 == 0o600
    blocked = tmp_path / "a folder.csv"
    blocked.mkdir()  # the final rename fails: a folder is in the way
    with pytest.raises(OSError):
        team.contacts.export_csv(blocked)
    with pytest.raises(OSError):
        team.requests.export_log(blocked)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([
        "a folder.csv", "contacts.csv", "requests.csv", "team.privdesk", "team.privdesk.keys",
        "team.privdesk.keys.lock", "team.privdesk-shm", "team.privdesk-wal"])


@pytest.mark.parametrize("name", ["Ale\u0445", "\u0391lex Morgan", "Alex Mоrgan", "Pаul"])
def test_names_mixing_scripts_are_refused(team: Services, name: str) -> None:
    with pytest.raises((StoreError, OfficerError), match="one script"):
        team.officers.add(name, "officer", "a strong officer passphrase")


@pytest.mark.parametrize("name", ["Zoë O'Brien", "山田 はな", "Ørsted-Jensen", "Дмитрий Петров",
                                  "José María", "김 민준"])
def test_names_in_one_script_are_accepted(team: Services, name: str) -> None:
    assert team.officers.add(name, "viewer", "a strong officer passphrase").name == name


def test_two_processes_changing_the_key_file_lose_nothing(team: Services, policy: Policy) -> None:
    """An admin adds an officer while another session's unlock rewrites the key file (it
    does at every unlock): under the key file's lock neither change is lost, and the
    store does not then refuse its own key file as older than itself."""
    import threading

    path = team.ctx.store.path
    errors: list[BaseException] = []

    def unlock_many() -> None:
        try:
            for _ in range(6):  # the key-file write every unlock makes (its last-unlock time)
                other = vault.open_store(path, VIEWER, VIEWER_PW)
                other.keyring.take_failed()
                other.close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    worker = threading.Thread(target=unlock_many)
    worker.start()
    for i in range(4):
        team.officers.add(f"Officer Number {'ABCD'[i]}", "officer", "a strong officer passphrase")
    worker.join()
    assert errors == []
    names = {r.name for r in team.officers.list() if r.has_slot}
    assert {f"Officer Number {c}" for c in "ABCD"} <= names
    again = begin_session(vault.open_store(path, "Officer Number D",
                                           "a strong officer passphrase"), policy)
    assert again.actor.role == "officer"
    again.store.close()
