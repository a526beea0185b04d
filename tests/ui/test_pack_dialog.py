"""The pack preview dialog over a real store: items listed, redaction with a reason,
the PDF shown from memory, print to a PDF printer, email through a real SMTP server."""

from __future__ import annotations

import email
import io
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QTimer
from PySide6.QtPdf import QPdfDocument
from PySide6.QtPrintSupport import QPrinter
from PySide6.QtWidgets import QApplication

from privdesk.services.container import Services
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.settings import SettingsService
from privdesk.ui.areas import paperwork
from privdesk.ui.packs import open_pack_dialog
from privdesk.ui.packs.email_dialog import EmailReviewDialog
from privdesk.ui.packs.items_model import COL_STATE
from privdesk.ui.packs.preview_dialog import PackPreviewDialog
from privdesk.ui.packs.printing import print_pdf
from privdesk.ui.tasks import TaskRunner
from tests.ui.test_shell import shoot
from tests.ui.waits import settle, wait_pdf_painted
from tests.unit.pack_fixtures import REF, make_request
from tests.unit.test_mailer import Inbox, _free_port, smtp  # noqa: F401 - fixture


def _open(qtbot: Any, services: Services) -> PackPreviewDialog:
    tasks = TaskRunner()
    dialog = open_pack_dialog(None, paperwork(services), tasks, REF)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0 and dialog._pdf is not None,
                    timeout=20000)
    return dialog


def _select(dialog: PackPreviewDialog, ref: str) -> None:
    for row in range(dialog.model.rowCount()):
        item = dialog.model.item(row)
        if item is not None and item.ref == ref:
            dialog.table.selectRow(row)
            return
    raise AssertionError(ref)


def test_preview_lists_items_and_shows_the_pdf(qtbot: Any, services: Services) -> None:
    make_request(services.ctx)
    dialog = _open(qtbot, services)
    assert dialog._pdf is not None
    assert dialog._pdf.document.status() == QPdfDocument.Status.Ready
    assert dialog._pdf.document.pageCount() >= 4
    assert dialog.model.index(0, 1).data() == "Name"
    wait_pdf_painted(qtbot, dialog.view)  # QPdfView renders pages asynchronously
    shoot(dialog, "pack_preview")


def test_redaction_needs_a_reason_and_updates_the_preview(qtbot: Any,
                                                          services: Services) -> None:
    make_request(services.ctx)
    dialog = _open(qtbot, services)
    _select(dialog, "interaction:1")
    assert not dialog.redact_button.isEnabled()  # no reason yet
    dialog.reason.setText("Names another customer")
    assert dialog.redact_button.isEnabled()
    pages_before = dialog._pdf.document.pageCount() if dialog._pdf else 0
    dialog.redact_button.click()
    qtbot.waitUntil(lambda: dialog.model.withheld_count() == 1, timeout=20000)
    row = next(r for r in range(dialog.model.rowCount())
               if dialog.model.item(r).ref == "interaction:1")  # type: ignore[union-attr]
    assert dialog.model.index(row, COL_STATE).data() == "Redacted"
    assert dialog.reason.text() == ""
    qtbot.waitUntil(lambda: dialog._pdf is not None
                    and dialog._pdf.document.pageCount() > pages_before - 1, timeout=20000)
    assert services.packs.redactions(REF)[0].reason == "Names another customer"
    wait_pdf_painted(qtbot, dialog.view)
    shoot(dialog, "pack_preview_redacted")


def test_viewer_sees_disabled_actions_with_reasons(qtbot: Any, services: Services) -> None:
    make_request(services.ctx)
    ctx = services.ctx
    viewer = Services.build(ServiceContext(store=ctx.store, policy=ctx.policy,
                                           actor=Actor("Jo", "viewer"), today=ctx.today))
    dialog = open_pack_dialog(None, paperwork(viewer), TaskRunner(), REF)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog._pdf is not None, timeout=20000)  # viewers may look
    assert not dialog.save_button.isEnabled() and not dialog.email_button.isEnabled()
    assert "viewer" in dialog.save_button.toolTip()
    assert "viewer" in dialog.redact_button.toolTip()


def test_print_to_a_pdf_printer(services: Services, tmp_path: Path, qapp: Any) -> None:
    make_request(services.ctx)
    built = services.packs.build(REF)
    printer = QPrinter(QPrinter.PrinterMode.ScreenResolution)
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    out = tmp_path / "printed.pdf"
    printer.setOutputFileName(str(out))
    assert print_pdf(printer, built.content) == built.document.pages
    assert len(PdfReader(io.BytesIO(out.read_bytes())).pages) == built.document.pages


def test_email_review_then_send_to_a_real_server(qtbot: Any, services: Services,
                                                 smtp: tuple[Inbox, int]) -> None:  # noqa: F811
    inbox, port = smtp
    settings = SettingsService(services.ctx)
    for key, value in (("smtp.host", "127.0.0.1"), ("smtp.port", port),
                       ("smtp.security", "none"), ("smtp.from", "privacy@optex-europe.com")):
        settings.set(key, value)
    make_request(services.ctx)
    dialog = _open(qtbot, services)
    dialog.protect.setChecked(True)
    password = dialog.password.text()
    assert len(password) >= 20

    def review() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, EmailReviewDialog):
            QTimer.singleShot(100, review)
            return
        assert box.to.text() == "zoe@example.com"
        assert password not in box.body.toPlainText()
        shoot(box, "pack_email_review")
        box.send_button.click()

    QTimer.singleShot(100, review)
    dialog.email_button.click()
    qtbot.waitUntil(lambda: len(inbox.messages) == 1, timeout=30000)
    msg = email.message_from_bytes(inbox.messages[0][2], policy=default)
    (part,) = list(msg.iter_attachments())  # type: ignore[attr-defined]
    pdf = part.get_content()
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.is_encrypted and reader.decrypt(password)
    assert password.encode() not in inbox.messages[0][2]
    stored = services.packs.documents(REF)[-1]
    assert stored.protected and services.packs.content(stored.id) == pdf


@pytest.fixture(autouse=True)
def _settle(qtbot: Any) -> Any:
    yield
    settle()


def test_electronic_copies_saved_to_a_folder(qtbot: Any, services: Services, tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog
    make_request(services.ctx)
    dialog = _open(qtbot, services)
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    dialog.copy_button.click()
    qtbot.waitUntil(lambda: "Saved" in dialog.summary.text(), timeout=20000)
    names = sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".json", ".csv"))
    assert names == [f"{REF} personal data.csv", f"{REF} personal data.json"]


def test_letter_dialog_shows_the_built_letter(qtbot: Any, services: Services) -> None:
    from privdesk.ui.packs import DocumentDialog, open_letter_dialog
    make_request(services.ctx, rtype="erasure")
    tasks = TaskRunner()
    open_letter_dialog(None, paperwork(services), tasks, REF, "erasure_confirmation",
                       recipients=("Optex Japan",))

    def found() -> DocumentDialog | None:
        return next((w for w in QApplication.topLevelWidgets()
                     if isinstance(w, DocumentDialog) and w.isVisible()), None)

    qtbot.waitUntil(lambda: found() is not None, timeout=20000)
    dialog = found()
    assert dialog is not None
    qtbot.addWidget(dialog)
    assert dialog.built.document.kind == "letter_erasure_confirmation"
    assert dialog._pdf.document.pageCount() == 1
    wait_pdf_painted(qtbot, dialog.view)
    shoot(dialog, "letter_dialog")
