"""M5: opening a damaged store writes nothing before `check` reports the damage, and a
damaged -wal is kept before SQLite can drop the frames after the damage."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text

from privdesk.cli import main
from privdesk.policy import Policy
from privdesk.services.session import begin_session
from privdesk.store import keyslots as ks
from privdesk.store import vault
from privdesk.store.wal import HEADER, wal_damage

ADMIN, ADMIN_PW = "Alex Morgan", "alex admin passphrase"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "team.privdesk"
    monkeypatch.setenv("PRIVDESK_USER", ADMIN)
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", ADMIN_PW)
    with vault.create_store(path, ADMIN, ADMIN_PW) as s, s.session() as ses:
        for i in range(40):  # ~40 pages of settings, so a late page holds data
            ses.execute(text("INSERT INTO settings VALUES (:k, :v)"),
                        {"k": f"filler{i}", "v": "x" * 3000})
    return path


@pytest.mark.parametrize("page_from_end", [1, 5, 12])
def test_check_of_a_damaged_store_writes_nothing(store: Path, page_from_end: int,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    data = bytearray(store.read_bytes())
    data[len(data) - 4096 * page_from_end + 2000] ^= 0xFF
    store.write_bytes(bytes(data))
    before = digest(store), digest(ks.sidecar_path(store))
    assert main(["check", "--store", str(store)]) == 1
    captured = capsys.readouterr()
    out = captured.out
    assert "PROBLEM" in out and "Nothing was written" in out, captured.err
    assert (digest(store), digest(ks.sidecar_path(store))) == before


def test_check_of_a_sound_store_records_the_unlock(store: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--store", str(store), "--json"]) == 0
    assert main(["audit", "list", "--store", str(store)]) == 0
    assert "store.unlock" in capsys.readouterr().out


def _snapshot_with_wal(store: Path, dest: Path) -> Path:
    """Copy the store, its -wal (several committed frames) and key file while it is open."""
    live = vault.open_store(store, ADMIN, ADMIN_PW)
    for i in range(6):
        with live.session() as s:
            s.execute(text("UPDATE settings SET value = :v WHERE key = :k"),
                      {"k": f"filler{i}", "v": f"changed {i} " * 200})
    dest.mkdir()
    copy = dest / store.name
    for suffix in ("", "-wal", ".keys"):
        shutil.copyfile(store.with_name(store.name + suffix), copy.with_name(copy.name + suffix))
    live.close()
    return copy


def test_a_damaged_wal_is_kept_before_opening(store: Path, tmp_path: Path,
                                              policy: Policy) -> None:
    copy = _snapshot_with_wal(store, tmp_path / "copy")
    wal = copy.with_name(copy.name + "-wal")
    assert wal.stat().st_size > HEADER and wal_damage(wal) == ""
    data = bytearray(wal.read_bytes())
    data[HEADER + 24 + 100] ^= 0xFF  # inside the first frame's page
    wal.write_bytes(bytes(data))
    assert "frame 1 is damaged" in wal_damage(wal)
    ctx = begin_session(vault.open_store(copy, ADMIN, ADMIN_PW), policy)
    kept = list(copy.parent.glob(f"{copy.name}-wal.damaged-*"))
    assert len(kept) == 1 and kept[0].read_bytes() == bytes(data)
    assert kept[0].stat().st_mode & 0o777 == 0o600
    assert any("write-ahead log was damaged" in w for w in ctx.warnings)
    ctx.store.close()


def test_a_torn_last_frame_is_an_ordinary_crash_not_damage(store: Path, tmp_path: Path) -> None:
    copy = _snapshot_with_wal(store, tmp_path / "copy")
    wal = copy.with_name(copy.name + "-wal")
    data = bytearray(wal.read_bytes())
    data[-10] ^= 0xFF  # the last frame, as a power cut mid-write leaves it
    wal.write_bytes(bytes(data))
    assert wal_damage(wal) == ""
