"""`privdesk requests ...` as a script would run it, over a real encrypted store."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from privdesk.cli import main

PW = "cli requests passphrase"


@pytest.fixture
def store(tmp_path: Path) -> list[str]:
    pw = tmp_path / "pw.txt"
    pw.write_text(PW + "\n")
    path = tmp_path / "s.privdesk"
    assert main(["init", "--store", str(path), "--passphrase-file", str(pw)]) == 0
    return ["--store", str(path), "--passphrase-file", str(pw), "--today", "2026-11-24"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_add_show_extend_and_late_refusal(store: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    code, out, _ = run(capsys, "requests", "add", "--type", "access", "--received", "2026-10-31",
                       "--name", "Ada Lovelace", "--email", "ada@example.org", *store, "--json")
    added = json.loads(out)
    assert code == 0
    assert added["reference"] == "SAR-2026-0001" and added["status"] == "new"
    assert added["due"] == "2026-11-30"
    code, out, _ = run(capsys, "requests", "show", "SAR-2026-0001", *store, "--json")
    shown = json.loads(out)
    assert shown["due"] == "2026-11-30" and shown["days_left"] == 6 and shown["status"] == "new"
    assert shown["working_days_left"] == 4
    assert shown["working"][-1] == "Due Mon 30 Nov 2026."
    code, out, err = run(capsys, "requests", "extend", "SAR-2026-0001", "--on", "2026-11-20",
                         "--reason", "Several systems", *store, "--json")
    assert code == 0 and json.loads(out)["due"] == "2027-02-01"  # Sun 31 Jan 2027 -> Mon 1 Feb

    run(capsys, "requests", "add", "--type", "erasure", "--received", "2026-10-01", "--name", "B",
        *store)
    code, out, err = run(capsys, "requests", "extend", "DSR-2026-0002", "--on", "2026-11-03",
                         "--reason", "Complex", *store)
    assert code == 1 and out == ""
    assert "Too late to extend: the original due date was Mon 2 Nov 2026" in err


def test_id_pause_resume_and_list(store: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    capsys.readouterr()
    code, out, _ = run(capsys, "requests", "add", "--type", "portability", "--received",
                       "2026-11-02", "--name", "C", "--id-requested", "--channel", "post", *store,
                       "--json")
    assert json.loads(out) == {"reference": "DSR-2026-0001", "due": None, "status": "awaiting_id",
                               "working": json.loads(out)["working"]}
    assert run(capsys, "requests", "id-received", "DSR-2026-0001", "--on", "2026-11-04", *store)[0] == 0
    assert run(capsys, "requests", "pause", "DSR-2026-0001", "--on", "2026-11-10", *store)[0] == 0
    code, out, _ = run(capsys, "requests", "show", "DSR-2026-0001", *store, "--json")
    assert json.loads(out)["due"] is None and json.loads(out)["stopped_since"] == "2026-11-10"
    code, out, _ = run(capsys, "requests", "resume", "DSR-2026-0001", "--on", "2026-11-12", *store,
                       "--json")
    assert json.loads(out)["due"] == "2026-12-07"  # 4 Dec + 2 paused = Sun 6 Dec -> Mon 7 Dec
    run(capsys, "requests", "add", "--type", "access", "--received", "2026-10-01", "--name", "D",
        *store)
    code, out, _ = run(capsys, "requests", "list", *store, "--json")
    rows = json.loads(out)
    assert [r["reference"] for r in rows] == ["SAR-2026-0002", "DSR-2026-0001"]
    assert rows[0]["countdown"] == "22 days overdue" and rows[0]["urgency"] == "overdue"
    code, out, _ = run(capsys, "requests", "list", "--overdue", *store, "--json")
    assert [r["reference"] for r in json.loads(out)] == ["SAR-2026-0002"]
    code, out, _ = run(capsys, "requests", "list", *store)
    assert "SAR-2026-0002" in out and "overdue" in out


def test_errors_are_plain_and_non_zero(store: list[str], capsys: pytest.CaptureFixture[str],
                                       tmp_path: Path) -> None:
    capsys.readouterr()
    code, _, err = run(capsys, "requests", "show", "SAR-2026-0404", *store)
    assert code == 1 and "No request SAR-2026-0404" in err
    code, _, err = run(capsys, "requests", "add", "--type", "access", "--received", "31/01/2026",
                       "--name", "X", *store)
    assert code == 2
    code, _, err = run(capsys, "requests", "add", "--type", "access", "--received", "2026-12-01",
                       "--name", "X", *store)
    assert code == 1 and "in the future" in err
    run(capsys, "requests", "add", "--type", "access", "--received", "2026-09-01", "--name", "X", *store)
    code, _, _ = run(capsys, "requests", "respond", "SAR-2026-0001", "--on", "2026-10-02",
                     "--method", "email", *store)
    assert code == 0
    out_file = tmp_path / "log.csv"
    code, out, _ = run(capsys, "requests", "export-log", "--out", str(out_file), *store, "--json")
    assert code == 0 and json.loads(out)["rows"] == 1
    rows = list(csv.reader(out_file.open(encoding="utf-8-sig")))
    assert rows[1][6] == "late"


def test_add_with_contact_and_text_output(store: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    path, pw = store[1], store[3]
    assert main(["demo-data", "--store", path, "--passphrase-file", pw, "--contacts", "20",
                 "--json"]) == 0
    capsys.readouterr()
    code, out, _ = run(capsys, "requests", "add", "--type", "erasure", "--received", "2026-11-23",
                       "--name", "Linked Person", "--contact", "3", "--contact", "5",
                       "--channel", "web_form", *store, "--json")
    ref = json.loads(out)["reference"]
    assert code == 0 and ref.startswith("DSR-2026-")
    code, out, _ = run(capsys, "requests", "show", ref, *store, "--json")
    assert json.loads(out)["contacts"] == [3, 5] and json.loads(out)["channel"] == "web_form"
    code, out, _ = run(capsys, "requests", "show", ref, *store)
    assert code == 0 and out.startswith(f"{ref}  Erasure  New  due: Wed 23 Dec 2026")
    assert "  Due Wed 23 Dec 2026." in out and "29 calendar days, 21 working days left" in out
    code, _, err = run(capsys, "requests", "add", "--type", "access", "--received", "2026-11-23",
                       "--name", "X", "--contact", "99999", *store)
    assert code == 1 and "No contact with id 99999" in err
