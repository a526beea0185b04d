"""Hostile CSV files through `services.contact_import` and `privdesk contacts import
--json`: a clean import or a (line, field, reason) report, never a traceback, and all or
nothing: when a file is rejected the store's row count is exactly what it was."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from privdesk.cli import main
from privdesk.services.contacts_import import ImportResult
from privdesk.services.container import Services
from privdesk.services.context import ServiceContext
from privdesk.store.engine import Store
from tests.reliability.conftest import Figures
from tests.reliability.csv_corpus import FILES, million_rows, text_file

ROUND_TRIP = {"utf8", "utf8_bom", "utf16_le_bom", "utf16_le_no_bom", "utf16_be_bom",
              "utf16_be_no_bom", "windows_1252", "semicolon_dialect", "tab_dialect",
              "mac_line_endings"}

PW = "reliability csv passphrase"
TABLES = ("contacts", "contact_history", "audit_events")


def counts(store: Store) -> dict[str, int]:
    with store.read_session() as s:
        return {t: s.execute(text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}


def problems_with(result: ImportResult, before: dict[str, int], after: dict[str, int],
                  label: str) -> list[str]:
    """What is wrong with one import's outcome (empty when it is a clean import or a
    clear, complete rejection)."""
    found: list[str] = []
    for e in result.errors:
        if e.line < 1 or not e.field or not e.reason.strip():
            found.append(f"{label}: unclear error {e!r}")
    if result.committed:
        if after["contacts"] - before["contacts"] != result.imported:
            found.append(f"{label}: imported {result.imported} but the store grew by "
                         f"{after['contacts'] - before['contacts']}")
    else:
        if after["contacts"] != before["contacts"] or after["contact_history"] != \
                before["contact_history"]:
            found.append(f"{label}: rejected, yet the store changed {before} -> {after}")
        if result.total_rows and not result.errors:
            found.append(f"{label}: nothing imported and no reason given")
    return found


@pytest.mark.parametrize("name", list(FILES))
def test_hostile_csv_through_the_service(name: str, services: Services, ctx: ServiceContext,
                                          figures: Figures) -> None:
    services.contact_import.run(text_file(3).encode())  # the register is not empty
    data = FILES[name]()
    figures.trials = 2
    for skip_invalid in (False, True):
        before = counts(services.contacts._ctx.store)  # noqa: SLF001 - the same store
        # on_existing="new": the seeded rows share emails with these; the point here is
        # what arrives, not re-import matching (tested in tests/unit/test_import_formats).
        result = services.contact_import.run(data, skip_invalid=skip_invalid, on_existing="new")
        after = counts(services.contacts._ctx.store)  # noqa: SLF001
        for problem in problems_with(result, before, after, f"{name} skip={skip_invalid}"):
            figures.fail(problem)
        json.dumps(result.as_json())  # the report is always serialisable
        if name in ROUND_TRIP and not skip_invalid and not result.committed:
            figures.fail(f"{name}: a good file in a common encoding was rejected: "
                         f"{result.errors[:2]}")
        figures.extra["outcome"] = ("imported" if result.committed else
                                    f"rejected: {result.errors[0].reason[:60]}"
                                    if result.errors else "nothing to import")
    if name == "windows_1252":  # the text arrives as written, not as mojibake
        with ctx.store.read_session() as s:
            names = set(s.scalars(text("SELECT name FROM contacts")))
        if not {"Renée Müller – “quoted”", "Søren Æbelø"} <= names:
            figures.fail(f"windows-1252 names changed on the way in: {names}")
    figures.check()


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("cli-csv")
    pw, store = folder / "pw.txt", folder / "s.privdesk"
    pw.write_text(PW + "\n")
    assert main(["init", "--store", str(store), "--passphrase-file", str(pw)]) == 0
    return store, pw


def test_hostile_csv_through_the_cli(cli_store: tuple[Path, Path], tmp_path: Path,
                                     capsys: pytest.CaptureFixture[str],
                                     figures: Figures) -> None:
    store, pw = cli_store
    common = ["--store", str(store), "--passphrase-file", str(pw), "--json"]
    capsys.readouterr()
    for name, build in FILES.items():
        figures.trials += 1
        path = tmp_path / f"{name}.csv"
        path.write_bytes(build())
        code, out, err = main(["contacts", "import", str(path), *common]), *capsys.readouterr()
        if code not in (0, 1) or "Traceback" in err:
            figures.fail(f"{name}: exit {code}, {err[-300:]}")
            continue
        report = json.loads(out)
        if code == 1 and (report["committed"] or not report["errors"]):
            figures.fail(f"{name}: failed without a reason: {report}")
        for e in report["errors"]:
            if set(e) != {"line", "field", "reason"} or not e["reason"]:
                figures.fail(f"{name}: unclear error {e}")
    figures.check()


def test_a_very_long_file_is_all_or_nothing(services: Services, ctx: ServiceContext,
                                            figures: Figures) -> None:
    """One bad email on the last line of a long file (short run: 5,000 rows; long run:
    1,000,000) rejects the whole file; without it, every row is imported (short: 5,000;
    long: 100,000, as a million inserts alone take the machine over 20 minutes)."""
    rows = figures.size(5_000, 1_000_000)
    store = ctx.store
    data = b"".join(million_rows(rows, bad_line=rows + 1))
    figures.extra["rejected_rows"] = rows
    figures.extra["megabytes"] = len(data) // 1_000_000
    before = counts(store)
    started = time.monotonic()
    result = services.contact_import.run(data)
    figures.extra["reject_seconds"] = round(time.monotonic() - started, 1)
    figures.trials += 1
    if result.committed or counts(store) != before:
        figures.fail("a file with one bad row was partly imported")
    if [(e.line, e.field) for e in result.errors] != [(rows + 1, "email")]:
        figures.fail(f"expected one email error on line {rows + 1}: {result.errors[:3]}")
    del data
    rows = figures.size(5_000, 100_000)
    figures.extra["imported_rows"] = rows
    started = time.monotonic()
    result = services.contact_import.run(b"".join(million_rows(rows)))
    figures.extra["import_seconds"] = round(time.monotonic() - started, 1)
    figures.trials += 1
    if not result.committed or counts(store)["contacts"] != before["contacts"] + rows:
        figures.fail(f"a clean file of {rows} rows did not import whole: {result.errors[:3]}")
    figures.check()
