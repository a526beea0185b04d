"""Text from the register made safe to show in a table cell."""

from __future__ import annotations

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
