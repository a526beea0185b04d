"""Text to show: words for a count, and text from the register made safe to show in a
table cell."""

from __future__ import annotations


def plural(n: int, one: str, many: str | None = None) -> str:
    """3 -> "3 contacts", 1 -> "1 contact", 1200 -> "1,200 contacts"."""
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


# Bidi embeddings, overrides and isolates (U+202A-202E, U+2066-2069). In a name they are
# used to spoof: "Ali<U+202E>ecnarF txt.exe" displays as "AliFrance txt.exe". Right-to-left
# scripts need none of them (the bidi algorithm orders Arabic and Hebrew by itself), so
# dropping them shows the characters in the order they were typed, as the PDF pack does.
_BIDI_CONTROLS = dict.fromkeys([*range(0x202A, 0x202F), *range(0x2066, 0x206A)])


def without_bidi_controls(text: str) -> str:
    return text.translate(_BIDI_CONTROLS)


LRM = "\u200e"  # LEFT-TO-RIGHT MARK: the line is laid out left to right


def left_to_right_line(text: str) -> str:
    """A line of a list ("#1643 <name>", "• <name> (#12): held by …") that begins with
    digits or punctuation takes its direction from the first letter, so a right-to-left
    name turned the whole line right-aligned and moved the number after it. The mark keeps
    the line left to right; the name itself still reads right to left."""
    return LRM + without_bidi_controls(text)
