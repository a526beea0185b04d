"""Building blocks shared by packs and letters: escaped paragraphs, wrapping tables,
the letterhead with both addresses, and the sign-off."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Paragraph, Spacer, Table, TableStyle

from privdesk.policy import Controller
from privdesk.reports.layout import HEAD_FILL, INK, RULE, TEXT_W, ZEBRA, Styles
from privdesk.reports.text import long_date, markup


def p(value: object, style: ParagraphStyle) -> Paragraph:
    """A Paragraph of untrusted text: always escaped."""
    return Paragraph(markup(value), style)


def label_value(label: str, value: object, styles: Styles) -> Paragraph:
    """'Label: value' with the (trusted, fixed) label in bold and the value escaped."""
    return Paragraph(f"<b>{markup(label)}:</b> {markup(value)}", styles.body)


def bullets(items: Sequence[object], styles: Styles) -> list[Flowable]:
    return [*(Paragraph(markup(item), styles.bullet, bulletText="•") for item in items),
            Spacer(1, 4)]


def grid(header: Sequence[str], rows: Sequence[Sequence[object]], widths: Sequence[float],
         styles: Styles) -> Table:
    """A table whose every cell is an escaped Paragraph, so long values wrap; rows taller
    than a page split across pages rather than failing the build."""
    data: list[list[Flowable]] = [[p(h, styles.cell_head) for h in header]]
    # Escaped and face-picked once per distinct value: a pack repeats dates, kinds and
    # officers on every row. The memo lives only as long as this call.
    seen: dict[str, str] = {}

    def cell(value: object) -> Flowable:
        if isinstance(value, Flowable):
            return value
        if not isinstance(value, str):
            return Paragraph(markup(value), styles.cell)
        text = seen.get(value)
        if text is None:
            text = seen[value] = markup(value)
        return Paragraph(text, styles.cell)

    data += [[cell(value) for value in row] for row in rows]
    table = Table(data, colWidths=[w * TEXT_W for w in widths], repeatRows=1, splitInRow=1)
    commands: list[tuple[object, ...]] = [
        ("BACKGROUND", (0, 0), (-1, 0), HEAD_FILL),
        ("LINEBELOW", (0, 0), (-1, 0), 0.8, INK),
        ("LINEBELOW", (0, 1), (-1, -1), 0.25, RULE),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 4),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
    commands += [("BACKGROUND", (0, i), (-1, i), ZEBRA) for i in range(2, len(data), 2)]
    table.setStyle(TableStyle(commands))
    return table


def letterhead(controller: Controller, recipient_name: str, recipient_address: Sequence[str],
               issued_on: date, reference_lines: Sequence[tuple[str, str]],
               styles: Styles) -> list[Flowable]:
    """Sender block on the right, recipient on the left, then date and references."""
    right = ParagraphStyle("right", parent=styles.small, alignment=TA_RIGHT)
    sender = [Paragraph(f"<b>{markup(controller.name)}</b>", right)]
    sender += [p(line, right) for line in (controller.department, *controller.address)]
    sender += [p(controller.privacy_email, right),
               p(f"ICO registration {controller.ico_registration}", right)]
    to = [p(recipient_name, styles.body)] + [p(line, styles.small) for line in recipient_address]
    refs = [label_value(k, v, styles) for k, v in reference_lines]
    head = Table([[to, sender]], colWidths=[TEXT_W * 0.55, TEXT_W * 0.45], splitInRow=1)
    head.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"),
                              ("LEFTPADDING", (0, 0), (-1, -1), 0),
                              ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    return [head, Spacer(1, 8 * mm), p(long_date(issued_on), styles.body), Spacer(1, 2 * mm),
            *refs, Spacer(1, 4 * mm)]


def sign_off(officer: str, controller: Controller, styles: Styles) -> Flowable:
    return KeepTogether([
        Spacer(1, 4 * mm), p("Yours sincerely,", styles.body), Spacer(1, 10 * mm),
        Paragraph(f"<b>{markup(officer)}</b>", styles.body),
        p(controller.department, styles.small), p(controller.name, styles.small),
        p(controller.privacy_email, styles.small),
    ])
