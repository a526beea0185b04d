"""The management report as a PDF: charts drawn with ReportLab's own graphics (so they
use the same embedded fonts as the text) with the numbers beside them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.charts.piecharts import Pie
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer, Table, TableStyle

from privdesk.domain.dates import MONTHS_SHORT
from privdesk.domain.report_figures import ReportFigures
from privdesk.policy import Policy
from privdesk.reports.blocks import grid, p
from privdesk.reports.fonts import BODY
from privdesk.reports.layout import MUTED, TEXT_W, DocMeta, RenderedPdf, Styles, make_styles, render
from privdesk.reports.text import long_date

PALETTE = [colors.HexColor(c) for c in ("#2f6f9f", "#e08a2c", "#3f9a5b", "#b8433a", "#7b5ea7",
                                        "#8c6d46", "#d46fa5", "#5f6b7a")]
ON_TIME, LATE = colors.HexColor("#3f9a5b"), colors.HexColor("#b8433a")


def _month_label(key: str) -> str:
    return f"{MONTHS_SHORT[int(key[5:]) - 1]} {key[2:4]}"  # "Nov 26", never the desktop's locale


def _pct(value: float | None) -> str:
    return f"{value * 100:.0f}%" if value is not None else "n/a"


def _beside(left: Flowable, right: Flowable, split: float = 0.55) -> Table:
    table = Table([[left, right]], colWidths=[TEXT_W * split, TEXT_W * (1 - split)])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (-1, -1), 0),
                               ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return table


def _empty(drawing: Drawing, text: str) -> Drawing:
    drawing.add(String(drawing.width / 2, drawing.height / 2, text, fontName=BODY, fontSize=9,
                       fillColor=MUTED, textAnchor="middle"))
    return drawing


def monthly_chart(f: ReportFigures, labels: Mapping[str, str]) -> Drawing:
    """Stacked bars: requests received per month, one colour per type."""
    drawing = Drawing(TEXT_W, 62 * mm)
    shown = [t for t, counts in f.received.items() if sum(counts)]
    if not shown:
        return _empty(drawing, "No requests were received in this period.")
    chart = VerticalBarChart()
    chart.x, chart.y, chart.width, chart.height = 10 * mm, 10 * mm, TEXT_W - 58 * mm, 48 * mm
    chart.data = [list(f.received[t]) for t in shown]
    chart.categoryAxis.categoryNames = [_month_label(m) for m in f.months]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = BODY
    chart.categoryAxis.labels.fontSize = 7
    chart.categoryAxis.labels.angle = 45 if len(f.months) > 8 else 0
    chart.categoryAxis.labels.boxAnchor = "ne" if len(f.months) > 8 else "n"
    chart.valueAxis.labels.fontName = BODY
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    peak = max(sum(col) for col in zip(*chart.data, strict=True))
    chart.valueAxis.valueStep = max(1, -(-peak // 5))
    chart.valueAxis.valueMax = max(chart.valueAxis.valueStep * 5, peak)
    chart.strokeColor = None
    for i in range(len(shown)):
        chart.bars[i].fillColor = PALETTE[i % len(PALETTE)]
        chart.bars[i].strokeColor = None
    drawing.add(chart)
    legend = Legend()
    legend.x, legend.y = TEXT_W - 42 * mm, 56 * mm
    legend.fontName, legend.fontSize = BODY, 7.5
    legend.alignment = "right"
    legend.columnMaximum = 8  # one column, so long type names are never cut
    legend.deltay = 11
    legend.colorNamePairs = [(PALETTE[i % len(PALETTE)], labels.get(t, t))
                             for i, t in enumerate(shown)]
    drawing.add(legend)
    return drawing


def on_time_chart(f: ReportFigures) -> Drawing:
    drawing = Drawing(70 * mm, 50 * mm)
    if not f.answered:
        return _empty(drawing, "No responses in this period.")
    pie = Pie()
    pie.x, pie.y, pie.width, pie.height = 4 * mm, 6 * mm, 38 * mm, 38 * mm
    pie.data = [f.on_time, f.late] if f.late else [f.on_time]
    pie.labels = None
    pie.slices.strokeColor = colors.white
    pie.slices[0].fillColor = ON_TIME
    if f.late:
        pie.slices[1].fillColor = LATE
    drawing.add(pie)
    legend = Legend()
    legend.x, legend.y = 46 * mm, 30 * mm
    legend.fontName, legend.fontSize = BODY, 8
    legend.colorNamePairs = [(ON_TIME, f"On time: {f.on_time}"), (LATE, f"Late: {f.late}")]
    drawing.add(legend)
    return drawing


def deletions_chart(f: ReportFigures) -> Drawing:
    drawing = Drawing(80 * mm, 44 * mm)
    pairs = sorted(f.purges_by_rule.items())
    if not pairs and not f.erasures:
        return _empty(drawing, "Nothing was deleted in this period.")
    names = [k.replace("_", " ") for k, _ in pairs] + ["erasure requests"]
    values = [v for _, v in pairs] + [f.erasures]
    chart = HorizontalBarChart()
    chart.x, chart.y, chart.width, chart.height = 30 * mm, 4 * mm, 46 * mm, 36 * mm
    chart.data = [values]
    chart.categoryAxis.categoryNames = names
    chart.categoryAxis.labels.fontName = BODY
    chart.categoryAxis.labels.fontSize = 7
    chart.valueAxis.labels.fontName = BODY
    chart.valueAxis.labels.fontSize = 7
    chart.valueAxis.valueMin = 0
    chart.valueAxis.valueStep = max(1, -(-max(values) // 4))
    chart.bars[0].fillColor = PALETTE[0]
    chart.bars[0].strokeColor = None
    chart.barLabelFormat = "%d"
    chart.barLabels.fontName = BODY
    chart.barLabels.fontSize = 7
    chart.barLabels.nudge = 6
    drawing.add(chart)
    return drawing


def _numbers(rows: Sequence[tuple[str, object]], styles: Styles) -> Table:
    return grid(("Figure", "Number"), [(k, v) for k, v in rows], (0.33, 0.12), styles)


def build_report(policy: Policy, f: ReportFigures, type_labels: Mapping[str, str],
                 prepared_by: str) -> RenderedPdf:
    styles = make_styles()
    c = policy.controller
    s: list[Flowable] = [
        Paragraph("Data protection: management report", styles.h1),
        p(f"{c.name}. Period {long_date(f.start)} to {long_date(f.end)}; figures for "
          f"\u201cnow\u201d as of {long_date(f.today)}. Prepared by {prepared_by} with privdesk "
          "from the request queue, the retention tombstones and the breach register.",
          styles.body),
        Paragraph("Requests received per month, by type", styles.h2),
        monthly_chart(f, type_labels),
    ]
    # The numbers beside the chart: one row per type, one column per month (twelve months
    # to a table, so the columns stay readable over a long period).
    types = [t for t, counts in f.received.items() if sum(counts)] or list(f.received)
    for first in range(0, len(f.months), 12):
        cols = range(first, min(first + 12, len(f.months)))
        last = first + 12 >= len(f.months)
        header = ["Type", *(_month_label(f.months[i]) for i in cols), *(["All"] if last else [])]
        body: list[list[object]] = [
            [type_labels.get(t, t), *(f.received[t][i] for i in cols),
             *([sum(f.received[t])] if last else [])] for t in types]
        body.append(["All types", *(sum(f.received[t][i] for t in f.received) for i in cols),
                     *([f.received_total] if last else [])])
        share = 0.78 / 13
        table = grid(header, body, (0.22, *([share] * (len(header) - 1))), styles)
        table.setStyle(TableStyle([("ALIGN", (1, 0), (-1, -1), "RIGHT")]))
        s.append(table)
    s += [Paragraph("Responses and deadlines", styles.h2),
          _beside(on_time_chart(f), _numbers([
              ("Answered in the period", f.answered), ("On time", f.on_time),
              ("Late", f.late), ("On-time rate", _pct(f.on_time_rate)),
              ("Median days to respond",
               f"{f.median_days:g}" if f.median_days is not None else "n/a"),
              ("Overdue now (open, past due)", f.overdue_now),
              ("Extensions decided in the period", f.extensions),
              ("Refusals in the period", f.refusals)], styles), 0.45),
          p("On time: answered on or before the due date (one calendar month, or three when "
            "extended, plus paused days, rolled to a working day). Days to respond count "
            "calendar days from receipt.", styles.small),
          Paragraph("Erasures and retention purges", styles.h2),
          _beside(deletions_chart(f), _numbers([
              ("Erasures on request", f.erasures), ("Retention purges", f.purges),
              ("Contact records deleted", f.deleted_records)], styles), 0.5),
          p("Each deletion left a tombstone (what, when, by whom, under which rule) and no "
            "personal data. Bars: contact records deleted per retention rule; erasure "
            "requests carried out.", styles.small),
          Paragraph("Personal data breaches and their 72-hour clocks", styles.h2)]
    if f.breaches:
        s.append(grid(("Breach", "Became aware", "Notify the ICO by", "Outcome", "Hours taken"),
                      [(b.reference, b.aware, b.notify_by, b.outcome,
                        f"{b.hours_taken:g}" if b.hours_taken is not None else "")
                       for b in f.breaches], (0.15, 0.25, 0.25, 0.23, 0.12), styles))
    else:
        s.append(p("No breaches became known in this period.", styles.body))
    s.append(Spacer(1, 4 * mm))
    meta = DocMeta(f"{f.start.isoformat()} to {f.end.isoformat()}", "Management report",
                   c.name, f"{c.name} · ICO registration {c.ico_registration}")
    return render(s, meta)
