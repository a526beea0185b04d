"""The CLI as a script would use it: real processes' entry point, real files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privdesk.cli import main

PW = "cli test passphrase"


@pytest.fixture
def pw_file(tmp_path: Path) -> Path:
    f = tmp_path / "pw.txt"
    f.write_text(PW + "\n")
    return f


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_then_check_json(tmp_path: Path, pw_file: Path, capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "s.privdesk"
    code, _, _ = run(capsys, "init", "--store", str(store), "--passphrase-file", str(pw_file))
    assert code == 0 and store.exists()
    code, out, _ = run(capsys, "check", "--store", str(store), "--passphrase-file", str(pw_file),
                       "--json")
    report = json.loads(out)
    assert code == 0
    assert report["ok"] is True and report["integrity"] == "ok"
    assert report["cipher_version"].startswith("4.")
    assert report["counts"]["contacts"] == 0 and "requests" in report["counts"]


def test_wrong_passphrase_exits_3(tmp_path: Path, pw_file: Path, capsys: pytest.CaptureFixture[str],
                                  monkeypatch: pytest.MonkeyPatch) -> None:
    store = tmp_path / "s.privdesk"
    run(capsys, "init", "--store", str(store), "--passphrase-file", str(pw_file))
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", "not it")
    code, _, err = run(capsys, "check", "--store", str(store))
    assert code == 3
    assert "Wrong officer name or passphrase." in err


def test_usage_error_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "check")[0] == 2
    assert run(capsys, "no-such-command")[0] == 2


def test_no_passphrase_source_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "init", "--store", str(tmp_path / "x.privdesk"))
    assert code == 2 and "PRIVDESK_PASSPHRASE" in err


def test_demo_data_builds_a_realistic_register(tmp_path: Path, pw_file: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    store = tmp_path / "demo.privdesk"
    code, out, _ = run(capsys, "demo-data", "--store", str(store), "--passphrase-file",
                       str(pw_file), "--contacts", "500", "--json")
    counts = json.loads(out)
    assert code == 0 and counts["contacts"] == 500 and counts["requests"] == 40
    assert counts["interactions"] >= 500
    code, out, _ = run(capsys, "check", "--store", str(store), "--passphrase-file", str(pw_file),
                       "--json")
    report = json.loads(out)
    assert report["ok"] and report["counts"]["contacts"] == 500
    # Refuses to pile a second demo data set onto a store that has data.
    code, _, err = run(capsys, "demo-data", "--store", str(store), "--passphrase-file",
                       str(pw_file), "--contacts", "5")
    assert code == 1 and "empty store" in err


def test_init_refuses_a_weak_passphrase_like_the_gui(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    weak = tmp_path / "weak.txt"
    weak.write_text("abc\n")
    store = tmp_path / "s.privdesk"
    code, _, err = run(capsys, "init", "--store", str(store), "--passphrase-file", str(weak))
    assert code == 2 and "at least 10 characters" in err and not store.exists()


def test_gui_without_a_desktop_says_so_in_words(monkeypatch: pytest.MonkeyPatch,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    """Seen: `privdesk --demo` over SSH died with Qt's abort (exit 134)."""
    import subprocess
    import sys

    env = {k: v for k, v in __import__("os").environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, "-m", "privdesk", "--demo"], env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1  # not 134 (SIGABRT)
    assert "needs a desktop session" in result.stderr and "Traceback" not in result.stderr


def test_desktop_check_cases() -> None:
    from privdesk.ui.desktop_check import NO_SESSION, NO_XCB_CURSOR, desktop_problem

    def has(_name: str) -> str:
        return "lib.so"

    def lacks(_name: str) -> None:
        return None

    assert desktop_problem({}, "linux", has) == NO_SESSION
    assert desktop_problem({"QT_QPA_PLATFORM": "offscreen"}, "linux", lacks) is None
    assert desktop_problem({"DISPLAY": ":0"}, "linux", has) is None
    assert desktop_problem({"DISPLAY": ":0"}, "linux", lacks) == NO_XCB_CURSOR
    assert desktop_problem({"WAYLAND_DISPLAY": "wayland-0"}, "linux", lacks) is None
    assert desktop_problem({}, "win32", lacks) is None
