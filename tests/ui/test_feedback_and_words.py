"""Issue 15 walked through the real widgets: the redaction panel shows the whole text and
keeps its page, the email review warns about an unprotected attachment, the chain check
is never stale, and the demo hint names every demo officer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from privdesk.services.container import Services
from privdesk.services.demo_officers import DEMO_OFFICERS, DEMO_PASSPHRASE
from privdesk.services.mailer import OutgoingMail
from privdesk.ui.audit_area import AuditArea
from privdesk.ui.packs.email_dialog import EmailReviewDialog
from privdesk.ui.tasks import TaskRunner
from privdesk.ui.unlock_dialog import UnlockDialog
from tests.ui.test_pack_dialog import _open, _select
from tests.unit.pack_fixtures import NOTE, REF, make_request


def test_redaction_panel_shows_all_the_text_and_keeps_the_page(qtbot: Any,
                                                              services: Services) -> None:
    make_request(services.ctx)
    dialog = _open(qtbot, services)
    dialog.resize(1280, 700)
    dialog.show()
    note = next(dialog.model.item(r) for r in range(dialog.model.rowCount())
                if NOTE in (dialog.model.item(r).text or ""))  # type: ignore[union-attr]
    assert note is not None
    _select(dialog, note.ref)
    assert NOTE in dialog.whole_text.toPlainText()  # the whole note, not the cell's start
    assert dialog._pdf is not None
    last = dialog._pdf.document.pageCount() - 1
    nav = dialog.view.pageNavigator()
    nav.jump(last, nav.currentLocation(), nav.currentZoom())
    qtbot.waitUntil(lambda: nav.currentPage() == last)
    old = dialog._pdf
    dialog.reason.setText("Names another customer")
    dialog.redact_button.click()
    qtbot.waitUntil(lambda: dialog._pdf is not old and dialog._pdf is not None
                    and dialog._pdf.ok, timeout=20000)
    qtbot.waitUntil(lambda: nav.currentPage() == min(last, dialog._pdf.document.pageCount() - 1))
    assert dialog.selected() is not None and dialog.selected().ref == note.ref  # type: ignore[union-attr]
    events = services.requests.get(services.requests.queue()[0].id).events
    assert any("in the pack" in e.detail and "Names another customer" in e.detail
               for e in events)
    assert not any("interaction:" in e.detail for e in events)  # words, not "interaction:12"


def test_review_warns_when_the_attachment_is_not_protected(qtbot: Any,
                                                           services: Services) -> None:
    def mail(protected: bool) -> OutgoingMail:
        return OutgoingMail(REF, "zoe@example.com", "privacy@example.com", "Subject", "Body",
                            "pack.pdf", b"%PDF", "application/pdf", protected)

    plain = EmailReviewDialog(mail(False), services.ctx)
    locked = EmailReviewDialog(mail(True), services.ctx)
    for dialog in (plain, locked):
        qtbot.addWidget(dialog)
        dialog.show()
    assert plain.unprotected.isVisible() and "not password-protected" in plain.unprotected.text()
    assert not locked.unprotected.isVisible()


def test_chain_check_says_when_the_trail_has_grown(qtbot: Any, services: Services) -> None:
    tasks = TaskRunner()
    area = AuditArea(services.audit, services.ctx, tasks)
    qtbot.addWidget(area)
    area.show()
    make_request(services.ctx)
    services.packs.build(REF)  # audited events to check
    errors: list[Exception] = []
    tasks.error.connect(errors.append)
    area.refresh()
    qtbot.waitUntil(lambda: area.model.rowCount() > 0)
    area.verify()
    qtbot.waitUntil(lambda: area.chain.text() not in ("", "Checking…") or bool(errors))
    assert not errors
    assert "intact" in area.chain.text(), area.chain.text()
    services.packs.build(REF)  # the trail grows
    area.refresh()
    qtbot.waitUntil(lambda: "not checked" in area.chain.text())
    assert "intact" not in area.chain.text()
    tasks.wait()


def test_demo_hint_names_every_demo_officer(qtbot: Any, tmp_path: Path) -> None:
    dialog = UnlockDialog(lambda *a: None, TaskRunner(), [], tmp_path,
                          demo_passphrase=DEMO_PASSPHRASE, demo_officers=DEMO_OFFICERS,
                          default_officer=DEMO_OFFICERS[0][0])
    qtbot.addWidget(dialog)
    hint = dialog.demo_hint.text()
    for name, role in DEMO_OFFICERS:
        assert name in hint and role in hint


def test_the_selected_item_heading_names_its_section_once(qtbot: Any,
                                                         services: Services) -> None:
    """QA walk: the redaction panel headed a contact field 'Contact record · Contact
    record: notes'."""
    make_request(services.ctx)
    dialog = _open(qtbot, services)
    items = [dialog.model.item(r) for r in range(dialog.model.rowCount())]
    field = next(i for i in items if i is not None and i.label.startswith(i.section))
    _select(dialog, field.ref)
    heading = dialog.whole_text.toPlainText().splitlines()[0]
    assert heading == field.label and heading.count(field.section) == 1, heading
    other = next(i for i in items if i is not None and not i.label.startswith(i.section))
    _select(dialog, other.ref)
    assert dialog.whole_text.toPlainText().startswith(f"{other.section} · {other.label}")
