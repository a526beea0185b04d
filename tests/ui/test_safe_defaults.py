"""Safe default buttons, audited dialog by dialog: Return presses only a safe button
(Save, Cancel, Close, a check), never one that records, sends, merges or deletes for good.
And the bug as it was seen: Return in the contact editor recorded a marketing opt-out."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QPushButton

from privdesk.services.container import Services
from privdesk.services.erasure import ErasurePreview
from privdesk.services.purge import PurgeCounts, PurgePreview
from privdesk.services.retention import HoldInfo
from privdesk.ui.areas import paperwork
from privdesk.ui.contacts.editor import ContactEditorDialog
from privdesk.ui.contacts.import_dialog import ImportDialog
from privdesk.ui.new_store_dialog import NewStoreDialog
from privdesk.ui.officers_area import AddOfficerDialog, PassphraseDialog
from privdesk.ui.packs.document_dialog import DocumentDialog
from privdesk.ui.packs.email_dialog import EmailReviewDialog
from privdesk.ui.packs.preview_dialog import PackPreviewDialog
from privdesk.ui.request_action_dialog import ActionDialog
from privdesk.ui.requests.actions import ACTIONS, dialog_for
from privdesk.ui.requests.new_request_dialog import NewRequestDialog
from privdesk.ui.retention.erasure_dialog import ErasureDialog
from privdesk.ui.retention.hold_dialog import LegalHoldDialog
from privdesk.ui.retention.purge_dialog import PurgeReviewDialog
from privdesk.ui.settings_dialog import SettingsDialog
from privdesk.ui.tasks import TaskRunner
from tests.unit.pack_fixtures import REF, make_request

SAFE = {"Save", "Cancel", "Close", "Check file", "Record request", "OK", "Add officer", "Choose…",
        "Create store", "Set hold", "Update hold", "Save purge report…"}


def _text(b: QPushButton) -> str:
    return b.text().replace("&", "")


def _audit(dialog: QDialog) -> None:
    """What Return can press: the default button, or a focused auto-default one."""
    buttons = [b for b in dialog.findChildren(QPushButton) if not b.isHidden()]
    defaults = [_text(b) for b in buttons if b.isDefault()]
    assert len(defaults) <= 1 and set(defaults) <= SAFE, (dialog.windowTitle(), defaults)
    risky = [_text(b) for b in buttons if b.autoDefault() and _text(b) not in SAFE]
    assert not risky, (dialog.windowTitle(), risky)


def test_return_in_the_contact_editor_never_records_an_opt_out(qtbot: Any,
                                                               services: Services) -> None:
    make_request(services.ctx)
    tasks = TaskRunner()
    dialog = ContactEditorDialog(services.ctx, services.contacts, tasks, services.contacts.get(1), "GB")
    qtbot.addWidget(dialog)
    dialog.show()
    asked: list[bool] = []
    dialog.confirm_opt_out = lambda: asked.append(True) or True  # type: ignore[func-returns-value]
    _audit(dialog)
    assert not dialog.opt_out_button.autoDefault() and not dialog.opt_out_button.isDefault()
    assert dialog.save_button.isDefault()
    dialog.opt_out_button.setFocus()
    qtbot.keyClick(dialog.opt_out_button, Qt.Key.Key_Return)
    dialog.inputs["name"].setFocus()
    qtbot.keyClick(dialog.inputs["name"], Qt.Key.Key_Return)
    tasks.wait()
    assert not asked
    assert not services.contacts.get(1).data.marketing_opt_out


def test_every_request_action_dialog_defaults_to_cancel(qtbot: Any, services: Services) -> None:
    make_request(services.ctx)
    detail = services.requests.get(REF)
    for name in ACTIONS:
        spec, submit = dialog_for(name, detail, services.requests, ["Test Officer"])
        dialog = ActionDialog(spec, TaskRunner(), submit, services.ctx.today())
        qtbot.addWidget(dialog)
        dialog.show()
        _audit(dialog)
        assert dialog.cancel.isDefault() and not dialog.ok.autoDefault(), name
        called: list[object] = []
        dialog.ok.clicked.connect(lambda *_, c=called: c.append(1))
        qtbot.keyClick(dialog.text if spec.text_label else dialog.date, Qt.Key.Key_Return)
        assert not called, name
        dialog.close()


DialogMaker = Callable[[Services, Path], QDialog]


def _makers() -> dict[str, DialogMaker]:
    today = date(2026, 11, 24)
    return {
        "purge": lambda s, _p: PurgeReviewDialog(
            PurgePreview((), PurgeCounts(), today), s.purge, TaskRunner(), s.ctx),
        "erasure": lambda s, _p: ErasureDialog(
            s.erasure, TaskRunner(), ErasurePreview(None, (1,), PurgeCounts(1), (), ()),
            s.ctx),
        "hold": lambda s, _p: LegalHoldDialog(
            "#1 Zoë", HoldInfo(1, "Claim", None, "Former customer", None, ""), today),
        "pack": lambda s, _p: PackPreviewDialog(paperwork(s), TaskRunner(), REF),
        "letter": lambda s, _p: DocumentDialog(paperwork(s), TaskRunner(), s.letters.build(
            REF, "acknowledgement")),
        "email": lambda s, _p: EmailReviewDialog(s.mail.compose_file(
            REF, "x.pdf", b"%PDF", "application/pdf", False), s.ctx),
        "import": lambda s, _p: ImportDialog(s.contact_import, s.ctx, TaskRunner()),
        "new request": lambda s, _p: NewRequestDialog(s.requests, TaskRunner(), today, []),
        "settings": lambda s, _p: SettingsDialog(s.settings, s.ctx, TaskRunner()),
        "add officer": lambda s, _p: AddOfficerDialog(),
        "passphrase": lambda s, _p: PassphraseDialog("Test Officer"),
        "new store": lambda s, p: NewStoreDialog(p),
    }


@pytest.mark.parametrize("name", list(_makers()))
def test_dialog_defaults_are_safe(qtbot: Any, services: Services, tmp_path: Path,
                                  name: str) -> None:
    make_request(services.ctx)
    services.settings.set("smtp.from", "privacy@optex-europe.com")
    dialog = _makers()[name](services, tmp_path)
    qtbot.addWidget(dialog)
    dialog.show()
    _audit(dialog)
    dialog.close()
