"""An officer's path, walked through the real widgets over a real encrypted store: intake
with a postal address and notes, proof of identity asked for after intake, the
acknowledgement, a third party named in a note (then changed, so the history repeats it),
the note redacted in the pack preview, a failed send that records nothing, the email
received by a real SMTP server (aiosmtpd on 127.0.0.1) with the attachment read back by
pypdf and pdftotext, the response recorded at once, a second send that asks first, the
JSON copy searched; then purge and erasure held by an open request, and a pause refused
after the due date."""

from __future__ import annotations

import email
import json
import re
from collections.abc import Callable
from datetime import date
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QDate, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QLabel, QMessageBox

from privdesk.domain.contact_records import ContactInput
from privdesk.services.container import Services
from privdesk.store.models import Document, RequestEvent
from privdesk.ui.areas import requests_services
from privdesk.ui.contacts.editor import ContactEditorDialog
from privdesk.ui.packs import DocumentDialog, PackPreviewDialog
from privdesk.ui.packs.email_dialog import EmailReviewDialog
from privdesk.ui.requests.area import RequestsArea
from privdesk.ui.retention.area import RetentionArea
from privdesk.ui.tasks import TaskRunner
from tests.conftest import TODAY
from tests.retention_helpers import add_contact, add_request
from tests.ui.test_requests_area import Clock
from tests.ui.test_shell import shoot
from tests.ui.waits import settle
from tests.unit.test_mailer import Inbox, _free_port, smtp  # noqa: F401 - fixture
from tests.unit.test_packs_service import pdf_text, poppler_text

CANARY = "Neighbour Ottoline Quarrie of 9 Tamarisk Lane"
CALLER = "Gülşen Yıldırım of 14 Kızılay Sokak"  # a third party named in a call note
ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


class Modals:
    """Answers the modal boxes a flow opens with exec(): by type, polling on a timer."""

    def __init__(self) -> None:
        self.seen: list[str] = []
        self.handlers: dict[type, Callable[[Any], None]] = {}
        self.timer = QTimer()
        self.timer.setInterval(50)
        self.timer.timeout.connect(self._poll)
        self.timer.start()

    def _poll(self) -> None:
        box = QApplication.activeModalWidget()
        if box is None or not box.isVisible():
            return
        for kind, handle in self.handlers.items():
            if isinstance(box, kind):
                self.seen.append(box.windowTitle() + ": " + getattr(box, "text", str)())
                handle(box)
                return


def _click(box: QMessageBox, which: QMessageBox.StandardButton) -> None:
    button = box.button(which) or box.defaultButton()
    button.click()


def _area(qtbot: Any, services: Services) -> tuple[RequestsArea, TaskRunner]:
    tasks = TaskRunner()
    area = RequestsArea(requests_services(services), tasks, today=Clock(TODAY), tick_ms=60_000)
    qtbot.addWidget(area)
    area.resize(1366, 768)
    area.show()
    area.refresh()
    return area, tasks


def _top(kind: type) -> list[Any]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def _events(services: Services, kind: str) -> int:
    with services.ctx.store.session() as s:
        return s.query(RequestEvent).filter_by(kind=kind).count()


def _edit_notes(qtbot: Any, services: Services, tasks: TaskRunner, cid: int, text: str) -> None:
    editor = ContactEditorDialog(services.ctx, services.contacts, tasks, services.contacts.get(cid), "GB")
    qtbot.addWidget(editor)
    editor.show()
    editor.notes.setPlainText(text)
    with qtbot.waitSignal(editor.saved, timeout=10000):
        editor.save()


def _add_call(qtbot: Any, services: Services, tasks: TaskRunner, cid: int, text: str) -> None:
    """A call note typed on the Interactions tab, as an officer adds one (QA walk)."""
    editor = ContactEditorDialog(services.ctx, services.contacts, tasks, services.contacts.get(cid), "GB")
    qtbot.addWidget(editor)
    editor.show()
    calls = editor.interactions
    calls.kind.setCurrentIndex(calls.kind.findData("call"))
    calls.when.setDate(QDate(TODAY.year, TODAY.month, TODAY.day))
    calls.summary.setText(text)
    calls.add_button.click()
    with qtbot.waitSignal(editor.saved, timeout=10000):
        editor.save()


