"""Turning untrusted values into safe Paragraph markup.

Every value that reaches a ReportLab Paragraph goes through `markup()`: it is escaped
(so `a</para>b` or `<img src=/etc/passwd>` are shown as typed, never interpreted), control
characters are dropped, line breaks become <br/>, and each run of characters the body
face cannot draw is wrapped in <font name=...> for a CJK fallback face.

ReportLab draws characters in logical order and does not shape Arabic or apply the
Unicode bidi algorithm, so bidi override characters cannot reorder what is printed: a
name with U+202E is printed in the order it was typed (the control itself is dropped).
"""

from __future__ import annotations

import functools
import unicodedata
from datetime import date
from xml.sax.saxutils import escape

from privdesk.domain import dates
from privdesk.reports.fonts import Coverage, register_fonts

REDACTED = "[redacted]"

# Bidi embeddings/overrides/isolates and zero-width marks: invisible, and would only
# draw as .notdef boxes. Removing them changes no visible letter.
_INVISIBLE = {0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x2060, 0xFEFF,
              *range(0x202A, 0x202F), *range(0x2066, 0x206A)}


def clean(value: object) -> str:
    """Plain text for the PDF: str(value) with control and invisible characters removed,
    tabs as spaces, and line breaks kept as \n."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\n":
            out.append(ch)
        elif code in _INVISIBLE or unicodedata.category(ch) in ("Cc", "Cs", "Co"):
            continue
        else:
            out.append(ch)
    return "".join(out)


def _face_runs(text: str, coverage: Coverage) -> list[tuple[str | None, str]]:
    """Split text into runs of one face: (fallback face or None for the body, run)."""
    runs: list[tuple[str | None, str]] = []
    for ch in text:
        # Spaces and line breaks join whatever run they are in: every face has them.
        face = runs[-1][0] if runs and ch.isspace() else coverage.face_for(ord(ch))
        if runs and runs[-1][0] == face:
            runs[-1] = (face, runs[-1][1] + ch)
        else:
            runs.append((face, ch))
    return runs


def markup(value: object) -> str:
    """Safe Paragraph markup for one untrusted value."""
    if value is None:
        return ""
    return _markup(value if isinstance(value, str) else str(value))


# Control characters in plain ASCII text: dropped, except tab (a space) and line breaks.
_ASCII_CONTROLS = {c: None for c in (*range(0x20), 0x7F)} | {0x09: " ", 0x0A: "\n",
                                                               0x0D: "\n"}


def _markup(text: str) -> str:
    """Plain ASCII, most of any register, skips the per-character face lookup: the body
    face draws every printable ASCII character. (Not cached across calls: a cache here
    would keep people's data in memory after the pack is done; blocks.grid memoises
    within one table instead.)"""
    if text.isascii() and _body_has_ascii():
        plain = text.replace("\r\n", "\n").translate(_ASCII_CONTROLS)
        return escape(plain).replace("\n", "<br/>")
    coverage = register_fonts()
    parts = []
    for face, run in _face_runs(clean(text), coverage):
        escaped = escape(run).replace("\n", "<br/>")
        parts.append(f'<font name="{face}">{escaped}</font>' if face else escaped)
    return "".join(parts)


@functools.cache
def _body_has_ascii() -> bool:
    body = register_fonts().body
    return all(code in body for code in range(0x20, 0x7F))


def long_date(value: date | None) -> str:
    """24 November 2026, the form a UK letter uses."""
    return dates.long_date(value)


def short_date(value: date | None) -> str:
    """24 Nov 2026, for table cells."""
    return dates.short_date(value)
