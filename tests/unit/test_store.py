"""The encrypted store on real SQLCipher files."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
import sqlcipher3
from alembic import command
from sqlalchemy import text

from privdesk.store.engine import (
    PLAIN_SQLITE_HEADER,
    Store,
    StoreKey,
    _migrations_config,
    head_revision,
)
from privdesk.store.errors import NotEncryptedError, StoreExistsError, StoreMissingError, UnlockError
from tests.conftest import PASSPHRASE


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_create_makes_an_encrypted_migrated_store(store: Store, store_path: Path) -> None:
    assert store.cipher_version().startswith("4.")
    assert store_path.read_bytes()[:16] != PLAIN_SQLITE_HEADER
    assert store.schema_revision() == head_revision()
    assert store.integrity_check() == []
    with store.engine.connect() as c:
        pragmas = {p: c.exec_driver_sql(f"PRAGMA {p}").scalar()
                   for p in ("journal_mode", "foreign_keys", "synchronous", "temp_store",
                             "secure_delete")}
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "synchronous": 2,
                       "temp_store": 2, "secure_delete": 1}


def test_reopen_with_the_right_passphrase(store: Store, store_path: Path) -> None:
    with store.session() as s:
        s.execute(text("INSERT INTO settings VALUES ('k', 'v')"))
    store.close()
    with Store.open(store_path, StoreKey.passphrase(PASSPHRASE)) as again, again.session() as s:
        assert s.execute(text("SELECT value FROM settings WHERE key='k'")).scalar() == "v"


def test_create_refuses_to_overwrite(store: Store, store_path: Path) -> None:
    with pytest.raises(StoreExistsError):
        Store.create(store_path, StoreKey.passphrase("another one entirely"))


def test_open_missing_file(tmp_path: Path) -> None:
    with pytest.raises(StoreMissingError):
        Store.open(tmp_path / "nope.privdesk", StoreKey.passphrase(PASSPHRASE))


def test_wrong_passphrase_is_refused_and_file_untouched(store: Store, store_path: Path) -> None:
    store.checkpoint()
    store.close()
    before = sha(store_path)
    for attempt in ("wrong", PASSPHRASE + " ", PASSPHRASE.upper()):
        with pytest.raises(UnlockError) as err:
            Store.open(store_path, StoreKey.passphrase(attempt))
        assert str(err.value) == "Wrong passphrase, or the file is damaged."
    assert sha(store_path) == before


@pytest.mark.parametrize("offset", [0, 16, 100, 4096 + 50])
def test_damaged_file_gives_the_same_clear_message(store: Store, store_path: Path,
                                                   offset: int) -> None:
    store.checkpoint()
    store.close()
    data = bytearray(store_path.read_bytes())
    data[offset] ^= 0xFF
    store_path.write_bytes(bytes(data))
    before = sha(store_path)
    with pytest.raises(UnlockError, match="Wrong passphrase, or the file is damaged"):
        with Store.open(store_path, StoreKey.passphrase(PASSPHRASE)) as s:
            # A flipped byte in an interior page passes the key check; reading it must
            # still fail loudly (page HMAC), never return wrong data.
            if s.integrity_check():
                raise UnlockError("integrity")
    assert sha(store_path) == before


def test_truncated_and_garbage_files(tmp_path: Path) -> None:
    junk = tmp_path / "junk.privdesk"
    junk.write_bytes(b"\x00" * 10)
    with pytest.raises(UnlockError):
        Store.open(junk, StoreKey.passphrase(PASSPHRASE))
    junk.write_bytes(b"hello, this is not a database at all" * 200)
    with pytest.raises(UnlockError):
        Store.open(junk, StoreKey.passphrase(PASSPHRASE))


def test_plain_sqlite_file_is_refused(tmp_path: Path) -> None:
    plain = tmp_path / "plain.privdesk"
    conn = sqlcipher3.connect(str(plain))
    conn.execute("CREATE TABLE t(x)")
    conn.commit()
    conn.close()
    with pytest.raises(NotEncryptedError):
        Store.open(plain, StoreKey.passphrase(PASSPHRASE))


def test_rekey_changes_the_passphrase(store: Store, store_path: Path) -> None:
    with store.session() as s:
        s.execute(text("INSERT INTO settings VALUES ('kept', 'yes')"))
    store.rekey(StoreKey.passphrase("a brand new passphrase"))
    with store.session() as s:  # the open store keeps working under the new key
        assert s.execute(text("SELECT value FROM settings WHERE key='kept'")).scalar() == "yes"
    store.close()
    with pytest.raises(UnlockError):
        Store.open(store_path, StoreKey.passphrase(PASSPHRASE))
    with Store.open(store_path, StoreKey.passphrase("a brand new passphrase")) as s2:
        assert s2.integrity_check() == []


def test_raw_key_store(tmp_path: Path) -> None:
    key = bytes(range(32))
    path = tmp_path / "raw.privdesk"
    Store.create(path, StoreKey.raw(key)).close()
    with pytest.raises(UnlockError):
        Store.open(path, StoreKey.raw(bytes(32)))
    Store.open(path, StoreKey.raw(key)).close()


def test_awkward_passphrases_work(tmp_path: Path) -> None:
    for i, phrase in enumerate(["it's \"quoted\"", "x'00'", "'; DROP TABLE x; --", "пароль 密码 🔑"]):
        path = tmp_path / f"p{i}.privdesk"
        Store.create(path, StoreKey.passphrase(phrase)).close()
        Store.open(path, StoreKey.passphrase(phrase)).close()


def test_key_material_never_in_repr() -> None:
    assert "secret" not in repr(StoreKey.passphrase("secret"))


def test_canary_is_not_in_any_file(store: Store, store_path: Path) -> None:
    canary = "CANARY-7f3a9e-Wilhelmina-Zebedee"
    with store.session() as s:
        s.execute(text(
            "INSERT INTO contacts (name, email, status, source, created_at, updated_at, search_text)"
            " VALUES (:n, :e, 'enquirer', 'call', '2026-01-01', '2026-01-01', :n)"),
            {"n": canary, "e": f"{canary.lower()}@example.com"})
    # Check while the WAL still holds the write, and after a checkpoint.
    files = [p for p in store_path.parent.iterdir() if p.name.startswith(store_path.name)]
    assert any(p.name.endswith("-wal") for p in files)
    for phase in ("wal", "checkpointed"):
        for p in store_path.parent.iterdir():
            if p.name.startswith(store_path.name):
                blob = p.read_bytes()
                assert canary.encode() not in blob, (phase, p.name)
                assert canary.encode("utf-16-le") not in blob, (phase, p.name)
        store.checkpoint()


def test_migrations_are_idempotent_on_reopen(store: Store, store_path: Path) -> None:
    store.close()
    for _ in range(2):
        with Store.open(store_path, StoreKey.passphrase(PASSPHRASE)) as s:
            assert s.schema_revision() == head_revision()


def test_fts_index_is_kept_current_by_triggers(store: Store) -> None:
    with store.session() as s:
        s.execute(text(
            "INSERT INTO contacts (id, name, status, source, created_at, updated_at, search_text)"
            " VALUES (1, 'Zoë', 'enquirer', 'call', '2026-01-01', '2026-01-01', 'zoe quinn')"))
        assert s.execute(text("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH 'quin'")
                         ).scalar() == 1
        s.execute(text("UPDATE contacts SET search_text = 'zoe rivers' WHERE id = 1"))
        assert s.execute(text("SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH 'quin'")
                         ).scalar() == 0
        s.execute(text("DELETE FROM contacts WHERE id = 1"))
        assert s.execute(text("SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH 'rive'")
                         ).scalar() == 0


def test_open_times_each_check_and_still_runs_them_all(store: Store, store_path: Path) -> None:
    """Store.open measures its steps (for `privdesk bench`); each check still runs on
    every open: a wrong key is refused before anything is written, and a store behind
    the newest migration is brought up to it."""
    store.close()
    with Store.open(store_path, StoreKey.passphrase(PASSPHRASE)) as again:
        assert list(again.open_steps) == ["file checks", "key check (read-only)", "engine",
                                          "cipher check (pool's first connection)",
                                          "schema version check"]
        assert all(ms >= 0 for ms in again.open_steps.values())
    before = sha(store_path)
    with pytest.raises(UnlockError):
        Store.open(store_path, StoreKey.passphrase("not the passphrase"))
    assert sha(store_path) == before
    assert not store_path.with_name(store_path.name + "-shm").exists()
    with Store.open(store_path, StoreKey.passphrase(PASSPHRASE)) as again, \
            again.engine.begin() as c:
        command.downgrade(_migrations_config(c), "-1")
    with Store.open(store_path, StoreKey.passphrase(PASSPHRASE), migrate=False) as behind:
        assert behind.schema_revision() != head_revision()
    with Store.open(store_path, StoreKey.passphrase(PASSPHRASE)) as again:
        assert again.schema_revision() == head_revision()
