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


FIXTURES = Path(__file__).parent.parent / "fixtures" / "imports"


def test_import_asks_for_what_the_file_needs(env: tuple[Path, Path], tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    """Issue #14: an uncertain encoding, an unknown value and an unread opt-out column
    each stop the import with a non-zero exit naming the flag that settles it."""
    store, pw = env
    common = ["--store", str(store), "--passphrase-file", str(pw)]
    tie = tmp_path / "tie.csv"  # reads as Mac Roman (Ø) or Windows-1250 (Ż) equally well
    tie.write_bytes("name,source\nAnders Ørsted,email\n".encode("mac_roman"))
    code, out = run(capsys, "contacts", "import", str(tie), *common)
    assert code != 0 and "--encoding" in out and "Nothing imported" in out
    code, out = run(capsys, "contacts", "import", str(tie), *common, "--encoding", "mac_roman")
    assert code == 0 and "Imported 1 of 1" in out

    report = str(FIXTURES / "salesforce_report.csv")
    code, out = run(capsys, "contacts", "import", report, *common)
    assert code != 0 and "--map-source" in out and "'Partner Referral'" in out
    code, out = run(capsys, "contacts", "import", report, *common,
                    "--map-source", "Partner Referral=group_affiliate",
                    "--map-source", "Trade Show=event", "--json")
    result = json.loads(out)
    assert code == 0 and result["imported"] == 3 and result["date_order"] == "dmy"
    assert {"kind": "source", "value": "Web", "key": "enquiry_form", "how": "auto",
            "rows": 1} in result["values"]
    code, out = run(capsys, "contacts", "import", report, *common, "--map-source", "Web=nowhere")
    assert code != 0

    unknown = str(FIXTURES / "unknown_opt_out.csv")
    code, out = run(capsys, "contacts", "import", unknown, *common, "--skip-invalid")
    assert code != 0 and "--ignore-column" in out
    code, out = run(capsys, "contacts", "import", unknown, *common,
                    "--map-column", "Newsletter consent withdrawn=marketing_opt_out", "--json")
    assert code == 0 and json.loads(out)["objections"] == 1

    again = run(capsys, "contacts", "import", report, *common, "--json")
    assert again[0] == 0 and json.loads(again[1])["imported"] == 0  # remembered map; skipped
    code, out = run(capsys, "contacts", "import", report, *common, "--on-existing", "new")
    # Siân objected (Email Opt Out = 1): on the suppression list, never added again.
    assert code == 0 and "Imported 2 of 3" in out and "imported as new" in out
    assert "suppression list" in out

    ambiguous = tmp_path / "dates.csv"
    ambiguous.write_text("name,source,first_contact\nAnn Lee,email,03/04/2024\n")
    code, out = run(capsys, "contacts", "import", str(ambiguous), *common)
    assert code != 0 and "--date-order" in out
    code, out = run(capsys, "contacts", "import", str(ambiguous), *common, "--date-order", "dmy")
    assert code == 0
