"""The application style sheet and icon, shipped in resources/styles and resources/icons."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)


def app_icon() -> QIcon:
    """Every rendered PNG size, so title bars and docks never scale a large one down."""
    icons = resources.files("privdesk.resources").joinpath("icons")
    icon = QIcon()
    for size in ICON_SIZES:
        icon.addFile(str(icons.joinpath(f"privdesk-{size}.png")))
    return icon


def use_en_gb() -> None:
    """Date edits and calendars read en-GB (Mon 2 Mar 2026) whatever the desktop's language,
    matching the letters and packs (privdesk.domain.dates)."""
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))


def apply_style(app: QApplication) -> None:
    use_en_gb()
    styles = resources.files("privdesk.resources").joinpath("styles")
    # The arrows are SVG files beside the sheet; Qt reads url() from a real path.
    folder = Path(str(styles)).as_posix()
    qss = styles.joinpath("app.qss").read_text("utf-8").replace("@STYLES@", folder)
    app.setStyle("Fusion")
    app.setStyleSheet(qss)
    app.setWindowIcon(app_icon())
    # Lets Wayland/X11 docks match windows to packaging/privdesk.desktop and its icon.
    app.setDesktopFileName("privdesk")