def test_access_request_from_intake_to_response(qtbot: Any, services: Services, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch,
                                                 smtp: tuple[Inbox, int]) -> None:  # noqa: F811
    inbox, port = smtp
    cid = services.contacts.create(ContactInput(
        name="Zoë Łukasiewicz", email="zoe@example.com", phone="+44 7911 123456",
        company="Acme Widgets Ltd", status="customer", source="enquiry_form")).id
    area, tasks = _area(qtbot, services)
    modals = Modals()

    # 1. Intake: who, how, a postal address for letters, notes, the person in the register.
    intake = area.open_new_request()
    intake.picker.search.setText("Łukasiewicz")
    qtbot.waitUntil(lambda: intake.picker.results.count() == 1, timeout=10000)
    intake.picker.link_selected()
    intake.address.setPlainText("12 Station Road\nMaidenhead\nSL6 1AA")
    intake.notes.setPlainText("Asked by phone first; wants the reply by email")
    intake.submit()
    qtbot.waitUntil(lambda: intake.result_detail is not None, timeout=10000)
    ref = intake.result_detail.reference
    assert intake.result_detail.requester_address == "12 Station Road\nMaidenhead\nSL6 1AA"
    qtbot.waitUntil(lambda: area.model.rowCount() == 1, timeout=10000)
    area.select_request(intake.result_detail.row.id)
    pane = area.detail
    qtbot.waitUntil(lambda: pane.detail is not None, timeout=5000)
    facts = [pane.facts.itemAt(i).widget() for i in range(pane.facts.count())]
    assert any("wants the reply by email" in w.text() for w in facts if hasattr(w, "text"))

    # 2. Proof of identity asked for after intake; the acknowledgement says so.
    assert pane.buttons["ask_id"].isEnabled() and not pane.buttons["verify_id"].isEnabled()
    dialog = pane.open_action("ask_id")
    dialog.submit()
    qtbot.waitUntil(lambda: pane.detail.row.status == "awaiting_id", timeout=5000)
    assert services.letters.build(ref, "acknowledgement").warnings == ()
    ack = pdf_text(services.letters.build(ref, "acknowledgement").content)
    assert "within one month of the day we receive it" in ack and "12 Station Road" in ack
    dialog = pane.open_action("verify_id")
    dialog.submit()
    qtbot.waitUntil(lambda: pane.detail.row.due == date(2026, 12, 24), timeout=5000)

    # 3. A note names a neighbour; it is changed, so the history repeats it twice.
    _edit_notes(qtbot, services, tasks, cid, f"Prefers email. {CANARY}")
    _edit_notes(qtbot, services, tasks, cid, f"Prefers post. {CANARY}.")
    # (QA walk) a call note names another third party; it moves Last activity too.
    _add_call(qtbot, services, tasks, cid, f"Called about her neighbour {CALLER}")

    # 4. The pack preview: redact the note; every copy follows.
    area.documents.open_pack()
    qtbot.waitUntil(lambda: bool(_top(PackPreviewDialog)), timeout=10000)
    pack: PackPreviewDialog = _top(PackPreviewDialog)[0]
    qtbot.waitUntil(lambda: pack.model.rowCount() > 0 and pack._pdf is not None, timeout=20000)
    row = next(r for r in range(pack.model.rowCount())
               if pack.model.item(r).ref.endswith(":notes"))  # type: ignore[union-attr]
    pack.table.selectRow(row)
    pack.reason.setText("Names a neighbour")
    pack.redact_button.click()
    qtbot.waitUntil(lambda: pack.model.withheld_count() >= 3, timeout=20000)
    row = next(r for r in range(pack.model.rowCount())
               if CALLER in pack.model.item(r).text  # type: ignore[union-attr]
               and pack.model.item(r).ref.startswith("interaction:"))  # type: ignore
    pack.table.selectRow(row)
    pack.reason.setText("Names a neighbour (call)")
    pack.redact_button.click()
    qtbot.waitUntil(lambda: all(pack.model.item(r).action  # type: ignore[union-attr]
                                for r in range(pack.model.rowCount())
                                if CALLER in pack.model.item(r).text), timeout=20000)
    assert all(pack.model.item(r).action for r in range(pack.model.rowCount())  # type: ignore
               if CANARY in pack.model.item(r).text)  # type: ignore[union-attr]

    # 5. A send that fails records nothing as sent, and Email works again afterwards.
    for key, value in (("smtp.host", "127.0.0.1"), ("smtp.port", _free_port()),
                       ("smtp.security", "none"), ("smtp.from", "privacy@optex-europe.com")):
        services.settings.set(key, value)
    modals.handlers[EmailReviewDialog] = lambda box: box.send_button.click()
    modals.handlers[QMessageBox] = lambda box: _click(box, QMessageBox.StandardButton.Ok)
    pack.email_button.click()
    assert not pack.email_button.isEnabled() and not pack.save_button.isEnabled()  # busy
    qtbot.waitUntil(lambda: any("could not be sent" in s for s in modals.seen), timeout=30000)
    qtbot.waitUntil(lambda: pack.email_button.isEnabled(), timeout=10000)
    assert _events(services, "emailed") == 0 and _events(services, "pack_generated") == 0
    with services.ctx.store.session() as s:
        assert s.query(Document).filter_by(kind="pack").count() == 0

    # 6. The real send: one click, one email; then the response is recorded at once.
    services.settings.set("smtp.port", port)
    pack.email_button.click()
    assert not pack.email_button.isEnabled()
    qtbot.waitUntil(lambda: len(inbox.messages) == 1, timeout=30000)
    qtbot.waitUntil(lambda: pack.response_dialog is not None
                    and pack.response_dialog.isVisible(), timeout=10000)
    assert pack.response_dialog.choice.currentData() == "email"
    assert pack.response_dialog.cancel.isDefault()
    shoot(pack.response_dialog, "record_response_after_email")
    pack.response_dialog.submit()
    qtbot.waitUntil(lambda: services.requests.get(ref).row.status == "responded", timeout=10000)
    qtbot.waitUntil(lambda: pane.detail.row.status == "responded", timeout=10000)
    assert _events(services, "emailed") == 1 and _events(services, "pack_generated") == 1
    msg = email.message_from_bytes(inbox.messages[0][2], policy=default)
    (part,) = list(msg.iter_attachments())  # type: ignore[attr-defined]
    sent_pdf = part.get_content()
    for text in (pdf_text(sent_pdf), poppler_text(sent_pdf)):
        assert "Ottoline" not in text and "Tamarisk" not in text
        assert "Yıldırım" not in text and "Kızılay" not in text
        assert not ISO_DAY.search(text), ISO_DAY.findall(text)  # dates as the person reads them
        assert "[redacted]" in text and "Zoë Łukasiewicz" in text

    # 7. A second send of the same pack asks first; No sends nothing.
    modals.handlers[QMessageBox] = lambda box: _click(box, QMessageBox.StandardButton.No)
    pack.email_button.click()
    qtbot.waitUntil(lambda: any("already emailed" in s for s in modals.seen), timeout=20000)
    qtbot.waitUntil(lambda: pack.email_button.isEnabled(), timeout=10000)
    assert len(inbox.messages) == 1

    # 8. The JSON and CSV copies leak nothing either.
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    pack.copy_button.click()
    qtbot.waitUntil(lambda: "Saved" in pack.summary.text(), timeout=20000)
    copy = json.loads((tmp_path / f"{ref} personal data.json").read_text(encoding="utf-8"))
    assert "Ottoline" not in json.dumps(copy, ensure_ascii=False)
    assert "Ottoline" not in (tmp_path / f"{ref} personal data.csv").read_text("utf-8-sig")
    modals.timer.stop()
    tasks.wait()
    pack.close()
    for d in _top(DocumentDialog):
        d.close()


