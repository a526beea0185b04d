"""Key slots on real encrypted stores: add, remove, passwd, rotate, upgrade, crashes."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from privdesk.store import key_switch, vault
from privdesk.store import keyslots as ks
from privdesk.store.engine import Store, StoreKey
from privdesk.store.errors import StoreError, UnlockError


def make(tmp_path: Path) -> tuple[Path, Store]:
    path = tmp_path / "team.privdesk"
    store = vault.create_store(path, "Alex Morgan", "alex passphrase one")
    with store.session() as s:
        s.execute(text("INSERT INTO settings VALUES ('marker', '\"kept\"')"))
    return path, store


def marker(store: Store) -> str:
    with store.session() as s:
        return str(s.execute(text("SELECT value FROM settings WHERE key='marker'")).scalar())


def test_new_store_has_one_admin_slot_and_opens_with_the_raw_key(tmp_path: Path) -> None:
    path, store = make(tmp_path)
    store.close()
    data = json.loads(ks.sidecar_path(path).read_text())
    assert [(s["officer"], s["role"]) for s in data["slots"]] == [("Alex Morgan", "admin")]
    assert data["slots"][0]["kdf"]["type"] == "argon2id"
    assert "alex passphrase one" not in ks.sidecar_path(path).read_text()
    with pytest.raises(UnlockError):  # the passphrase is not the store key
        Store.open(path, StoreKey.passphrase("alex passphrase one"))
    again = vault.open_store(path, "  alex   MORGAN ", "alex passphrase one")
    assert marker(again) == '"kept"'
    again.close()


def test_wrong_passphrase_or_unknown_officer_is_refused_and_remembered(tmp_path: Path) -> None:
    path, store = make(tmp_path)
    store.close()
    with pytest.raises(ks.WrongPassphrase):
        vault.open_store(path, "Alex Morgan", "nope")
    with pytest.raises(ks.WrongPassphrase):
        vault.open_store(path, "Mallory <b>", "alex passphrase one")
    failed = ks.read_slot_file(ks.sidecar_path(path)).failed  # type: ignore[union-attr]
    # An unknown name is not kept: it may be a passphrase typed into the wrong field.
    assert [f.officer for f in failed] == ["Alex Morgan", vault.UNKNOWN_OFFICER]
    assert "Mallory" not in ks.sidecar_path(path).read_text()
    again = vault.open_store(path, "Alex Morgan", "alex passphrase one")
    assert [f.officer for f in again.keyring.take_failed()] == ["Alex Morgan",
                                                                vault.UNKNOWN_OFFICER]
    assert again.keyring.take_failed() == ()
    again.close()


def test_add_remove_passwd_without_anyone_else_re_entering(tmp_path: Path) -> None:
    path, store = make(tmp_path)
    store.keyring.add("Priya Shah", "officer", "priya first phrase")
    store.keyring.add("Jo Lewis", "viewer", "jo phrase")
    with pytest.raises(StoreError, match="already"):
        store.keyring.add("priya shah", "officer", "x")
    store.close()
    for who, pw in (("Priya Shah", "priya first phrase"), ("Jo Lewis", "jo phrase")):
        s = vault.open_store(path, who, pw)
        assert marker(s) == '"kept"'
        s.close()
    s = vault.open_store(path, "Priya Shah", "priya first phrase")
    s.keyring.change_passphrase("Priya Shah", "priya first phrase", "priya second phrase")
    with pytest.raises(ks.WrongPassphrase):
        s.keyring.change_passphrase("Jo Lewis", "wrong", "x")
    with pytest.raises(StoreError, match="Only an admin"):  # an officer's slot has no admin key
        s.keyring.remove("Jo Lewis")
    s.close()
    s = vault.open_store(path, "Alex Morgan", "alex passphrase one")
    s.keyring.remove("Jo Lewis")
    s.close()
    with pytest.raises(ks.WrongPassphrase):
        vault.open_store(path, "Priya Shah", "priya first phrase")
    with pytest.raises(ks.WrongPassphrase):
        vault.open_store(path, "Jo Lewis", "jo phrase")
    for who, pw in (("Priya Shah", "priya second phrase"), ("Alex Morgan", "alex passphrase one")):
        vault.open_store(path, who, pw).close()


def test_rotation_rekeys_and_everyone_keeps_their_passphrase(tmp_path: Path) -> None:
    path, store = make(tmp_path)
    store.keyring.add("Priya Shah", "officer", "priya phrase")
    old_key, _ = vault.unlock_key(path, "Priya Shah", "priya phrase")
    old_id = json.loads(ks.sidecar_path(path).read_text())["key_id"]
    new_id = store.keyring.rotate(store)
    assert new_id != old_id and marker(store) == '"kept"'
    store.close()
    with pytest.raises(UnlockError):  # the old data key no longer opens it
        Store.open(path, old_key)
    for who, pw in (("Priya Shah", "priya phrase"), ("Alex Morgan", "alex passphrase one")):
        s = vault.open_store(path, who, pw)
        assert marker(s) == '"kept"' and s.integrity_check() == []
        s.close()
    assert not ks.pending_path(path).exists()


def test_crash_before_the_rekey_keeps_the_old_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path, store = make(tmp_path)

    def boom(self: Store, key: StoreKey) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(Store, "rekey", boom)
    with pytest.raises(OSError):
        store.keyring.rotate(store)
    store.close()
    assert ks.pending_path(path).exists()
    monkeypatch.undo()
    s = vault.open_store(path, "Alex Morgan", "alex passphrase one")
    assert marker(s) == '"kept"' and not ks.pending_path(path).exists()
    s.close()


def test_crash_after_the_rekey_promotes_the_next_slot_file(tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path, store = make(tmp_path)
    before = ks.sidecar_path(path).read_bytes()

    def boom(store_path: Path) -> None:
        raise OSError("power cut")

    monkeypatch.setattr(key_switch, "promote", boom)
    with pytest.raises(OSError):
        store.keyring.rotate(store)
    store.close()
    assert ks.sidecar_path(path).read_bytes() == before  # old slots kept until promoted
    monkeypatch.undo()
    s = vault.open_store(path, "Alex Morgan", "alex passphrase one")
    assert marker(s) == '"kept"' and not ks.pending_path(path).exists()
    s.close()
    vault.open_store(path, "Alex Morgan", "alex passphrase one").close()


def test_upgrade_of_a_passphrase_store(tmp_path: Path) -> None:
    path = tmp_path / "old.privdesk"
    with Store.create(path, StoreKey.passphrase("the old shared phrase")) as old, old.session() as s:
        s.execute(text("INSERT INTO settings VALUES ('marker', '\"kept\"')"))
    with pytest.raises(UnlockError):
        vault.open_store(path, "Alex Morgan", "not the phrase")
    assert not ks.sidecar_path(path).exists()
    s = vault.open_store(path, "Alex Morgan", "the old shared phrase")
    assert s.keyring.info.upgraded and s.keyring.info.role == "admin"
    assert marker(s) == '"kept"'
    s.close()
    with pytest.raises(UnlockError):
        Store.open(path, StoreKey.passphrase("the old shared phrase"))
    again = vault.open_store(path, "Alex Morgan", "the old shared phrase")
    assert not again.keyring.info.upgraded
    again.close()


def test_a_planted_slot_is_detected(tmp_path: Path) -> None:
    path, store = make(tmp_path)
    store.close()
    data = json.loads(ks.sidecar_path(path).read_text())
    data["slots"][0]["role"] = "viewer"
    ks.sidecar_path(path).write_text(json.dumps(data))
    with pytest.raises(ks.SlotFileError, match="altered"):
        vault.open_store(path, "Alex Morgan", "alex passphrase one")


def test_slot_is_bound_to_its_officer_name(tmp_path: Path) -> None:
    path, store = make(tmp_path)
    store.close()
    data = json.loads(ks.sidecar_path(path).read_text())
    data["slots"][0]["officer"] = "Eve"
    ks.sidecar_path(path).write_text(json.dumps(data))
    with pytest.raises(ks.WrongPassphrase):  # the AES-GCM associated data no longer fits
        vault.open_store(path, "Eve", "alex passphrase one")


def test_hostile_names_are_refused(tmp_path: Path) -> None:
    path, store = make(tmp_path)
    for bad in ("", "   ", "x" * 201, "evil\u202ename", "nul\x00name", "Alex\u200bMorgan"):
        with pytest.raises(StoreError):
            store.keyring.add(bad, "officer", "pw pw pw pw")
    store.close()


def test_real_argon2_cost_is_a_few_tenths_of_a_second() -> None:
    slot = ks.make_slot("Alex", "admin", "pw", bytes(32), ks.KdfParams())
    assert (slot.kdf.memory_kib, slot.kdf.time_cost) == (131072, 3)
    start = time.perf_counter()
    assert ks.open_slot(slot, "pw") == bytes(32)
    assert 0.05 < time.perf_counter() - start < 5


@pytest.mark.parametrize("crash_at", ["rekey", "promote"])
def test_an_interrupted_upgrade_recovers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                         crash_at: str) -> None:
    path = tmp_path / "old.privdesk"
    with Store.create(path, StoreKey.passphrase("old phrase")) as old, old.session() as s:
        s.execute(text("INSERT INTO settings VALUES ('marker', '\"kept\"')"))

    def boom(*_a: object) -> None:
        raise OSError("power cut")

    if crash_at == "rekey":
        monkeypatch.setattr(Store, "rekey", boom)
    else:
        monkeypatch.setattr(key_switch, "promote", boom)
    with pytest.raises(OSError):
        vault.open_store(path, "Alex Morgan", "old phrase")
    monkeypatch.undo()
    assert ks.pending_path(path).exists() and not ks.sidecar_path(path).exists()
    s = vault.open_store(path, "Alex Morgan", "old phrase")
    assert marker(s) == '"kept"'
    s.close()
    assert ks.sidecar_path(path).exists() and not ks.pending_path(path).exists()
    vault.open_store(path, "Alex Morgan", "old phrase").close()


def test_a_missing_key_file_is_named(tmp_path: Path) -> None:
    path, store = make(tmp_path)
    store.close()
    ks.sidecar_path(path).unlink()
    with pytest.raises(UnlockError, match=r"team\.privdesk\.keys"):
        vault.open_store(path, "Alex Morgan", "alex passphrase one")
