"""The application style sheet and icon, shipped in resources/styles and resources/icons."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from PySide6.QtCore import QLocale
from PySide6.QtGui import QFontDatabase, QIcon
from PySide6.QtWidgets import QApplication

ICON_SIZES = (16, 32, 48, 64, 128, 256, 512)
# The bundled faces that cover scripts a desktop may have no font for (Chinese, Japanese,
# Korean): the packs use them already (privdesk.reports.fonts); registered with Qt too, a
# name in those scripts reads as itself in the window instead of empty boxes.
FALLBACK_FONTS = {"Droid Sans Fallback": "DroidSansFallbackFull.ttf",
                  "NanumSquare": "NanumSquareR.ttf"}


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


def add_bundled_fonts() -> list[str]:
    """Register the bundled fallback faces with Qt, each once (a family Qt already knows,
    from the desktop or an earlier call, is not loaded again); returns the families added."""
    folder = resources.files("privdesk.resources").joinpath("fonts")
    families: list[str] = []
    for family, filename in FALLBACK_FONTS.items():
        if QFontDatabase.hasFamily(family):
            continue
        with resources.as_file(folder.joinpath(filename)) as path:
            font_id = QFontDatabase.addApplicationFont(str(path))
        if font_id >= 0:
            families += QFontDatabase.applicationFontFamilies(font_id)
    return families


def apply_style(app: QApplication) -> None:
    use_en_gb()
    add_bundled_fonts()
    styles = resources.files("privdesk.resources").joinpath("styles")
    # The arrows are SVG files beside the sheet; Qt reads url() from a real path.
    folder = Path(str(styles)).as_posix()
    qss = styles.joinpath("app.qss").read_text("utf-8").replace("@STYLES@", folder)
    app.setStyle("Fusion")
    app.setStyleSheet(qss)
    app.setWindowIcon(app_icon())
    # Lets Wayland/X11 docks match windows to packaging/privdesk.desktop and its icon.
    app.setDesktopFileName("privdesk")
