"""The management report: each figure checked against the requests that made it, over
a real encrypted store, and read back from the PDF."""

from __future__ import annotations

import statistics
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest

from privdesk.cli import main
from privdesk.domain.contact_records import ContactInput
from privdesk.services.breach_records import NewBreach
from privdesk.services.container import Services
from privdesk.services.context import ServiceContext
from privdesk.services.management_report import ReportError
from privdesk.services.request_records import NewRequest

START, END = date(2026, 1, 1), date(2026, 11, 24)


@pytest.fixture
def svc(ctx: ServiceContext) -> Services:
    ctx.now = lambda: datetime(2026, 11, 24, 12, 0)
    services = Services.build(ctx)
    r = services.requests

    def add(rtype: str, received: date) -> str:
        return r.create(NewRequest(rtype, received, "Someone")).reference

    r.respond(add("access", date(2026, 9, 1)), date(2026, 9, 20), "email")  # on time
    r.respond(add("access", date(2026, 9, 10)), date(2026, 10, 15), "email")  # late
    r.extend(add("erasure", date(2026, 10, 5)), date(2026, 10, 20), "Several systems")
    add("rectification", date(2026, 10, 1))  # due Mon 2 Nov: overdue on 24 Nov
    r.refuse(add("access", date(2026, 10, 12)), date(2026, 10, 30), "manifestly_excessive",
             "Fifth identical request this month")
    r.respond(add("access", date(2025, 6, 1)), date(2025, 6, 20), "post")  # before the period
    cid = services.contacts.create(ContactInput(name="Erased Person", status="enquirer")).id
    services.erasure.erase([cid])
    services.breaches.add(NewBreach(aware_at=datetime(2026, 10, 23, 9, 0), summary="Lost USB"))
    return services


def test_figures_match_the_requests_that_made_them(svc: Services) -> None:
    f = svc.report.figures(START, END)
    details = [svc.requests.get(row.id) for row in svc.requests.queue(include_closed=True)]
    inside = [d for d in details if START <= d.row.received <= END]
    answered = [d for d in details if d.row.responded_on and START <= d.row.responded_on <= END]
    # Recomputed from the request records...
    assert f.received_total == len(inside) == 5
    assert f.received["access"][f.months.index("2026-09")] == sum(
        1 for d in inside if d.row.type == "access" and d.row.received.month == 9) == 2
    assert f.answered == len(answered) == 3
    assert f.on_time == sum(1 for d in answered if not d.row.late) == 2
    assert f.late == sum(1 for d in answered if d.row.late) == 1
    assert f.median_days == statistics.median(
        (d.row.responded_on - d.row.received).days for d in answered if d.row.responded_on) == 19
    assert f.overdue_now == sum(1 for d in details if d.row.is_open and d.row.due
                                and d.row.due < svc.ctx.today()) == 1
    assert f.extensions == sum(1 for d in details if d.extended_on) == 1
    assert f.refusals == sum(1 for d in details if d.refusal_reason) == 1
    assert (f.erasures, f.purges, f.deleted_records) == (1, 0, 1)
    assert [b.reference for b in f.breaches] == ["BR-2026-0001"]
    assert f.breaches[0].outcome == "overdue"
    assert f.months[0] == "2026-01" and f.months[-1] == "2026-11"


def test_pdf_shows_the_figures(svc: Services, tmp_path: Path) -> None:
    out = tmp_path / "report.pdf"
    pages = svc.report.pdf(out, svc.report.figures(START, END))
    text = " ".join(subprocess.run(["pdftotext", "-raw", str(out), "-"], capture_output=True,
                                   text=True, check=True).stdout.split())
    assert pages >= 1
    for expected in ("Answered in the period 3", "On time 2", "Late 1", "On-time rate 67%",
                     "Median days to respond 19", "Overdue now (open, past due) 1",
                     "Extensions decided in the period 1", "Refusals in the period 1",
                     "Erasures on request 1", "BR-2026-0001", "Mon 26 Oct 2026 08:00 GMT",
                     "All types 0 0 0 0 0 0 0 0 2 3 0 5"):
        assert expected in text


def test_bad_period_is_refused(svc: Services, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="starts .* after it ends"):
        svc.report.figures(date(2026, 5, 1), date(2026, 4, 1))


def test_cli_report_and_ropa(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pw = tmp_path / "pw.txt"
    pw.write_text("cli report passphrase\n")
    store = ["--store", str(tmp_path / "s.privdesk"), "--passphrase-file", str(pw)]
    assert main(["init", *store]) == 0
    capsys.readouterr()
    assert main(["report", "--out", str(tmp_path / "r.pdf"), "--from", "2026-01-01", "--to",
                 "2026-06-30", *store, "--json"]) == 0
    assert '"received_total": 0' in capsys.readouterr().out
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    assert main(["report", "--out", str(tmp_path / "x.pdf"), "--from", "2026-07-01", "--to",
                 "2026-06-30", *store]) == 1
    assert "after it ends" in capsys.readouterr().err
    assert main(["ropa", "--out", str(tmp_path / "ropa.csv"), *store]) == 0
    assert main(["ropa", "--out", str(tmp_path / "ropa.txt"), *store]) == 2
    assert "should end in .pdf or .csv" in capsys.readouterr().err
