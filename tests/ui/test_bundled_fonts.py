"""Names in Chinese, Japanese or Korean read as themselves in the window, not as empty boxes,
even on a desktop with no font for those scripts (the QA walk found '□ □□' for a Korean name
in the purge review on a machine with DejaVu only)."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QFontDatabase, QImage
from PySide6.QtWidgets import QLabel

from privdesk.ui.style import FALLBACK_FONTS, add_bundled_fonts

MISSING = "\U000f0000"  # a private-use character no font draws: Qt shows its empty box


def _drawn(qtbot: Any, text: str) -> QImage:
    label = QLabel(text)
    qtbot.addWidget(label)
    label.resize(60, 40)
    return label.grab().toImage()


def test_cjk_and_hangul_names_are_drawn_not_boxes(qtbot: Any) -> None:
    add_bundled_fonts()  # the style does it at start-up; again is a no-op
    for family in FALLBACK_FONTS:
        assert QFontDatabase.hasFamily(family), family
    box = _drawn(qtbot, MISSING)
    for name in ("김", "王", "山"):
        assert _drawn(qtbot, name) != box, f"{name!r} is drawn as an empty box"


def test_fonts_are_registered_once(qtbot: Any) -> None:
    add_bundled_fonts()
    assert add_bundled_fonts() == []
