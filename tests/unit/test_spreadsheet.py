"""One safe CSV writer (#18): every CSV privdesk writes goes through SafeCsvWriter."""

from __future__ import annotations

import csv
import io
import re
from datetime import date, datetime
from pathlib import Path

from privdesk.domain.spreadsheet import SafeCsvWriter, safe_cell

PACKAGE = Path(__file__).resolve().parents[2] / "privdesk"
# The benchmark writes an input file for the import to read, not an export.
NOT_OUTPUTS = {"bench/io_cases.py"}


def test_every_cell_kind_is_written_the_same_way() -> None:
    out = io.StringIO(newline="")
    writer = SafeCsvWriter(out)
    writer.row(["=SUM(A1)", "-1 x", None, True, False, -5, 2.5, date(2026, 1, 2),
                datetime(2026, 1, 2, 3, 4, 5), "@who", "plain"])
    (row,) = list(csv.reader(io.StringIO(out.getvalue())))
    assert row == ["'=SUM(A1)", "'-1 x", "", "yes", "no", "-5", "2.5", "2026-01-02",
                   "2026-01-02T03:04:05", "'@who", "plain"]
    assert safe_cell("\nx") == "'\nx"


def test_no_csv_writer_outside_the_safe_one() -> None:
    raw = re.compile(r"csv\.(writer|DictWriter)\(")
    offenders = [str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.py")
                 if raw.search(p.read_text(encoding="utf-8"))]
    assert sorted(offenders) == sorted(["domain/spreadsheet.py", *NOT_OUTPUTS])