def test_purge_and_erasure_wait_for_the_open_request(qtbot: Any, services: Services) -> None:
    old = date(2025, 6, 1)
    held = add_contact(services.ctx, "Hana Held", last_activity=old)
    add_contact(services.ctx, "Fred Free", last_activity=old)
    add_request(services.ctx, "SAR-2026-0042", (held,), rtype="access")
    tasks = TaskRunner()
    retention = RetentionArea(services.retention, services.purge, services.ctx, tasks)
    qtbot.addWidget(retention)
    retention.resize(1366, 768)
    retention.show()
    retention.refresh()
    tasks.wait()
    retention.review_purge()
    qtbot.waitUntil(lambda: getattr(retention, "purge_dialog", None) is not None
                    and retention.purge_dialog.isVisible(), timeout=10000)
    purge = retention.purge_dialog
    assert purge.model.rowCount() == 1  # Fred only
    assert purge.held.isVisible() and "SAR-2026-0042" in purge.held.text()
    assert "Hana Held" in purge.held.text() and "DPA 2018 s.173" in purge.held.text()
    settle()
    shoot(purge, "purge_review_held")
    purge.close()

    # Erasure of a person an open access request covers: refused, even from the erasure
    # request itself, until the access request is answered.
    both = add_contact(services.ctx, "Eli Erase", last_activity=TODAY)
    add_request(services.ctx, "DSR-2026-0007", (both,), rtype="erasure")
    add_request(services.ctx, "SAR-2026-0008", (both,), rtype="access")
    area, tasks2 = _area(qtbot, services)
    qtbot.waitUntil(lambda: area.model.rowCount() == 3, timeout=10000)
    area.select_request(services.requests.get("DSR-2026-0007").row.id)
    qtbot.waitUntil(lambda: area.documents.detail is not None, timeout=5000)
    area.documents.open_erasure()
    box = area.documents
    qtbot.waitUntil(lambda: box.erasure_dialog is not None and box.erasure_dialog.isVisible(),
                    timeout=10000)
    erasure = box.erasure_dialog
    erasure.understand.setChecked(True)
    assert not erasure.go.isEnabled()
    assert "SAR-2026-0008" in erasure.status.text()
    erasure.run()  # a click on a disabled button does nothing; nor does this
    tasks2.wait()
    assert services.contacts.get(both).data.name == "Eli Erase"
    erasure.close()


