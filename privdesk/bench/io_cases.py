"""Benchmarks of work that writes or renders: importing a CSV through
services.contact_import, and a subject-access pack through services.packs, each beside
the same work done the plain way (csv + executemany, raw ReportLab) in the same run."""

from __future__ import annotations

import csv
import io
import multiprocessing
import os
import resource
import shutil
import sqlite3
import tempfile
from datetime import date, datetime, timedelta
from pathlib import Path
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate, Frame, PageTemplate, Paragraph, Table, TableStyle

from privdesk.bench.harness import (
    BENCH_PASSPHRASE,
    BenchData,
    BenchResult,
    derived_key,
    timed,
    timed_cpu,
)
from privdesk.domain.contact_csv import COLUMNS
from privdesk.domain.dates import short_date
from privdesk.reports.fonts import BODY, BOLD, register_fonts
from privdesk.reports.layout import (
    HEAD_FILL,
    INK,
    MARGIN_BOTTOM,
    MARGIN_TOP,
    MARGIN_X,
    MUTED,
    PAGE_H,
    PAGE_W,
    RULE,
    TEXT_W,
    ZEBRA,
)
from privdesk.services.container import Services
from privdesk.store.engine import Store, StoreKey
from privdesk.store.models import Contact, Interaction, Request, RequestContact

IMPORT_ROWS = 100_000
PACK_INTERACTIONS = 5000
PACK_REF = "SAR-BENCH-0001"


def import_csv(data: BenchData, rows: int) -> bytes:
    """A CSV of `rows` people new to the register, in our template's columns: the demo
    people's companies, places and dates (from the plain twin), with first and last
    names recombined and emails and phones of their own, so that every row goes through
    the duplicate checks against the whole register and is then imported."""
    conn = sqlite3.connect(str(data.plain))
    cur = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM contacts ORDER BY id LIMIT ?", (rows,))
    table = [list(r) for r in cur]
    conn.close()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    col = {c: i for i, c in enumerate(COLUMNS)}
    for n, row in enumerate(table):
        cells = ["" if v is None else str(v) for v in row]
        first = cells[col["name"]].split(" ")[0]
        last = str(table[(n * 31 + 7) % len(table)][col["name"]]).split(" ")[-1]
        cells[col["name"]] = f"{first} {last}"
        cells[col["email"]] = f"imported.{n}@{cells[col['email']].split('@')[-1]}"
        cells[col["phone"]] = f"+44 7400 {n % 1_000_000:06d}"
        cells[col["marketing_opt_out"]] = "yes" if row[col["marketing_opt_out"]] else "no"
        writer.writerow(cells)
    return out.getvalue().encode("utf-8")


def bench_import(data: BenchData) -> BenchResult:
    """Import a CSV with full validation (every row checked, duplicates looked up against
    the whole register) into a copy of the benchmark store, so the register is the
    benchmark's size (100k or 1M), beside csv parsing + one executemany into a plain
    SQLite table."""
    rows = IMPORT_ROWS if data.size >= IMPORT_ROWS else data.size // 10  # smoke sizes
    payload = import_csv(data, rows)
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "import.privdesk"
        shutil.copyfile(data.encrypted, copy)
        with Store.open(copy, derived_key(copy)) as store:
            services = Services.build(data.context(store))
            load = os.getloadavg()[0]
            cpu0 = _cpu_seconds()
            value, result = timed(lambda: services.contact_import.run(payload, skip_invalid=True))
            for worker in multiprocessing.active_children():  # stopped, not waited for:
                worker.join()  # joined here so that its CPU is counted below
            cpu = _cpu_seconds() - cpu0
        plain = sqlite3.connect(str(Path(tmp) / "plain.sqlite"), isolation_level=None)
        plain.execute(f"CREATE TABLE contacts (id INTEGER PRIMARY KEY, {', '.join(COLUMNS)})")

        def baseline() -> None:
            reader = csv.reader(io.StringIO(payload.decode("utf-8")))
            next(reader)
            plain.execute("BEGIN")
            plain.executemany(f"INSERT INTO contacts ({', '.join(COLUMNS)}) VALUES "
                              f"({', '.join('?' * len(COLUMNS))})", reader)
            plain.execute("COMMIT")
        base, _ = timed(baseline)
        plain.close()
    target = 10.0 * rows / IMPORT_ROWS
    return BenchResult(f"import {rows:,}-row CSV into a {data.size:,} register, full "
                       "validation + duplicate checks", round(value, 2), "s",
                       f"< {target:g} s", round(base, 2), value < target,
                       note=f"{result.imported:,} imported, {len(result.errors)} errors, "
                            f"{len(result.duplicates):,} possible duplicates; CPU {cpu:.1f} s "
                            f"(user+sys, workers included) at load average {load:.1f} on "
                            f"{os.cpu_count()} cores; baseline: csv.reader + one executemany "
                            "into a plain SQLite table without indexes or search index")


