"""The breach detail pane: the clock, the facts, the people it concerns, every decision
with its reasons, and the actions. Every text from the store is shown as plain text."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.display import left_to_right_line
from privdesk.services.authz import Permission
from privdesk.services.breach_records import (
    CYBER,
    DATA_CATEGORIES,
    SUBJECT_CATEGORIES,
    BreachDetail,
)
from privdesk.services.context import ServiceContext
from privdesk.ui.form_rows import clear_rows
from privdesk.ui.permissions import guard
from privdesk.ui.requests.queue_model import URGENCY_COLOURS

EMPTY_TEXT = ("Select a breach to see its 72-hour clock, what happened, the decisions taken "
              "and their reasons, and what can be done next.")


def _plain(text: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class BreachDetailPane(QScrollArea):
    action = Signal(str)  # ico / people / letters / draft / close

    def __init__(self, ctx: ServiceContext, now: Callable[[], datetime]) -> None:
        super().__init__()
        self._ctx, self._now = ctx, now
        self.detail: BreachDetail | None = None
        self.setWidgetResizable(True)
        self.setMinimumWidth(380)
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(14, 10, 14, 10)
        self.empty = QLabel(EMPTY_TEXT)
        self.empty.setObjectName("hint")
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.empty)

        self.content = QWidget()
        inner = QVBoxLayout(self.content)
        inner.setContentsMargins(0, 0, 0, 0)
        self.title = QLabel()
        self.title.setObjectName("detailTitle")
        self.clock = QLabel()
        self.clock.setObjectName("countdownBadge")
        self.clock.setContentsMargins(8, 4, 8, 4)
        self.deadline = _plain()
        inner.addWidget(self.title)
        inner.addWidget(self.clock)
        inner.addWidget(self.deadline)

        self.buttons: dict[str, QPushButton] = {}
        grid = QGridLayout()
        for i, (key, text) in enumerate((("ico", "ICO decision…"), ("people", "Tell people?…"),
                                         ("draft", "ICO report draft…"), ("letters", "Letters…"),
                                         ("close", "Close…"))):
            button = QPushButton(text)
            button.clicked.connect(lambda _=False, k=key: self.action.emit(k))
            self.buttons[key] = button
            grid.addWidget(button, i // 3, i % 3)
        inner.addLayout(grid)

        facts = QGroupBox("Facts")
        self.facts = QFormLayout(facts)
        self.facts.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        inner.addWidget(facts)
        people = QGroupBox("People in the register it concerns")
        self.people = _plain()
        QVBoxLayout(people).addWidget(self.people)
        inner.addWidget(people)
        decisions = QGroupBox("Decisions (all kept, newest last)")
        self.decisions = _plain()
        QVBoxLayout(decisions).addWidget(self.decisions)
        inner.addWidget(decisions)
        inner.addStretch(1)
        layout.addWidget(self.content)
        self.content.hide()

    def show_detail(self, detail: BreachDetail) -> None:
        self.detail = detail
        self.empty.hide()
        self.content.show()
        row = detail.row
        self.title.setText(f"{detail.reference} · {row.status.capitalize()}")
        self.deadline.setText(f"Became aware {detail.local(row.aware_at)}. Notify the ICO by "
                              f"{detail.local(row.deadline)} (72 hours).")
        self.tick()
        clear_rows(self.facts)
        for label, value in (
            ("What happened", row.summary), ("Happened", detail.local(detail.occurred_at)),
            ("How found out", detail.discovery or "Not recorded"),
            ("Cyber incident", CYBER.get(detail.cyber, detail.cyber)),
            ("Data", "; ".join(DATA_CATEGORIES[k] for k in detail.data_categories) or "Not known"),
            ("People", "; ".join(SUBJECT_CATEGORIES[k] for k in detail.subject_categories)
             or "Not known"),
            ("How many", f"about {row.people_count:,} people" if row.people_count is not None
             else "Not known"),
            ("Records", f"about {detail.records_count:,}" if detail.records_count is not None
             else "Not known"),
            ("Consequences", detail.consequences or "Not recorded"),
            ("Measures", detail.measures or "Not recorded"),
            ("ICO reference", detail.ico_reference or (  # not the bare "None"
                "Not notified" if row.ico_decision == "not_notify" else "None yet")),
            ("Recorded by", detail.officer),
        ):
            self.facts.addRow(label, _plain(value))
        if detail.closing_note:
            self.facts.addRow("Closing note", _plain(detail.closing_note))
        self.people.setText("\n".join(left_to_right_line(f"#{c.id} {c.name}")
                                       for c in detail.contacts)
                            or "No one linked.")
        self.decisions.setText("\n\n".join(
            f"{detail.local(d.at)} · {d.officer}\n{d.label}"
            + (f" at {detail.local(d.notified_at)}" if d.notified_at else "")
            + f"\nReasons: {d.reasons}"
            + (f"\nReasons for the delay: {d.delay_reasons}" if d.delay_reasons else "")
            for d in detail.decisions) or "No decision yet.")
        self._enable(detail)

    def _enable(self, detail: BreachDetail) -> None:
        is_open = detail.row.status == "open"
        for key in ("ico", "people", "close"):
            if guard(self.buttons[key], self._ctx, Permission.EDIT) and not is_open:
                self.buttons[key].setEnabled(False)
                self.buttons[key].setToolTip("The breach is closed.")
        guard(self.buttons["draft"], self._ctx, Permission.PACK)
        if guard(self.buttons["letters"], self._ctx, Permission.PACK) and \
                detail.row.people_decision != "tell":
            self.buttons["letters"].setEnabled(False)
            self.buttons["letters"].setToolTip("Letters go out once you decide to tell the "
                                               "people affected.")

    def tick(self) -> None:
        """Move the clock badge on (called by the area's timer)."""
        if self.detail is None:
            return
        row = self.detail.row
        level = row.reading(self._now()).urgency if row.clock_running else None
        background, text = URGENCY_COLOURS[level]
        self.clock.setText(f"ICO clock: {row.clock_text(self._now())}")
        self.clock.setStyleSheet(f"background: {background}; color: {text}; "
                                 "font-weight: bold; border-radius: 4px;")
