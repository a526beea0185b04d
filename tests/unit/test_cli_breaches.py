"""`privdesk breaches ...` as a script would run it, over a real encrypted store."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privdesk.cli import main

PW = "cli breaches passphrase"


@pytest.fixture
def store(tmp_path: Path) -> list[str]:
    pw = tmp_path / "pw.txt"
    pw.write_text(PW + "\n")
    path = tmp_path / "s.privdesk"
    assert main(["init", "--store", str(path), "--passphrase-file", str(pw)]) == 0
    return ["--store", str(path), "--passphrase-file", str(pw)]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_list_decide_close_and_draft(store: list[str], tmp_path: Path,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    now = ["--now", "2026-10-24T15:30"]
    code, out, err = run(capsys, "breaches", "add", "--aware", "2026-10-23T09:00", "--summary",
                         "Email sent to the wrong customer list", "--data-category",
                         "basic_identifiers", "--people", "40", *store, *now, "--json")
    assert code == 0, err
    added = json.loads(out)
    assert added["reference"] == "BR-2026-0001"
    assert added["notify_ico_by"] == "2026-10-26T08:00:00+00:00"
    # Sat 14:30 UTC to Mon 08:00 UTC is 41.5 hours
    assert added["hours_left"] == 41 and added["urgency"] == "amber"
    code, out, _ = run(capsys, "breaches", "list", *store, "--now", "2026-10-26T09:00", "--json")
    listed = json.loads(out)
    assert listed[0]["clock"] == "1 h overdue" and listed[0]["urgency"] == "overdue"

    code, out, err = run(capsys, "breaches", "decide", "BR-2026-0001", "--ico", "notify",
                         "--reason", "Risk of phishing", *store, "--now", "2026-10-26T09:00")
    assert code == 1 and "reasons for the delay" in err and out == ""
    code, out, err = run(capsys, "breaches", "decide", "BR-2026-0001", "--ico", "notify",
                         "--reason", "Risk of phishing", "--delay-reason", "Weekend",
                         "--people", "not-tell", "--people-reason", "Names and emails only",
                         *store, "--now", "2026-10-26T09:00", "--json")
    assert code == 0, err
    shown = json.loads(out)
    assert shown["late"] is True and shown["notified_at"] == "2026-10-26T09:00:00+00:00"
    assert [d["outcome"] for d in shown["decisions"]] == ["notify", "not_tell"]
    assert shown["decisions"][0]["delay_reasons"] == "Weekend"

    code, _, err = run(capsys, "breaches", "letters", "BR-2026-0001", "--out",
                       str(tmp_path / "letters"), *store)
    assert code == 1 and "record that decision first" in err
    code, out, err = run(capsys, "breaches", "ico-draft", "BR-2026-0001", "--out",
                         str(tmp_path / "draft.pdf"), *store)
    assert code == 0 and (tmp_path / "draft.pdf").read_bytes().startswith(b"%PDF")
    code, out, err = run(capsys, "breaches", "close", "BR-2026-0001", "--note", "Training given",
                         *store, "--today", "2026-10-30")
    assert code == 0, err
    assert "BR-2026-0001 closed" in out
    code, out, _ = run(capsys, "breaches", "show", "BR-2026-0001", *store)
    assert "Notified late (73 h)" in out and "Weekend" in out


def test_bad_times_are_plain_errors(store: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    code, out, err = run(capsys, "breaches", "add", "--aware", "2026-03-29T01:30", "--summary",
                         "x", *store, "--now", "2026-03-30T09:00")
    assert code == 1 and "does not exist in Europe/London" in err
    code, out, err = run(capsys, "breaches", "add", "--aware", "yesterday", "--summary", "x",
                         *store)
    assert code == 2 and "not an ISO date-time" in err
    code, out, err = run(capsys, "breaches", "decide", "BR-2026-0009", "--ico", "not-notify",
                         "--reason", "x", *store)
    assert code == 1 and "No breach BR-2026-0009" in err
