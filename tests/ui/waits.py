"""Conditions the UI tests wait on instead of the clock (#18: no fixed sleeps)."""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtGui import QImage
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtWidgets import QApplication

DARK = 96  # a grey level below this is ink (text, rules), not paper or the view's backdrop


def ink_pixels(view: QPdfView) -> int:
    """How many dark pixels the view shows now: 0 until QPdfView's renderer (which works
    asynchronously) has drawn the first page's text."""
    image = view.viewport().grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    width, height, stride = image.width(), image.height(), image.bytesPerLine()
    if width == 0 or height == 0:
        return 0
    grey = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * height)
    return int((grey.reshape(height, stride)[:, :width] < DARK).sum())


def wait_pdf_painted(qtbot: Any, view: QPdfView, timeout: int = 20000) -> None:
    qtbot.waitUntil(lambda: ink_pixels(view) > 200, timeout=timeout)


def settle() -> None:
    """Deliver what is already posted (layouts, deferred deletes) before a grab; waits on
    nothing but the event queue."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QApplication.processEvents()
