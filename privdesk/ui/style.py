"""The application style sheet, shipped in resources/styles."""

from __future__ import annotations

from importlib import resources

from PySide6.QtWidgets import QApplication


def apply_style(app: QApplication) -> None:
    qss = resources.files("privdesk.resources").joinpath("styles/app.qss").read_text("utf-8")
    app.setStyle("Fusion")
    app.setStyleSheet(qss)
