"""Printing a PDF held in memory: QtPdf renders each page, QPrinter prints it."""

from __future__ import annotations

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRect, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QWidget


class PdfInMemory:
    """A QPdfDocument over bytes that never touch disk. Keeps the buffer alive for as
    long as the document (QtPdf reads it lazily)."""

    def __init__(self, content: bytes) -> None:
        self.data = QByteArray(content)
        self.buffer = QBuffer(self.data)
        self.buffer.open(QIODevice.OpenModeFlag.ReadOnly)
        self.document = QPdfDocument()
        self.document.load(self.buffer)

    @property
    def ok(self) -> bool:
        return self.document.status() == QPdfDocument.Status.Ready

    def close(self) -> None:
        self.document.close()
        self.buffer.close()


def print_pdf(printer: QPrinter, content: bytes) -> int:
    """Print every page, scaled to the printable area; returns the pages printed."""
    pdf = PdfInMemory(content)
    try:
        if not pdf.ok:
            raise ValueError("The document could not be read for printing.")
        painter = QPainter()
        if not painter.begin(printer):
            raise ValueError("The printer could not be started.")
        try:
            area = printer.pageLayout().paintRectPixels(printer.resolution())
            count = pdf.document.pageCount()
            for page in range(count):
                if page:
                    printer.newPage()
                size = pdf.document.pagePointSize(page)
                scale = min(area.width() / size.width(), area.height() / size.height())
                target = QSize(int(size.width() * scale), int(size.height() * scale))
                image = pdf.document.render(page, target)
                painter.drawImage(QRect(0, 0, target.width(), target.height()), image)
            return count
        finally:
            painter.end()
    finally:
        pdf.close()


def ask_and_print(parent: QWidget, content: bytes) -> int:
    """The system print dialog, then print; 0 if the officer cancelled."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    dialog = QPrintDialog(printer, parent)
    if dialog.exec() != QPrintDialog.DialogCode.Accepted:
        return 0
    return print_pdf(printer, content)
