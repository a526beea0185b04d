"""The detail pane: who asked, the facts, how the due date was worked out, the actions
and the timeline. Every text from the store is shown as plain text."""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.deadlines import WorkingDays, countdown_text, days_left, fmt, urgency
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.request_records import (
    CHANNELS,
    OPEN_STATUSES,
    REFUSAL_GROUNDS,
    RESPONSE_METHODS,
    RequestDetail,
)
from privdesk.services.requests import RequestService
from privdesk.ui.elided_label import ElidedLabel
from privdesk.ui.form_rows import clear_rows
from privdesk.ui.navigation import CONTACT_LINK, Navigator, link
from privdesk.ui.permissions import guard
from privdesk.ui.request_action_dialog import ActionDialog
from privdesk.ui.requests.actions import ACTIONS, dialog_for, why_not
from privdesk.ui.requests.queue_model import URGENCY_COLOURS
from privdesk.ui.tasks import TaskRunner

EMPTY_TEXT = ("Select a request in the queue to see its timeline, how its due date was "
              "worked out, and what can be done next.")


def _plain(text: str = "", wrap: bool = True) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


WIDE_PANE = 520  # px of pane width from which the actions sit three to a row


class RequestDetailPane(QScrollArea):
    changed = Signal(object)  # the RequestDetail after an action
    shown = Signal(object)  # every RequestDetail shown

    def __init__(self, ctx: ServiceContext, requests: RequestService, tasks: TaskRunner,
                 today: Callable[[], date], officers: Callable[[], list[str]]) -> None:
        super().__init__()
        self._ctx, self._requests, self._tasks = ctx, requests, tasks
        self._today, self._officers = today, officers
        self._calendar = WorkingDays("ENG")
        self.detail: RequestDetail | None = None
        self.dialog: ActionDialog | None = None
        self.navigator: Navigator | None = None  # set by ui.areas: links to the register
        self.setWidgetResizable(True)
        self.setMinimumWidth(360)

        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(10)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty)

        self.content = QWidget()
        inner = QVBoxLayout(self.content)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.setSpacing(10)
        self.title = _plain(wrap=False)
        self.title.setObjectName("areaTitle")
        self.subtitle = _plain()
        self.subtitle.setObjectName("hint")
        self.countdown = _plain(wrap=False)
        self.countdown.setAlignment(Qt.AlignmentFlag.AlignCenter)
        inner.addWidget(self.title)
        inner.addWidget(self.subtitle)
        inner.addWidget(self.countdown, 0, Qt.AlignmentFlag.AlignLeft)


        actions_box = QGroupBox("Actions")
        grid = self._grid = QGridLayout(actions_box)
        self._columns = 3
        self.buttons: dict[str, QPushButton] = {}
        for i, (name, label) in enumerate(ACTIONS.items()):
            button = QPushButton(label)
            button.clicked.connect(lambda _=False, n=name: self.open_action(n))
            grid.addWidget(button, i // 3, i % 3)  # resizeEvent: two a row when narrow
            self.buttons[name] = button
        # What can be done next comes first, so its buttons are in view on a laptop screen
        # (1366x768) without scrolling; the facts and the working follow.
        inner.addWidget(actions_box)
        self._inner = inner
        self._actions_box = actions_box

        facts_box = self._facts_box = QGroupBox("Request")
        self.facts = QFormLayout(facts_box)
        self.facts.setLabelAlignment(Qt.AlignmentFlag.AlignRight)
        inner.addWidget(facts_box)

        working_box = QGroupBox("How the due date was worked out")
        self.working = _plain()
        QVBoxLayout(working_box).addWidget(self.working)
        inner.addWidget(working_box)

        timeline_box = self._timeline_box = QGroupBox("Timeline")
        self.timeline = QListWidget()
        self.timeline.setWordWrap(True)
        self.timeline.setMinimumHeight(160)
        QVBoxLayout(timeline_box).addWidget(self.timeline)
        inner.addWidget(timeline_box, 1)
        layout.addWidget(self.content, 1)
        self.content.hide()

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt override)
        """Three buttons a row when the pane is wide, two on a laptop screen: the pane
        never needs a sideways scrollbar to reach an action."""
        super().resizeEvent(event)
        columns = 3 if self.viewport().width() >= WIDE_PANE else 2
        if columns != self._columns:
            self._columns = columns
            for button in self.buttons.values():
                self._grid.removeWidget(button)
            for i, button in enumerate(self.buttons.values()):
                self._grid.addWidget(button, i // columns, i % columns)

    def add_section(self, widget: QWidget) -> None:
        """Another box under the actions (the area adds packs, erasure and letters)."""
        self._inner.insertWidget(self._inner.indexOf(self._facts_box), widget)

    def set_calendar(self, calendar: WorkingDays) -> None:
        self._calendar = calendar

    def clear(self) -> None:
        self.detail = None
        self.content.hide()
        self.empty.show()

    def show_detail(self, d: RequestDetail) -> None:
        self.detail = d
        self.empty.hide()
        self.content.show()
        row = d.row
        self.title.setText(row.reference)
        name = " ".join(row.requester_name.split())
        self.subtitle.setText(f"{row.type_label} request from {name[:200]} · {row.status_label}")
        self._show_countdown(d)
        self._show_facts(d)
        self.working.setText("\n".join(d.working))
        self._show_buttons(d)
        self.shown.emit(d)
        self.timeline.clear()
        for e in reversed(d.events):  # newest first
            who = f" · {e.officer}" if e.officer else ""
            item = QListWidgetItem(f"{fmt(e.on_date)}{who}\n{e.detail}")
            item.setToolTip(e.kind.replace("_", " "))
            self.timeline.addItem(item)

    def _show_countdown(self, d: RequestDetail) -> None:
        level = None
        if d.row.status not in OPEN_STATUSES:
            text = d.row.status_label + (" late" if d.row.late else "")
        elif d.row.due is None:
            text = ("Clock stopped since " + fmt(d.stopped_since)) if d.stopped_since \
                else "Clock not started: awaiting proof of identity"
        else:
            left = days_left(d.row.due, self._today(), self._calendar)
            level = urgency(left)
            text = f"Due {fmt(d.row.due)} · {countdown_text(left)}"
        bg, fg = URGENCY_COLOURS[level]
        self.countdown.setText(text)
        self.countdown.setStyleSheet(f"background: {bg}; color: {fg}; border-radius: 4px; "
                                     "padding: 4px 10px; font-weight: 600;")

    def _show_facts(self, d: RequestDetail) -> None:
        clear_rows(self.facts)
        rows: list[tuple[str, str | QLabel]] = [
            ("Received", f"{fmt(d.row.received)} by {CHANNELS.get(d.row.channel, d.row.channel).lower()}"),
            ("Email", ElidedLabel(d.requester_email) if d.requester_email else "—"),
        ]
        if d.requester_phone:
            rows.append(("Phone", d.requester_phone))
        if d.requester_address:
            rows.append(("Address", d.requester_address))
        links = ", ".join(link(CONTACT_LINK, c.id, f"#{c.id} {c.name}") for c in d.contacts)
        if links:  # one click to the person's record in the register
            register = QLabel(links)
            register.setTextFormat(Qt.TextFormat.RichText)
            register.setWordWrap(True)
            register.setToolTip("Open the person's record")
            register.linkActivated.connect(self._open_link)
            rows.append(("Register", register))
        if d.id_requested:
            asked = f"asked for {fmt(d.id_asked_on)}" if d.id_asked_on else "asked for at intake"
            rows.append(("Proof of ID", f"{asked}, received {fmt(d.id_received_on)}"
                         if d.id_received_on else f"{asked}, not yet received"))
        rows.append(("Officer", d.row.assignee or "Unassigned"))
        if d.extended_on:
            told = (f"; person told {fmt(d.extension_told_on)}" if d.extension_told_on else
                    f" (tell the person by {fmt(d.original_due)})" if d.original_due else "")
            rows.append(("Extended", f"decided {fmt(d.extended_on)}{told}: "
                                     f"{d.extension_reason or ''}"))
        elif d.original_due and d.row.status in OPEN_STATUSES:
            rows.append(("Extension", f"possible until {fmt(d.original_due)}, telling the "
                                      "person the reasons by then"
                         if self._today() <= d.original_due else
                         f"no longer possible: the first deadline, {fmt(d.original_due)}, "
                         "has passed"))
        if d.refusal_reason:
            ground, _, why = d.refusal_reason.partition(":")
            rows.append(("Refused", f"{REFUSAL_GROUNDS.get(ground, ground)}: {why.strip()}"))
        if d.row.responded_on:
            how = RESPONSE_METHODS.get(d.response_method or "", d.response_method or "")
            verdict = "late" if d.row.late else "on time"
            rows.append(("Responded", f"{fmt(d.row.responded_on)} by {how.lower()} ({verdict})"))
        if d.notes:
            rows.append(("Notes", d.notes))
        for label, value in rows:
            if isinstance(value, QLabel):
                self.facts.addRow(label, value)
                continue
            shown = _plain(value[:2000])
            # A long unbroken value (an email address) must not widen the pane past the
            # window: it is clipped, and the tooltip and a selection still give all of it.
            shown.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
            shown.setToolTip(value[:2000])
            self.facts.addRow(label, shown)

    def _open_link(self, href: str) -> None:
        if self.navigator is not None:
            self.navigator.open_link(href)

    def _show_buttons(self, d: RequestDetail) -> None:
        for name, button in self.buttons.items():
            guard(button, self._ctx, Permission.EDIT, "change requests",
                  unless=functools.partial(why_not, name, d, self._today()))

    # -- actions -----------------------------------------------------------------------
    def open_action(self, name: str) -> ActionDialog | None:
        """Open the action's dialog (window-modal, not blocking); returns it for tests."""
        if self.detail is None or not self.buttons[name].isEnabled():
            return None
        spec, submit = dialog_for(name, self.detail, self._requests, self._officers())
        self.dialog = ActionDialog(spec, self._tasks, submit, self._today(),
                                   earliest=self.detail.row.received, parent=self)
        self.dialog.accepted.connect(self._action_done)
        self.dialog.open()
        return self.dialog

    def _action_done(self) -> None:
        if self.dialog is not None and self.dialog.result_detail is not None:
            self.show_detail(self.dialog.result_detail)
            self.changed.emit(self.dialog.result_detail)
