"""The page furniture shared by packs and letters: A4, styles, a header with the
reference and "Confidential", and a footer with "Page X of Y".

"Page X of Y" needs the page count before the first page is finished, so the canvas
keeps every page's state and draws the furniture when the document is saved.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas
from reportlab.platypus import BaseDocTemplate, Flowable, Frame, PageTemplate

from privdesk.reports.fonts import BODY, BOLD, register_fonts

INK = colors.HexColor("#1f2933")
MUTED = colors.HexColor("#616e7c")
RULE = colors.HexColor("#9aa5b1")
HEAD_FILL = colors.HexColor("#e4e7eb")
ZEBRA = colors.HexColor("#f5f7fa")
MARGIN_X = 20 * mm
MARGIN_TOP = 24 * mm
MARGIN_BOTTOM = 20 * mm
PAGE_W, PAGE_H = A4
TEXT_W = PAGE_W - 2 * MARGIN_X


class PageRefs:
    """Page numbers in a contents table, in one pass: `mark(key)` records the page a part
    starts on; `slot(key)` is an empty box in the table where that number is drawn when
    the document is saved (the canvas keeps every page until then anyway)."""

    def __init__(self) -> None:
        self.pages: dict[str, int] = {}
        self.slots: list[tuple[int, float, float, str]] = []  # page, right x, baseline y, key

    def mark(self, key: str) -> Flowable:
        return _Mark(self, key)

    def slot(self, key: str, width: float, size: float = 8.5) -> Flowable:
        return _Slot(self, key, width, size)


class _Mark(Flowable):  # type: ignore[misc]
    def __init__(self, refs: PageRefs, key: str) -> None:
        super().__init__()
        self.refs, self.key, self.width, self.height = refs, key, 0, 0

    def draw(self) -> None:
        self.refs.pages.setdefault(self.key, self.canv.getPageNumber())


class _Slot(Flowable):  # type: ignore[misc]
    def __init__(self, refs: PageRefs, key: str, width: float, size: float) -> None:
        super().__init__()
        self.refs, self.key, self.width, self.height, self.size = refs, key, width, size, size

    def wrap(self, avail_w: float, avail_h: float) -> tuple[float, float]:
        return min(self.width, avail_w), self.height

    def draw(self) -> None:
        x, y = self.canv.absolutePosition(self.width, 1)
        self.refs.slots.append((self.canv.getPageNumber(), x, y, self.key))


@dataclass(frozen=True)
class DocMeta:
    """What the page furniture shows; none of it is the person's personal data."""

    reference: str
    title: str
    controller: str
    footer_note: str = ""
    refs: PageRefs | None = None  # page numbers to fill in (a pack's contents)


@dataclass(frozen=True)
class RenderedPdf:
    content: bytes
    pages: int


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    small: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    bullet: ParagraphStyle


def make_styles() -> Styles:
    register_fonts()
    body = ParagraphStyle("body", fontName=BODY, fontSize=10, leading=14, textColor=INK,
                          alignment=TA_LEFT, spaceAfter=6, splitLongWords=1)
    return Styles(
        body=body,
        small=ParagraphStyle("small", parent=body, fontSize=8.5, leading=11.5, textColor=MUTED,
                             spaceAfter=2),
        cell=ParagraphStyle("cell", parent=body, fontSize=8.5, leading=11, spaceAfter=0),
        cell_head=ParagraphStyle("cellHead", parent=body, fontName=BOLD, fontSize=8.5,
                                 leading=11, spaceAfter=0),
        h1=ParagraphStyle("h1", parent=body, fontName=BOLD, fontSize=15, leading=19,
                          spaceBefore=4, spaceAfter=10, keepWithNext=1),
        h2=ParagraphStyle("h2", parent=body, fontName=BOLD, fontSize=12, leading=16,
                          spaceBefore=12, spaceAfter=6, keepWithNext=1),
        h3=ParagraphStyle("h3", parent=body, fontName=BOLD, fontSize=10, leading=14,
                          spaceBefore=8, spaceAfter=3, keepWithNext=1),
        bullet=ParagraphStyle("bullet", parent=body, leftIndent=12, bulletIndent=2,
                              spaceAfter=3),
    )


def _numbered_canvas(meta: DocMeta, counter: list[int]) -> type[canvas.Canvas]:
    class NumberedCanvas(canvas.Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:  # noqa: N802 (ReportLab's name)
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            counter.append(total)
            for state in self._pages:
                self.__dict__.update(state)
                self._furniture(total)
                super().showPage()
            super().save()

        def _furniture(self, total: int) -> None:
            self.saveState()
            top = PAGE_H - 13 * mm
            self.setFont(BOLD, 8)
            self.setFillColor(INK)
            self.drawString(MARGIN_X, top, meta.controller)
            self.setFont(BODY, 8)
            self.setFillColor(MUTED)
            self.drawRightString(PAGE_W - MARGIN_X, top,
                                 f"{meta.title}  ·  Ref. {meta.reference}  ·  CONFIDENTIAL")
            self.setStrokeColor(RULE)
            self.setLineWidth(0.5)
            self.line(MARGIN_X, top - 3 * mm, PAGE_W - MARGIN_X, top - 3 * mm)
            bottom = 11 * mm
            self.line(MARGIN_X, bottom + 4 * mm, PAGE_W - MARGIN_X, bottom + 4 * mm)
            self.drawString(MARGIN_X, bottom, meta.footer_note)
            self.drawRightString(PAGE_W - MARGIN_X, bottom,
                                 f"Page {self._pageNumber} of {total}")
            refs = meta.refs
            if refs is not None:
                self.setFont(BODY, 8.5)
                self.setFillColor(INK)
                for page, x, y, key in refs.slots:
                    if page == self._pageNumber and key in refs.pages:
                        self.drawRightString(x, y, str(refs.pages[key]))
            self.restoreState()

    return NumberedCanvas


def render(story: list[Flowable], meta: DocMeta) -> RenderedPdf:
    """Lay out the story on A4 pages in memory; nothing is written to disk."""
    make_styles()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer, pagesize=A4, leftMargin=MARGIN_X, rightMargin=MARGIN_X,
        topMargin=MARGIN_TOP, bottomMargin=MARGIN_BOTTOM,
        title=f"{meta.title} {meta.reference}", author=meta.controller,
        subject=meta.title, creator="privdesk",
    )
    frame = Frame(doc.leftMargin, doc.bottomMargin, doc.width, doc.height, id="body",
                  leftPadding=0, rightPadding=0, topPadding=0, bottomPadding=0)
    doc.addPageTemplates([PageTemplate(id="page", frames=[frame])])
    counter: list[int] = []
    doc.build(story, canvasmaker=_numbered_canvas(meta, counter))
    return RenderedPdf(buffer.getvalue(), counter[-1] if counter else 0)
