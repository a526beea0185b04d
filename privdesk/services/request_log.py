"""The request log (CSV) kept for accountability: one line per request, no requester
details. Cells a spreadsheet would run as a formula are neutralised."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

from privdesk.domain.spreadsheet import neutralise
from privdesk.services.files import atomic_text
from privdesk.services.request_records import REQUEST_TYPES, STATUSES, RequestRow

LOG_COLUMNS = ("reference", "received", "type", "status", "due", "responded", "on_time",
               "officer")


def safe_cell(value: object) -> str:
    """Text a spreadsheet shows as text: a leading = + - @ tab or CR gets a quote mark
    (OWASP CSV injection advice); None is an empty cell."""
    if value is None:
        return ""
    return neutralise(str(value))


def on_time(row: RequestRow) -> str:
    if row.responded_on is not None:
        return "late" if row.late else "on time"
    if row.is_open and row.days_left is not None and row.days_left < 0:
        return "overdue"
    return "open" if row.is_open else ""


def log_lines(rows: Iterable[RequestRow]) -> list[list[str]]:
    return [[safe_cell(v) for v in (
        r.reference, r.received.isoformat(), REQUEST_TYPES.get(r.type, r.type),
        STATUSES.get(r.status, r.status), r.due.isoformat() if r.due else "",
        r.responded_on.isoformat() if r.responded_on else "", on_time(r), r.assignee)]
        for r in sorted(rows, key=lambda r: (r.received, r.reference))]


def write_log(path: Path, rows: Iterable[RequestRow]) -> int:
    """Write the whole file next to its final name, then move it into place, so a
    failure never leaves half a log."""
    lines = log_lines(rows)
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer)
    writer.writerow(LOG_COLUMNS)
    writer.writerows(lines)
    with atomic_text(Path(path), "utf-8-sig") as fh:  # private (0600), never half a file
        fh.write(buffer.getvalue())
    return len(lines)
