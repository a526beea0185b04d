"""The CLI over a team store: `--store postgresql://...` wherever a store path is taken."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from privdesk.cli import main

PW = "cli team passphrase"
HEADER = ("name,email,phone,company,location,status,source,first_contact,customer_since,"
          "ceased,last_activity,marketing_opt_out,notes\n")
ROW = "Zoë Adams,zoe@adams.example,+44 7911 123456,Adams & Co,Leeds,enquirer,email,2026-02-01,,,,no,\n"


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_init_import_search_check_on_a_team_server(pg_url: str, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    pw = tmp_path / "pw.txt"
    pw.write_text(PW + "\n")
    common = ["--store", pg_url, "--passphrase-file", str(pw), "--user", "Ann Admin"]
    code, out, _ = run(capsys, "init", *common)
    assert code == 0 and "Created team store" in out and "PostgreSQL" in out
    code, _, err = run(capsys, "init", *common)
    assert code != 0 and "empty database" in err

    data = tmp_path / "c.csv"
    data.write_text(HEADER + ROW, encoding="utf-8")
    code, out, err = run(capsys, "contacts", "import", str(data), *common, "--json")
    assert code == 0, err
    code, out, _ = run(capsys, "contacts", "search", "adams", *common, "--json")
    assert code == 0 and [r["name"] for r in json.loads(out)] == ["Zoë Adams"]

    code, out, _ = run(capsys, "check", *common, "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] is True and report["counts"]["contacts"] == 1

    code, _, err = run(capsys, "check", "--store", pg_url, "--passphrase-file", str(pw),
                       "--user", "Mallory")
    assert code == 3 and "Wrong officer name or passphrase" in err


def test_tcp_url_without_tls_is_refused_before_connecting(tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    pw = tmp_path / "pw.txt"
    pw.write_text(PW + "\n")
    code, _, err = run(capsys, "check", "--store",
                       "postgresql://ann@127.0.0.1:1/privdesk?sslmode=disable",
                       "--passphrase-file", str(pw))
    assert code == 3 and "without TLS" in err
