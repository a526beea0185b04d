"""Accountability documents from the Breaches area: the record of processing activities
(Art. 30, PDF or CSV) and the management report (a period, its figures, the PDF).
Work runs off the UI thread; results and refusals are shown in plain words."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QDateEdit,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.report_figures import ReportFigures
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.management_report import ManagementReportService
from privdesk.ui.permissions import guard
from privdesk.ui.tasks import TaskRunner


def _date_edit(d: date) -> QDateEdit:
    edit = QDateEdit(QDate(d.year, d.month, d.day))
    edit.setDisplayFormat("ddd d MMM yyyy")
    edit.setCalendarPopup(True)
    return edit


def _picked(edit: QDateEdit) -> date:
    q = edit.date()
    return date(q.year(), q.month(), q.day())


def summary_text(f: ReportFigures) -> str:
    rate = f"{f.on_time_rate * 100:.0f}%" if f.on_time_rate is not None else "n/a"
    median = f"{f.median_days:g} days" if f.median_days is not None else "n/a"
    return (f"{f.received_total} requests received; {f.answered} answered, {rate} on time "
            f"(median {median}); {f.overdue_now} overdue now; {f.extensions} extended, "
            f"{f.refusals} refused; {f.erasures} erasures, {f.purges} retention purges; "
            f"{len(f.breaches)} breaches.")


class ReportDialog(QDialog):
    """Choose a period, see its figures, save the PDF."""

    def __init__(self, report: ManagementReportService, ctx: ServiceContext, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Management report")
        self._report, self._tasks = report, tasks
        self.figures: ReportFigures | None = None
        start, end = report.period(None, None)
        self.start, self.end = _date_edit(start), _date_edit(end)
        form = QFormLayout()
        form.addRow("From", self.start)
        form.addRow("To", self.end)
        self.summary = QLabel("Working out the figures…")
        self.summary.setWordWrap(True)
        self.summary.setMinimumWidth(460)
        self.summary.setMinimumHeight(90)
        self.summary.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.save_button = QPushButton("Save PDF…")
        self.save_button.clicked.connect(lambda: self.save())
        guard(self.save_button, ctx, Permission.EXPORT, "export the report")
        close = QPushButton("Close")
        close.clicked.connect(self.reject)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_button)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.summary)
        layout.addLayout(buttons)
        self.setMinimumSize(520, 250)
        self.start.dateChanged.connect(lambda _d: self.recompute())
        self.end.dateChanged.connect(lambda _d: self.recompute())
        self.recompute()

    def recompute(self) -> None:
        report, start, end = self._report, _picked(self.start), _picked(self.end)
        self.figures = None
        self.summary.setText("Working out the figures…")
        self._tasks.run(lambda: report.figures(start, end), on_done=self._shown,
                        on_error=self._failed)

    def _shown(self, figures: ReportFigures) -> None:
        if (figures.start, figures.end) != (_picked(self.start), _picked(self.end)):
            return  # an older period finishing after the officer changed it
        self.figures = figures
        self.summary.setText(summary_text(figures))

    def _failed(self, exc: Exception) -> None:
        self.summary.setText(str(exc.args[0]) if exc.args else str(exc))

    def save(self, path: Path | None = None) -> None:
        figures = self.figures
        if figures is None:
            return
        if path is None:
            name = f"management-report-{figures.start.isoformat()}-{figures.end.isoformat()}.pdf"
            chosen, _ = QFileDialog.getSaveFileName(self, "Save the management report", name,
                                                    "PDF files (*.pdf)")
            if not chosen:
                return
            path = Path(chosen)
        report, out = self._report, path
        self._tasks.run(lambda: report.pdf(out, figures),
                        on_done=lambda pages: self.summary.setText(
                            f"{summary_text(figures)}\n\nSaved ({pages} pages) to {out}."),
                        on_error=self._failed)
