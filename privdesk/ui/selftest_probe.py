"""The Qt half of `privdesk --self-test`: does this installation's Qt actually work?

A frozen build can import PySide6 and still be broken: a platform plugin left out, QtPdf
missing, the icons not bundled. This probe starts Qt offscreen (the self-test never
shows a window, and must run on a machine with no display), then checks each of those.
"""

from __future__ import annotations

import os
import sys
from importlib import resources
from pathlib import Path

from PySide6.QtCore import QLibraryInfo, QSize
from PySide6.QtGui import QGuiApplication, QIcon
from PySide6.QtPdf import QPdfDocument
from PySide6.QtWidgets import QApplication

# The platform plugins a desktop session needs on each OS, plus offscreen (CI, self-test).
NATIVE_PLATFORM_PLUGINS = {"linux": ("xcb", "offscreen"), "win32": ("windows", "offscreen"),
                           "darwin": ("cocoa", "offscreen")}


def _platform_plugins() -> set[str]:
    folder = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    # libqxcb.so / qwindows.dll / libqcocoa.dylib -> xcb / windows / cocoa
    names = set()
    for f in folder.glob("*"):
        stem = f.name.split(".")[0]
        names.add(stem.removeprefix("lib").removeprefix("q"))
    return names


def qt_probe(pdf_path: Path) -> str:
    """Raise RuntimeError naming what is broken; return a one-line summary otherwise."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    app = QApplication.instance() or QApplication(["privdesk-self-test"])
    assert isinstance(app, QGuiApplication)  # kept referenced while the checks run
    wanted = NATIVE_PLATFORM_PLUGINS.get(sys.platform, ("offscreen",))
    present = _platform_plugins()
    missing = [name for name in wanted if name not in present]
    if missing:
        raise RuntimeError(f"Qt platform plugin(s) missing: {', '.join(missing)}")

    doc = QPdfDocument()
    error = doc.load(str(pdf_path))
    if error != QPdfDocument.Error.None_:
        raise RuntimeError(f"QtPdf could not open the pack: {error.name}")
    pages = doc.pageCount()
    image = doc.render(0, QSize(210, 297))
    doc.close()
    if pages != 1 or image.isNull():
        raise RuntimeError(f"QtPdf read {pages} page(s) and rendered nothing")

    icon_file = resources.files("privdesk.resources").joinpath("icons/privdesk.svg")
    icon = QIcon(str(icon_file))
    if icon.isNull() or icon.pixmap(64, 64).isNull():
        raise RuntimeError("the application icon could not be loaded (SVG support missing?)")
    return f"Qt {qt_version()} on '{app.platformName()}', plugins {', '.join(wanted)}, QtPdf, icon"


def qt_version() -> str:
    from PySide6 import __version__ as pyside_version

    return pyside_version
