"""The window icon comes from the rendered PNG set, every size present."""

from __future__ import annotations

from privdesk.ui.style import ICON_SIZES, app_icon


def test_window_icon_has_every_size(qapp: object) -> None:
    icon = app_icon()
    assert not icon.isNull()
    assert sorted(s.width() for s in icon.availableSizes()) == list(ICON_SIZES)


def test_apply_style_sets_the_window_icon(qapp: object) -> None:
    # tests/ui/conftest.py applies the style to qapp before every UI test.
    assert not qapp.windowIcon().isNull()  # type: ignore[attr-defined]
    assert qapp.desktopFileName() == "privdesk"  # type: ignore[attr-defined]