def test_pause_after_the_due_date_is_refused_in_the_dialog(qtbot: Any,
                                                            services: Services) -> None:
    ref = add_request(services.ctx, "SAR-2026-0001", (), rtype="access")
    with services.ctx.store.session() as s:  # received 1 Oct: due Mon 2 Nov 2026
        from privdesk.store.models import Request
        req = s.get(Request, ref)
        assert req is not None
        req.received_on = date(2026, 10, 1)
    area, tasks = _area(qtbot, services)
    qtbot.waitUntil(lambda: area.model.rowCount() == 1, timeout=10000)
    area.select_request(ref)
    pane = area.detail
    qtbot.waitUntil(lambda: pane.detail is not None, timeout=5000)
    dialog = pane.open_action("pause")
    assert dialog is not None and "Mon 2 Nov 2026" in dialog.findChild(QLabel).text()
    dialog.text.setPlainText("Which of your accounts?")
    dialog.submit()
    qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
    assert "cannot be stopped" in dialog.error.text()
    shoot(dialog, "pause_refused_after_due")
    got = services.requests.get("SAR-2026-0001")
    assert got.row.due == date(2026, 11, 2) and not got.pauses
    assert [r.reference for r in services.requests.queue(overdue_only=True)] == ["SAR-2026-0001"]
    dialog.close()
    tasks.wait()
