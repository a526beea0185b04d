"""A one-page "self-test pack": proves ReportLab, its fonts and platypus work in a build.

`privdesk --self-test` builds this instead of a real subject-access pack so that the
self-test needs no request in the store; it exercises the same machinery (platypus
flowables, a table, escaping of stored text) and names the policy's controller, as a
real pack's cover does.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import datetime
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from privdesk.domain.dates import short_date

NAVY = colors.HexColor("#17324d")
LIGHT_BLUE = colors.HexColor("#7fb3e6")


def build_selftest_pack(controller: str, rows: Sequence[tuple[str, str]],
                        generated: datetime, version: str) -> bytes:
    """One A4 page: who the controller is, and the (label, value) rows read back from the
    test store. Every stored value is escaped: a Paragraph parses markup."""
    styles = getSampleStyleSheet()
    title = ParagraphStyle("title", parent=styles["Title"], textColor=NAVY, alignment=0)
    body = styles["BodyText"]
    cell = ParagraphStyle("cell", parent=body, fontSize=9, leading=11)
    table = Table(
        [[Paragraph(escape(label), cell), Paragraph(escape(value), cell)] for label, value in rows],
        colWidths=[45 * mm, 115 * mm],
    )
    table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (0, -1), colors.HexColor("#eef4fb")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, LIGHT_BLUE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]))
    story = [
        Paragraph("privdesk self-test pack", title),
        Paragraph(f"Data controller: <b>{escape(controller)}</b>", body),
        Paragraph(
            f"Built by privdesk {escape(version)} on {short_date(generated)} at {generated:%H:%M} UTC "
            "to check "
            "that this installation can write, read and report on an encrypted store. "
            "It contains test data only.", body),
        Spacer(1, 6 * mm),
        table,
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title="privdesk self-test pack",
                            author="privdesk", leftMargin=20 * mm, rightMargin=20 * mm,
                            topMargin=20 * mm, bottomMargin=20 * mm)
    doc.build(story)
    return buffer.getvalue()
