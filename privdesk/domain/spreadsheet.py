"""CSV cells a spreadsheet would run as a formula (CSV injection, OWASP advice).

One rule for every CSV privdesk writes: a cell starting with = + - @ or a tab, CR or LF
gets a leading apostrophe so Excel and LibreOffice show it as text.
"""

from __future__ import annotations

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula gets a leading apostrophe."""
    return "'" + value if value.startswith(FORMULA_START) else value


def unneutralise(value: str) -> str:
    """Undo `neutralise`, so our own exports import back as they were."""
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(FORMULA_START):
        return value[1:]
    return value