def _cpu_seconds() -> float:
    """User + system CPU of this process and its finished children (import workers)."""
    own, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _interaction_rows(n: int) -> list[tuple[str, str, str, str]]:
    kinds = ("call", "email", "meeting", "enquiry", "online_message", "event")
    start = date(2019, 1, 1)
    return [((start + timedelta(days=i // 3)).isoformat(), kinds[i % len(kinds)],
             f"Discussed order {10_000 + i}: delivery dates, pricing for {i % 40 + 1} units "
             f"and the warranty terms on the previous shipment", "Priya Shah")
            for i in range(n)]


def _seed_pack(store: Store, rows: list[tuple[str, str, str, str]]) -> None:
    now = datetime(2026, 11, 1, 9, 0)
    with store.session() as s:
        c = Contact(name="Bench Subject", email="subject@example.com", status="customer",
                    source="enquiry_form", first_contact=date(2019, 1, 1), search_text="",
                    created_at=now, updated_at=now)
        s.add(c)
        s.flush()
        s.add_all(Interaction(contact_id=c.id, kind=k, occurred_on=date.fromisoformat(d),
                              summary=summary, officer=officer)
                  for d, k, summary, officer in rows)
        r = Request(reference=PACK_REF, type="access", channel="email", status="in_progress",
                    requester_name="Bench Subject", received_on=date(2026, 11, 2),
                    created_at=now)
        s.add(r)
        s.flush()
        s.add(RequestContact(request_id=r.id, contact_id=c.id))


def _plain_reportlab(rows: list[tuple[str, str, str, str]], path: Path) -> int:
    """The honest limit: raw ReportLab drawing the same table as the pack - the same
    embedded DejaVu faces, cell style, column widths, header, zebra and rules, on the same
    page geometry with the same header and footer and "Page X of Y" (ReportLab's usual
    recipe: keep each page, stamp the furniture when the count is known) - with plain
    escaping and nothing else: no cover letter, no supplementary text, no font fallback,
    no store."""
    cell = ParagraphStyle("cell", fontName=BODY, fontSize=8.5, leading=11, textColor=INK,
                          splitLongWords=1)
    head = ParagraphStyle("head", parent=cell, fontName=BOLD)
    shown = [(short_date(date.fromisoformat(d)), k.replace("_", " ").capitalize(), s, o)
             for d, k, s, o in rows]
    data = [[Paragraph(h, head) for h in ("Date", "Kind", "Summary", "Officer")]]
    data += [[Paragraph(escape(c), cell) for c in row] for row in shown]
    table = Table(data, colWidths=[w * TEXT_W for w in (0.14, 0.14, 0.52, 0.20)],
                  repeatRows=1, splitInRow=1)
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL), ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4), ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        *[("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(2, len(data), 2)]]))
    pages: list[int] = []

    class Numbered(canvas.Canvas):  # type: ignore[misc]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            self.kept: list[dict[str, object]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self.kept.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            pages.append(len(self.kept))
            for state in self.kept:
                self.__dict__.update(state)
                top, bottom = PAGE_H - 13 * mm, 11 * mm
                self.saveState()
                self.setFont(BOLD, 8)
                self.setFillColor(INK)
                self.drawString(MARGIN_X, top, "Optex (Europe) Limited")
                self.setFont(BODY, 8)
                self.setFillColor(MUTED)
                self.drawRightString(PAGE_W - MARGIN_X, top, "Subject access response  ·  "
                                     f"Ref. {PACK_REF}  ·  CONFIDENTIAL")
                self.setStrokeColor(RULE)
                self.setLineWidth(0.5)
                self.line(MARGIN_X, top - 3 * mm, PAGE_W - MARGIN_X, top - 3 * mm)
                self.line(MARGIN_X, bottom + 4 * mm, PAGE_W - MARGIN_X, bottom + 4 * mm)
                self.drawString(MARGIN_X, bottom, "Optex (Europe) Limited · ICO registration")
                self.drawRightString(PAGE_W - MARGIN_X, bottom,
                                     f"Page {self._pageNumber} of {len(self.kept)}")
                self.restoreState()
                super().showPage()
            super().save()

    doc = BaseDocTemplate(str(path), pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
                          topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM)
    frame = Frame(MARGIN_X, MARGIN_BOTTOM, TEXT_W, doc.height, leftPadding=0, rightPadding=0,
                  topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    doc.build([table], canvasmaker=Numbered)
    return pages[-1]


def bench_pack(data: BenchData) -> BenchResult:
    """Pages per second of a pack for a subject with 5,000 interactions (services.packs,
    stored and audited), beside raw ReportLab drawing the same rows with the same fonts
    and page furniture. The fonts are loaded once per process (~0.5-0.9 s, paid by the
    first pack or letter after start); that load is done before either clock starts."""
    rows = _interaction_rows(min(PACK_INTERACTIONS, data.size // 4))  # smoke sizes
    font_load, _ = timed(register_fonts)
    with tempfile.TemporaryDirectory() as tmp:
        with Store.create(Path(tmp) / "pack.privdesk", StoreKey.passphrase(BENCH_PASSPHRASE)) as store:
            _seed_pack(store, rows)
            services = Services.build(data.context(store))
            seconds, cpu, built = timed_cpu(lambda: services.packs.build(PACK_REF))
        pages = built.document.pages or 0
        base_seconds, base_cpu, base_pages = timed_cpu(
            lambda: _plain_reportlab(rows, Path(tmp) / "plain.pdf"))
    value, base = pages / seconds, base_pages / base_seconds
    # The two clocks run one after the other, so a load swing between them moves the
    # wall ratio; their CPU times (both single-threaded work) compare steadily.
    cpu_ratio = (pages / cpu) / (base_pages / base_cpu) if cpu and base_cpu else 0.0
    return BenchResult(f"pack, {len(rows):,} interactions ({pages} pages)",
                       round(value, 1), "pages/s", ">= 0.9x raw ReportLab", round(base, 1),
                       value >= 0.9 * base,
                       note=f"{seconds:.2f} s; ReportLab, same fonts and furniture: {base_pages}"
                            f" pages in {base_seconds:.2f} s; by CPU time {cpu:.2f} s vs "
                            f"{base_cpu:.2f} s ({cpu_ratio:.2f}x); font load {font_load:.2f} s "
                            "(once per process, before both)")
