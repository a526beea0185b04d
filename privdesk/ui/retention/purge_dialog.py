"""Review and purge: exactly what will be deleted, an explicit confirmation (type the
number of contacts), the deletion off the UI thread, then the purge report."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.display import left_to_right_line, plural
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.purge import PurgePreview, PurgeResult, PurgeService
from privdesk.ui.navigation import Navigator, open_on_double_click
from privdesk.ui.permissions import guard, refusal
from privdesk.ui.retention.models import ID_ROLE, P_COL_NAME, PurgePreviewModel, fmt_date
from privdesk.ui.safe_buttons import safe_default
from privdesk.ui.screen_fit import fit_window
from privdesk.ui.tasks import TaskRunner

TOTAL_LABELS = (("contacts", "Contacts"), ("interactions", "Interactions"),
                ("disclosures", "Disclosures"), ("history", "History entries"),
                ("documents", "Stored documents"), ("request_links", "Links to requests"))


class PurgeReviewDialog(QDialog):
    purged = Signal(object)  # PurgeResult

    def __init__(self, preview: PurgePreview, purge: PurgeService, tasks: TaskRunner,
                 ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._preview, self._purge, self._tasks = preview, purge, tasks
        self.result_: PurgeResult | None = None
        n = len(preview.items)
        self.setWindowTitle("Review and purge")
        fit_window(self, 1060, 640)

        heading = QLabel(f"Delete {n:,} contact{'s' if n != 1 else ''} due by "
                         f"{fmt_date(preview.due_by)}")
        heading.setObjectName("areaTitle")
        about = QLabel("Everything below is deleted for good, in one step, with everything "
                       "that hangs off each person. Each person leaves a tombstone (rule, "
                       "date, officer and counts, no personal data). Requests stay, without "
                       "their link to the person.")
        about.setObjectName("hint")
        about.setWordWrap(True)

        totals = QGridLayout()
        totals.setHorizontalSpacing(24)
        as_json = preview.totals.as_json()
        self.total_labels: dict[str, QLabel] = {}
        for i, (key, label) in enumerate(TOTAL_LABELS):
            value = QLabel(f"{as_json[key]:,}")
            value.setStyleSheet("font-size: 14pt; font-weight: 600; color: #17324d;")
            value.setAlignment(Qt.AlignmentFlag.AlignCenter)
            caption = QLabel(label)
            caption.setObjectName("hint")
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            totals.addWidget(value, 0, i)
            totals.addWidget(caption, 1, i)
            self.total_labels[key] = value

        self.table = QTableView()
        self.model = PurgePreviewModel(preview.items)
        self.table.setModel(self.model)
        self.table.setAlternatingRowColors(True)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().hide()
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(P_COL_NAME, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(60)
        self.navigator: Navigator | None = None  # set by the Retention area
        open_on_double_click(self.table, lambda: self.navigator, ID_ROLE)

        # People due for deletion but linked to an open request are kept, and said so.
        self.held = QLabel(self._held_text(preview))
        self.held.setWordWrap(True)
        self.held.setTextFormat(Qt.TextFormat.PlainText)
        self.held.setStyleSheet("background: #fff4ce; border: 1px solid #e0c060; "
                                "border-radius: 4px; padding: 6px;")
        self.held.setVisible(bool(preview.held))

        self.confirm_label = QLabel(f"To confirm, type the number of contacts to delete "
                                    f"(<b>{n}</b>):")
        self.confirm = QLineEdit()
        self.confirm.setPlaceholderText(str(n))
        self.confirm.setMaximumWidth(120)
        self.confirm.textChanged.connect(self._update_button)
        self.delete_button = QPushButton(f"Delete {n:,} contact{'s' if n != 1 else ''}")
        self.delete_button.setObjectName("danger")
        self.delete_button.setStyleSheet(
            "QPushButton#danger:enabled { background: #b3261e; color: white; border-color: #8c1d17; }")
        self.delete_button.clicked.connect(self.run_purge)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = QPushButton("Save purge report…")
        self.save_button.clicked.connect(self._ask_report_path)
        self.save_button.hide()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.setMaximumWidth(160)
        self.progress.hide()
        self.status = QLabel()
        self.status.setWordWrap(True)
        # Plain text: it names people and recipients as typed (markup shows as written).
        self.status.setTextFormat(Qt.TextFormat.PlainText)
        self.status.hide()
        self._ctx = ctx
        refused = refusal(ctx, Permission.PURGE, "purge data")
        if refused:
            self.confirm.setEnabled(False)
            self._say(refused)
        if n == 0:
            self.confirm.setEnabled(False)
            self._say("Nothing can be deleted now." if preview.held
                      else "Nothing is due for deletion.")

        row = QHBoxLayout()
        row.addWidget(self.confirm_label)
        row.addWidget(self.confirm)
        row.addWidget(self.progress)
        row.addStretch(1)
        row.addWidget(self.save_button)
        row.addWidget(self.cancel_button)
        row.addWidget(self.delete_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 12, 16, 12)
        layout.addWidget(heading)
        layout.addWidget(about)
        layout.addSpacing(6)
        layout.addLayout(totals)
        layout.addSpacing(6)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.held)
        layout.addWidget(self.status)
        layout.addLayout(row)
        safe_default(self, self.cancel_button)  # deleting needs the typed number and a click
        self._update_button()

    @staticmethod
    def _held_text(preview: PurgePreview) -> str:
        if not preview.held:
            return ""
        n = len(preview.held)
        # The reason follows what holds them: the reason each held person gives names it.
        by_breach = any(h.breaches for h in preview.held)
        by_request = any(h.by_request for h in preview.held)
        why = []
        if by_request:
            why.append("Data a request covers must be kept until it is answered "
                       "(DPA 2018 s.173).")
        if by_breach:
            why.append("People an open personal-data breach concerns are kept until it is "
                       "closed (UK GDPR Art. 33(5) and 34).")
        linked = " or ".join(w for w, on in (("an open request", by_request),
                                             ("an open breach", by_breach)) if on)
        lines = [f"Kept, not deleted: {n} {'person is' if n == 1 else 'people are'} due but "
                 f"linked to {linked}. {' '.join(why)}"]
        lines += [left_to_right_line(f"  • {' '.join(h.name.split())[:80]} (#{h.contact_id}): "
                                     f"held by {', '.join(h.references)}")
                  for h in preview.held[:20]]
        if n > 20:
            lines.append(f"  … and {n - 20} more")
        return "\n".join(lines)

    # -- confirmation and running ------------------------------------------------------
    @property
    def confirmed(self) -> bool:
        return self.confirm.text().strip().replace(",", "") == str(len(self._preview.items))

    def _update_button(self) -> None:
        guard(self.delete_button, self._ctx, Permission.PURGE, "purge data",
              unless=lambda: None if self._preview.items and self.confirmed
              and self.result_ is None else "")

    def run_purge(self) -> None:
        if not self.confirmed or self.result_ is not None:
            return
        ids, due_by, count = self._preview.contact_ids, self._preview.due_by, len(self._preview.items)
        self.delete_button.setEnabled(False)
        self.confirm.setEnabled(False)
        self.cancel_button.setEnabled(False)
        self.progress.show()
        self._say("Deleting… (one transaction, then the write-ahead log is cleared)")
        self._tasks.run(lambda: self._purge.purge(ids, due_by, confirmed_count=count),
                        on_done=self._done, on_error=self._failed)

    def _done(self, result: PurgeResult) -> None:
        self.result_ = result
        self.progress.hide()
        t = result.totals
        self._say(
            f"Deleted {plural(t.contacts, 'contact')}, {plural(t.interactions, 'interaction')}, "
            f"{plural(t.disclosures, 'disclosure')}, "
            f"{plural(t.history, 'history entry', 'history entries')} and "
            f"{plural(t.documents, 'stored document')}; "
            f"{plural(len(result.tombstones), 'tombstone')} left."
            + ("" if result.wal_truncated else " The write-ahead log could not be cleared yet "
               "(another reader was busy); it will be on the next checkpoint."))
        self.confirm_label.setText("Done.")
        self.confirm.hide()
        self.delete_button.hide()
        self.cancel_button.setText("Close")
        self.cancel_button.setEnabled(True)
        self.save_button.show()
        self.save_button.setDefault(True)
        self.purged.emit(result)

    def _failed(self, exc: Exception) -> None:
        self.progress.hide()
        self.cancel_button.setEnabled(True)
        self._say(f"Nothing was deleted: {exc}", True)

    # -- the purge report --------------------------------------------------------------
    def _ask_report_path(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save purge report", "purge-report.csv",
                                              "CSV (*.csv);;JSON (*.json)")
        if path:
            self.save_report_to(Path(path))

    def save_report_to(self, path: Path) -> None:
        if self.result_ is None:
            return
        tombstones = self.result_.tombstones
        fmt = "json" if path.suffix.lower() == ".json" else "csv"
        self._tasks.run(lambda: self._purge.save_report(path, tombstones, fmt),
                        on_done=lambda p: self._say(f"Purge report saved to {p}."),
                        on_error=lambda e: self._say(f"The report was not saved: {e}", True))

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("color: #b3261e; font-weight: 600;" if error else "")
        self.status.setVisible(bool(text))
