"""The shared error line and "OK runs the service, then closes" (ui/dialog_errors.py),
driven through real dialogs over a real encrypted store: a refusal is said in the
service's words as plain text, OK is disabled while the work runs and comes back after a
refusal with everything typed kept; success closes the dialog and the record is there."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QDialog

from privdesk.services.breach_records import NewBreach
from privdesk.services.container import Services
from privdesk.services.context import ServiceContext
from privdesk.services.retention import HoldInfo
from privdesk.ui.breaches.dialogs import CloseDialog, DecisionDialog, NewBreachDialog
from privdesk.ui.contacts.editor import ContactEditorDialog
from privdesk.ui.dialog_errors import ErrorLine
from privdesk.ui.request_action_dialog import ActionDialog, ActionSpec
from privdesk.ui.requests.new_request_dialog import NewRequestDialog
from privdesk.ui.retention.hold_dialog import LegalHoldDialog
from privdesk.ui.tasks import TaskRunner
from privdesk.ui.tour.check import misfits
from privdesk.ui.unlock_dialog import UnlockDialog
from tests.conftest import TODAY
from tests.ui.waits import settle

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"
LAPTOP = QRect(0, 0, 1366, 728)  # a 1366x768 screen less its taskbar


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def _shown(qtbot: Any, dialog: QDialog) -> QDialog:
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def test_every_dialog_that_records_through_a_service_uses_the_shared_line(
        qtbot: Any, services: Services, tmp_path: Path) -> None:
    """One widget for every such dialog's error line: hidden, wrapped, plain text, styled."""
    tasks, now = TaskRunner(), datetime(2026, 11, 24, 10, 0)
    dialogs: dict[str, QDialog] = {
        "action": ActionDialog(ActionSpec("Assign", "Who?", "Assign"), tasks,
                               lambda _v: services.requests.get(1), TODAY),
        "new request": NewRequestDialog(services.requests, tasks, TODAY, []),
        "new breach": NewBreachDialog(services.breaches, services.requests, tasks, now,
                                      zone="Europe/London"),
        "decision": DecisionDialog(services.breaches, tasks, "BR-1", "ico", now),
        "close": CloseDialog(services.breaches, tasks, "BR-1"),
        "hold": LegalHoldDialog("#1 Zoë", HoldInfo(1, "Claim", None, "Former customer", None,
                                                   ""), TODAY),
        "unlock": UnlockDialog(lambda *_a: None, tasks, [], tmp_path),
        "contact": ContactEditorDialog(services.ctx, services.contacts, tasks, None, "GB"),
    }
    for name, dialog in dialogs.items():
        qtbot.addWidget(dialog)
        line = getattr(dialog, "banner" if name == "contact" else "error")
        assert isinstance(line, ErrorLine), name
        assert line.isHidden() and line.wordWrap() and line.objectName() == "error", name
        assert line.textFormat() == Qt.TextFormat.PlainText, name


def test_a_refusal_is_said_plainly_ok_comes_back_and_success_closes(
        qtbot: Any, services: Services) -> None:
    tasks = TaskRunner()
    dialog = _shown(qtbot, NewRequestDialog(services.requests, tasks, TODAY, ["Test Officer"]))
    assert isinstance(dialog, NewRequestDialog)
    dialog.email.setText("ada@example.org")

    dialog.ok.click()  # no requester's name: the service refuses
    assert not dialog.ok.isEnabled()  # while the work runs
    qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
    assert dialog.error.text() == "Please give the requester's name."
    assert dialog.ok.isEnabled() and dialog.isVisible()
    assert dialog.email.text() == "ada@example.org"  # what was typed is still there
    assert services.requests.queue() == []  # and nothing was recorded

    dialog.name.setText("Ada Lovelace")
    dialog.ok.click()
    assert not dialog.ok.isEnabled() and dialog.error.isHidden()  # the old refusal goes
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert dialog.result() == QDialog.DialogCode.Accepted
    rows = services.requests.queue()
    assert [r.reference for r in rows] == [dialog.result_detail.reference]
    assert services.requests.get(rows[0].reference).requester_email == "ada@example.org"
    tasks.wait()


def test_closing_a_breach_is_refused_until_the_decisions_are_made(
        qtbot: Any, ctx: ServiceContext) -> None:
    """The breach dialogs' refusals (the rule is the service's), then the close goes through."""
    ctx.now = Clock(datetime(2026, 11, 24, 10, 0))
    services = Services.build(ctx)
    ref = services.breaches.add(NewBreach(datetime(2026, 11, 24, 9, 0),
                                          "Laptop with a CRM export left on a train.")).reference
    tasks = TaskRunner()
    dialog = _shown(qtbot, CloseDialog(services.breaches, tasks, ref))
    assert isinstance(dialog, CloseDialog)
    dialog.note.setPlainText("Disk encryption now enforced on every laptop.")
    dialog.ok.click()
    assert not dialog.ok.isEnabled()
    qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
    assert dialog.error.text() == ("Record whether the ICO is to be notified (and why) before "
                                   "closing the breach.")
    assert dialog.ok.isEnabled() and dialog.isVisible()
    assert services.breaches.get(ref).row.status != "closed"

    services.breaches.decide_ico(ref, False, "Encrypted disk: no risk to people.")
    services.breaches.decide_people(ref, False, "No risk to them.")
    dialog.ok.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert services.breaches.get(ref).row.status == "closed"
    assert dialog.result_detail.reference == ref
    tasks.wait()


def test_markup_in_a_refusal_shows_as_typed_and_a_long_one_wraps_inside_the_dialog(
        qtbot: Any, services: Services) -> None:
    """A refusal quoting markup shows the characters, not bold text (the breach dialogs'
    line used to interpret it), and a long one wraps inside the dialog at 1366x768."""
    hostile = "<b>BR-2026-0001</b> " + " ".join(["<i>of</i> the old mailing list"] * 10)
    tasks = TaskRunner()
    dialog = _shown(qtbot, CloseDialog(services.breaches, tasks, hostile))
    assert isinstance(dialog, CloseDialog)
    dialog.note.setPlainText("Closed.")
    dialog.ok.click()
    qtbot.waitUntil(dialog.error.isVisible, timeout=5000)
    assert dialog.error.text() == f"No breach {hostile}."
    assert dialog.error.textFormat() == Qt.TextFormat.PlainText
    assert dialog.ok.isEnabled() and dialog.isVisible()
    settle()
    line = dialog.error
    assert line.geometry().right() < dialog.width()  # inside the dialog, not past its edge
    assert line.height() >= line.heightForWidth(line.width())  # every wrapped line shown
    assert line.height() > 2 * line.fontMetrics().lineSpacing()  # wrapped, not one long line
    assert misfits(dialog, "close with a long refusal", LAPTOP) == []
    SHOTS.mkdir(exist_ok=True)
    dialog.grab().save(str(SHOTS / "dialog-error-1366.png"))
    tasks.wait()
