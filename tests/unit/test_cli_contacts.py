"""privdesk contacts import / search / export, as a script would run them."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privdesk.cli import main

PW = "cli test passphrase"
HEADER = ("name,email,phone,company,location,status,source,first_contact,customer_since,"
          "ceased,last_activity,marketing_opt_out,notes\n")
GOOD = ("Zoë Adams,zoe@adams.example,+44 7911 123456,Adams & Co,Leeds,enquirer,email,"
        "2026-02-01,,,,no,\n")
BAD = "Bad Row,not-an-email,,,,customer,email,2026-02-01,,,,no,\n"


@pytest.fixture
def env(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path]:
    pw = tmp_path / "pw.txt"
    pw.write_text(PW + "\n")
    store = tmp_path / "s.privdesk"
    assert main(["init", "--store", str(store), "--passphrase-file", str(pw)]) == 0
    capsys.readouterr()
    return store, pw


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = main(list(argv))
    return code, capsys.readouterr().out


def test_import_search_export(env: tuple[Path, Path], tmp_path: Path,
                              capsys: pytest.CaptureFixture[str]) -> None:
    store, pw = env
    common = ["--store", str(store), "--passphrase-file", str(pw)]
    bad_file = tmp_path / "bad.csv"
    bad_file.write_text(HEADER + GOOD + BAD, encoding="utf-8")
    code, out = run(capsys, "contacts", "import", str(bad_file), *common, "--json")
    result = json.loads(out)
    assert code != 0 and result["imported"] == 0 and result["rejected"] == 1
    assert result["errors"] == [{"line": 3, "field": "email",
                                 "reason": result["errors"][0]["reason"]}]
    assert result["duplicates"] == [] and result["suppressed"] == []
    code, out = run(capsys, "contacts", "search", "zoe", *common, "--json")
    assert code == 0 and json.loads(out) == []

    code, out = run(capsys, "contacts", "import", str(bad_file), *common, "--skip-invalid")
    assert code == 0 and "Imported 1 of 2 rows" in out and "line 3, email" in out

    code, out = run(capsys, "contacts", "search", "+44 7911 123456", *common, "--json")
    rows = json.loads(out)
    assert [r["name"] for r in rows] == ["Zoë Adams"]
    assert {"id", "name", "email", "phone", "company", "status", "retention_due"} <= set(rows[0])
    assert rows[0]["retention_due"] == "2027-02-01"

    out_file = tmp_path / "out.csv"
    code, out = run(capsys, "contacts", "export", "--out", str(out_file), *common)
    assert code == 0 and "Exported 1 contacts" in out
    text = out_file.read_text(encoding="utf-8-sig")
    assert "'+44 7911 123456" in text and "Zoë Adams" in text


def test_import_of_a_missing_file_is_a_usage_error(env: tuple[Path, Path], tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    store, pw = env
    code = main(["contacts", "import", str(tmp_path / "nope.csv"), "--store", str(store),
                 "--passphrase-file", str(pw)])
    assert code == 2 and "Cannot read" in capsys.readouterr().err


def test_search_says_when_the_list_is_cut(env: tuple[Path, Path], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    store, pw = env
    common = ["--store", str(store), "--passphrase-file", str(pw)]
    many = tmp_path / "many.csv"
    many.write_text(HEADER + "".join(
        f"Sam Example{i},sam{i}@example.com,,,,enquirer,email,2026-02-01,,,,no,\n"
        for i in range(7)), encoding="utf-8")
    assert run(capsys, "contacts", "import", str(many), *common)[0] == 0
    code, out = run(capsys, "contacts", "search", "Sam Example", *common, "--limit", "3")
    head, *rows = out.strip().splitlines()
    assert code == 0 and len(rows) == 3
    assert head.startswith("7 matches") and "showing the first 3" in head
    code, out = run(capsys, "contacts", "search", "Sam Example", *common, "--limit", "10")
    assert out.splitlines()[0] == "7 matches"  # all shown: nothing to say
