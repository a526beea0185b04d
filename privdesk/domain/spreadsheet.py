"""CSV cells a spreadsheet would run as a formula (CSV injection, OWASP advice), and the
one CSV writer every privdesk export goes through.

One rule for every CSV privdesk writes: a cell starting with = + - @ or a tab, CR or LF
gets a leading apostrophe so Excel and LibreOffice show it as text. `SafeCsvWriter`
applies it to every cell, so a new export cannot forget it.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from datetime import date
from typing import TextIO

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unneutralise(value: str) -> str:
    """Undo `neutralise`, so our own exports import back as they were."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value


def safe_cell(value: object) -> str:
    """One value as CSV text: None is an empty cell, yes/no for flags, ISO dates, numbers
    as numbers (a negative amount stays a number), anything else as neutralised text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, date):  # datetime too
        return value.isoformat()
    if isinstance(value, int | float):
        return str(value)
    return neutralise(str(value))


class SafeCsvWriter:
    """`csv.writer` over `out` whose every cell goes through `safe_cell`.

    `out` is any text stream opened with newline="" (a file from services.files.atomic_text,
    or an io.StringIO)."""

    def __init__(self, out: TextIO, lineterminator: str = "\r\n") -> None:
        self._writer = csv.writer(out, lineterminator=lineterminator)

    def row(self, cells: Iterable[object]) -> None:
        self._writer.writerow([safe_cell(c) for c in cells])

    def rows(self, rows: Iterable[Iterable[object]]) -> None:
        for cells in rows:
            self.row(cells)
