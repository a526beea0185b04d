"""The bundled fonts, registered with ReportLab once per process.

Helvetica (ReportLab's default) silently drops Ł, Cyrillic, CJK and Arabic, so every
pack and letter is set in DejaVu Sans, with Droid Sans Fallback (Chinese, Japanese) and
Nanum Square (Korean) for the scripts DejaVu lacks. The files live in resources/fonts with their licences.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from importlib import resources

from reportlab.lib.fonts import addMapping
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

BODY = "PrivdeskSans"
BOLD = "PrivdeskSans-Bold"
FALLBACK = "PrivdeskFallback"
KOREAN = "PrivdeskKorean"

_FILES = {
    BODY: "DejaVuSans.ttf",
    BOLD: "DejaVuSans-Bold.ttf",
    FALLBACK: "DroidSansFallbackFull.ttf",
    # Droid Sans Fallback has only 3 of the 11,172 Hangul syllables.
    KOREAN: "NanumSquareR.ttf",
}
FALLBACKS = (FALLBACK, KOREAN)  # tried in this order for what the body face lacks


@dataclass(frozen=True)
class Coverage:
    """Which code points each face has a glyph for, to pick a face per run of text."""

    body: frozenset[int]
    fallbacks: tuple[tuple[str, frozenset[int]], ...]

    def face_for(self, code: int) -> str | None:
        """None for the body face, else the first fallback face that has the glyph."""
        if code in self.body:
            return None
        return next((name for name, cover in self.fallbacks if code in cover), None)


@cache
def register_fonts() -> Coverage:
    """Register the faces (idempotent; ReportLab's registry is process-wide anyway) and
    return their coverage. Cached because loading the 4 MB CJK face takes ~0.3 s."""
    faces: dict[str, TTFont] = {}
    folder = resources.files("privdesk.resources").joinpath("fonts")
    for name, filename in _FILES.items():
        with resources.as_file(folder.joinpath(filename)) as path:
            font = TTFont(name, str(path))
        pdfmetrics.registerFont(font)
        faces[name] = font
    # <b> inside a Paragraph switches to the bold face; italics fall back to upright
    # rather than failing, since we ship no oblique.
    addMapping(BODY, 0, 0, BODY)
    addMapping(BODY, 1, 0, BOLD)
    addMapping(BODY, 0, 1, BODY)
    addMapping(BODY, 1, 1, BOLD)
    for name in FALLBACKS:
        for bold in (0, 1):
            for italic in (0, 1):
                addMapping(name, bold, italic, name)
    return Coverage(
        body=frozenset(faces[BODY].face.charToGlyph),
        fallbacks=tuple((name, frozenset(faces[name].face.charToGlyph)) for name in FALLBACKS),
    )
