"""M3, M4: the passphrase rule on the command line; a malformed key file is a clear
exit 3, never a traceback or a hang; failed-unlock records are bounded, checked, and
recorded as data."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from privdesk.cli import main
from privdesk.policy import Policy
from privdesk.services.session import FAILED_UNLOCK, begin_session
from privdesk.store import keyslots as ks
from privdesk.store import vault
from privdesk.store.models import AuditEvent

ADMIN, ADMIN_PW = "Alex Morgan", "alex admin passphrase"


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "team.privdesk"
    monkeypatch.setenv("PRIVDESK_USER", ADMIN)
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", ADMIN_PW)
    assert main(["init", "--store", str(path)]) == 0
    return path


@pytest.mark.parametrize("weak", ["a", "x", " ", "          ", "Password123!", "aaaaaaaaaaaa",
                                  "alexmorgan1"])
def test_init_refuses_a_weak_passphrase(tmp_path: Path, weak: str, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("PRIVDESK_USER", ADMIN)
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", weak)
    path = tmp_path / "weak.privdesk"
    assert main(["init", "--store", str(path)]) == 2
    assert "passphrase" in capsys.readouterr().err
    assert not path.exists() and not ks.sidecar_path(path).exists()


def test_officers_add_and_passwd_refuse_a_weak_passphrase(store: Path, tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    weak = tmp_path / "weak.txt"
    for text in ("x", " "):
        weak.write_text(text + "\n", encoding="utf-8")
        before = ks.sidecar_path(store).read_bytes()
        assert main(["officers", "add", "Priya Shah", "--store", str(store),
                     "--new-passphrase-file", str(weak)]) == 1
        assert main(["officers", "passwd", "--store", str(store),
                     "--new-passphrase-file", str(weak)]) == 1
        assert "passphrase" in capsys.readouterr().err
        slots = ks.read_slot_file(ks.sidecar_path(store))
        assert slots is not None and [s.officer for s in slots.slots] == [ADMIN]
        assert json.loads(ks.sidecar_path(store).read_bytes())["slots"] == \
            json.loads(before)["slots"]


def _slot(d: dict[str, Any]) -> dict[str, Any]:
    return d["slots"][0]  # type: ignore[no-any-return]


def _set(path: list[str], value: object) -> Callable[[dict[str, Any]], object]:
    def change(d: dict[str, Any]) -> object:
        target: Any = d
        for key in path[:-1]:
            target = target[int(key)] if isinstance(target, list) else target[key]
        target[path[-1]] = value
        return d
    return change


MALFORMED: dict[str, Callable[[dict[str, Any]], object]] = {
    "null": lambda d: None,
    "a list": lambda d: [],
    "a string kdf": _set(["slots", "0", "kdf"], "argon2id"),
    "short salt": _set(["slots", "0", "salt"], "AAAA"),
    "time_cost 2^31": _set(["slots", "0", "kdf", "time_cost"], 2**31),
    "memory 1 TiB": _set(["slots", "0", "kdf", "memory_kib"], 2**30),
    "parallelism 0": _set(["slots", "0", "kdf", "parallelism"], 0),
    "zero-length public key": _set(["slots", "0", "public_key"], ""),
    "zero-length sealed key": _set(["slots", "0", "sealed_key"], ""),
    "wrapped key of one byte": _set(["slots", "0", "wrapped_private"], "AA=="),
    "slots not a list": _set(["slots"], {"a": 1}),
    "format as text": _set(["format"], "2"),
    "a boolean cost": _set(["slots", "0", "kdf", "time_cost"], True),
    "deep nesting in a field": _set(["roster", "members"], [[[[[[[[[[[[]]]]]]]]]]]]),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_a_malformed_key_file_is_a_clear_exit_3(store: Path, name: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    sidecar = ks.sidecar_path(store)
    data = json.loads(sidecar.read_bytes())
    sidecar.write_text(json.dumps(MALFORMED[name](data)), encoding="utf-8")
    capsys.readouterr()
    started = time.monotonic()
    assert main(["check", "--store", str(store)]) == 3
    err = capsys.readouterr().err
    assert time.monotonic() - started < 10
    assert "key file" in err and "Traceback" not in err


@pytest.mark.parametrize("raw", [b"[" * 200_000, b"\xff\xfe not utf-8", b"",
                                 b'{"format": 2' + b" " * (2 * 1024 * 1024) + b"}"])
def test_key_file_bytes_that_are_not_json_are_a_clear_exit_3(
        store: Path, raw: bytes, capsys: pytest.CaptureFixture[str]) -> None:
    ks.sidecar_path(store).write_bytes(raw)
    assert main(["check", "--store", str(store)]) == 3
    err = capsys.readouterr().err
    assert "key file" in err and "Traceback" not in err


def test_forged_failed_unlocks_are_bounded_checked_and_shown_as_data(store: Path,
                                                                     policy: Policy) -> None:
    sidecar = ks.sidecar_path(store)
    for name in ("Alex Morgan", "Nobody Here"):
        with pytest.raises(ks.WrongPassphrase):
            vault.open_store(store, name, "wrong passphrase")
    data = json.loads(sidecar.read_bytes())
    # Forged records: thousands dated long ago, and two dated now with hostile names (no
    # key protects this list, so a record dated since the last unlock cannot be told
    # from a real one: it is kept, as quoted data).
    forged = [{"officer": f"Ghost {i}", "at": "2001-01-01T00:00:00+00:00"} for i in range(4000)]
    hostile = [{"officer": name, "at": ks.now_iso()}
               for name in ("\u202eevil", '=HYPERLINK("http://x")')]
    data["failed_unlocks"] = forged + data["failed_unlocks"] + hostile
    sidecar.write_text(json.dumps(data), encoding="utf-8")
    started = time.monotonic()
    ctx = begin_session(vault.open_store(store, ADMIN, ADMIN_PW), policy)
    assert time.monotonic() - started < 10
    with ctx.store.session() as s:
        failed = s.execute(select(AuditEvent.officer, AuditEvent.detail).where(
            AuditEvent.outcome == "failed", AuditEvent.action == "store.unlock")).all()
    ctx.store.close()
    assert {officer for officer, _ in failed} == {FAILED_UNLOCK}
    details = [d for _, d in failed]
    assert len(details) == 5  # two real attempts, two forged now, one line for the rest
    assert "name typed: '\\u202eevil'" in " ".join(details)
    assert not any(d.startswith("=") for d in details)
    assert all("\u202e" not in d for d in details)
    assert any("not genuine" in d for d in details)
