"""Import contacts from CSV or vCard: pick a file, check its encoding (the names with
accents are shown as read), the column mapping and the source/status value mapping,
validate every row (the report can be saved), then commit all-or-nothing. Reading,
checking and writing run off the UI thread with a progress bar and Cancel."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from privdesk.services.contacts_import import (
    ContactImportService,
    ImportCancelled,
    ImportPreview,
    ImportResult,
    write_report,
)
from privdesk.services.context import ServiceContext
from privdesk.ui.contacts.import_options import ImportOptions
from privdesk.ui.contacts.import_report import (
    checked_text,
    importable,
    imported_text,
    needs_text,
    report_rows,
)
from privdesk.ui.contacts.import_values import ValuesPanel
from privdesk.ui.contacts.mapping_panel import MappingPanel
from privdesk.ui.contacts.widgets import TextRowsModel
from privdesk.ui.safe_buttons import safe_default
from privdesk.ui.screen_fit import fit_window
from privdesk.ui.tasks import Lane, TaskRunner

COL_E_LINE, COL_E_FIELD, COL_E_REASON = range(3)


class _Progress(QObject):
    """Carries progress from the worker thread to the UI thread (queued signal)."""

    moved = Signal(int, int)


class ImportDialog(QDialog):
    imported = Signal(object)  # ImportResult

    def __init__(self, importer: ContactImportService, ctx: ServiceContext, tasks: TaskRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._importer, self._tasks, self._ctx = importer, tasks, ctx
        self._data: bytes | None = None
        self._path: Path | None = None
        self._result: ImportResult | None = None
        self._cancel = threading.Event()
        self._progress = _Progress(self)
        self.setWindowTitle("Import contacts from CSV")
        fit_window(self, 900, 640)

        self.choose_button = QPushButton("Choose file…")
        self.file_label = QLabel("No file chosen. Use our template's columns, or a CRM export "
                                 "(First Name, Last Name, Email Address…).")
        self.file_label.setObjectName("hint")
        self.file_label.setWordWrap(True)
        self.file_label.setTextFormat(Qt.TextFormat.PlainText)
        self.mapping_panel = MappingPanel()
        self.mapping_panel.changed.connect(self._mapping_changed)
        self.preview_model = TextRowsModel([])
        self.preview = self._table(self.preview_model)
        self.errors_model = TextRowsModel(["Line", "Field", "Reason"])
        self.errors_view = self._table(self.errors_model)
        header = self.errors_view.horizontalHeader()
        header.setSectionResizeMode(COL_E_LINE, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_E_FIELD, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(COL_E_REASON, QHeaderView.ResizeMode.Stretch)
        self.values_panel = ValuesPanel([(s.key, s.label) for s in self._ctx.policy.sources])
        self.values_panel.changed.connect(self.check)
        self.options = ImportOptions()
        self.options.encoding_changed.connect(self._reload)
        self.options.changed.connect(self.check)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.mapping_panel, "Column mapping")
        self.tabs.addTab(self.values_panel, "Values")
        self.tabs.addTab(self.preview, "Preview")
        self.tabs.addTab(self.errors_view, "Validation report")

        self.default_source = QComboBox()
        self.default_source.addItem("(every row must give its source)", None)
        for s in self._ctx.policy.sources:
            self.default_source.addItem(s.label, s.key)
        self.skip_invalid = QCheckBox("Import only the valid rows (skip the invalid ones)")
        self.summary = QLabel("")
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.bar = QProgressBar()
        self.bar.hide()
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.hide()
        self.check_button = QPushButton("Check file")
        self.import_button = QPushButton("Import")
        self.save_report_button = QPushButton("Save report…")
        self.close_button = QPushButton("Close")
        for b in (self.check_button, self.import_button, self.save_report_button):
            b.setEnabled(False)

        top = QHBoxLayout()
        top.addWidget(self.choose_button)
        top.addWidget(self.file_label, 1)
        options = QHBoxLayout()
        options.addWidget(QLabel("Source for rows without one:"))
        options.addWidget(self.default_source)
        options.addSpacing(16)
        options.addWidget(self.skip_invalid)
        options.addStretch(1)
        progress = QHBoxLayout()
        progress.addWidget(self.bar, 1)
        progress.addWidget(self.cancel_button)
        buttons = QHBoxLayout()
        buttons.addWidget(self.save_report_button)
        buttons.addStretch(1)
        for b in (self.check_button, self.import_button, self.close_button):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.options)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(options)
        layout.addWidget(self.summary)
        layout.addLayout(progress)
        layout.addLayout(buttons)

        self.choose_button.clicked.connect(self._choose)
        self.check_button.clicked.connect(self.check)
        self.import_button.clicked.connect(self.run_import)
        self.cancel_button.clicked.connect(self._cancel.set)
        self.save_report_button.clicked.connect(self._save_report)
        self.close_button.clicked.connect(self.reject)
        self._progress.moved.connect(self._moved)
        self.default_source.currentIndexChanged.connect(lambda _i: self.check())
        safe_default(self, self.check_button)  # Return checks; importing needs a click

    @staticmethod
    def _table(model: TextRowsModel) -> QTableView:
        view = QTableView()
        view.setModel(model)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.verticalHeader().setVisible(False)
        view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        view.horizontalHeader().setDefaultSectionSize(140)
        return view

    # -- file and mapping --------------------------------------------------------------
    def _choose(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, "Import contacts", "",
                                              "Contacts (*.csv *.txt *.vcf);;All files (*)")
        if path:
            self.load_file(Path(path))

    def load_file(self, path: Path, encoding: str | None = None) -> None:
        importer = self._importer
        if encoding is None:
            self.values_panel.reset()

        def work() -> tuple[bytes, ImportPreview]:
            data = path.read_bytes()
            return data, importer.preview(data, encoding=encoding)

        self.file_label.setText(f"Reading {path.name}…")
        self._tasks.run(work, on_done=lambda r: self._show_preview(path, encoding, *r),
                        on_error=self._failed)

    def _reload(self) -> None:
        if self._path is not None:
            self.load_file(self._path, self.options.chosen_encoding())

    def _show_preview(self, path: Path, encoding: str | None, data: bytes,
                      preview: ImportPreview) -> None:
        self._data, self._result, self._path = data, None, path
        self._encoding = encoding if encoding is not None or preview.encoding_certain else None
        kind = f", recognised as {preview.kind}" if preview.kind else ""
        rows = f"{preview.rows:,} row{'s' if preview.rows != 1 else ''}"
        self.file_label.setText(f"{path.name}: {rows}{kind}")
        self.options.show_preview(preview, encoding)
        self.mapping_panel.show_preview(preview)
        self.preview_model = TextRowsModel(list(preview.headers), preview.sample)
        self.preview.setModel(self.preview_model)
        self.check_button.setEnabled(True)
        self.check()

    def mapping(self) -> dict[int, str]:
        return self.mapping_panel.mapping()

    def _mapping_changed(self) -> None:
        self._result = None
        self.import_button.setEnabled(False)
        self.summary.setText("The mapping changed: check the file again.")

    # -- checking and importing --------------------------------------------------------
    def _start(self, text: str) -> None:
        self._cancel.clear()
        self.bar.setValue(0)
        self.bar.show()
        self.cancel_button.show()
        self.summary.setText(text)
        for b in (self.check_button, self.import_button, self.choose_button):
            b.setEnabled(False)

    def _stop(self) -> None:
        self.bar.hide()
        self.cancel_button.hide()
        self.check_button.setEnabled(self._data is not None)
        self.choose_button.setEnabled(True)

    def _moved(self, done: int, total: int) -> None:
        self.bar.setMaximum(max(1, total))
        self.bar.setValue(done)

    def _job_args(self) -> dict[str, Any]:
        sources, statuses = self.values_panel.maps()
        return {"mapping": self.mapping(), "default_source": self.default_source.currentData(),
                "progress": self._progress.moved.emit, "cancel": self._cancel.is_set,
                "encoding": getattr(self, "_encoding", None),
                "date_order": self.options.date_order.currentData(),
                "on_existing": self.options.on_existing.currentData(),
                "source_map": sources, "status_map": statuses}

    def check(self) -> None:
        if self._data is None:
            return
        data, args, importer = self._data, self._job_args(), self._importer
        self._start("Checking every row…")
        self._tasks.run(lambda: importer.validate(data, **args), on_done=self._checked,
                        on_error=self._failed, lane=Lane.LONG)  # searches go on meanwhile

    def _checked(self, result: ImportResult) -> None:
        self._stop()
        self._show_report(result)
        self.values_panel.show_values(result.values)
        text = (self._needs_text(result.needs) if result.needs else "") + checked_text(result)
        self.summary.setText(text)
        self.import_button.setEnabled(importable(result))

    def _needs_text(self, needs: tuple[str, ...]) -> str:
        """What the officer must decide before anything can be imported."""
        tab = {"columns": self.mapping_panel, "values": self.values_panel}
        for need in needs:
            if need in tab:
                self.tabs.setCurrentWidget(tab[need])
                break
        return needs_text(needs)

    def _show_report(self, result: ImportResult) -> None:
        self._result = result
        rows = report_rows(result)
        self.errors_model.set_rows(rows)
        self.save_report_button.setEnabled(bool(rows))
        if result.errors and not result.needs:
            self.tabs.setCurrentWidget(self.errors_view)

    def run_import(self) -> None:
        if self._data is None:
            return
        data, args, importer = self._data, self._job_args(), self._importer
        skip = self.skip_invalid.isChecked()
        self._start("Importing…")
        self._tasks.run(lambda: importer.run(data, skip_invalid=skip, **args),
                        on_done=self._done, on_error=self._failed, lane=Lane.LONG)

    def _done(self, result: ImportResult) -> None:
        self._stop()
        self._show_report(result)
        if result.committed:
            self.summary.setText(imported_text(result))
            self.import_button.setEnabled(False)
            self.close_button.setText("Done")
            self.imported.emit(result)
        else:
            self.values_panel.show_values(result.values)
            self.summary.setText(self._needs_text(result.needs) if result.needs else
                                 f"Nothing was imported: {result.rejected:,} rows have errors. "
                                 "Fix them, or tick “Import only the valid rows”.")
            self.import_button.setEnabled(importable(result))

    def _failed(self, exc: Exception) -> None:
        self._stop()
        if isinstance(exc, ImportCancelled):
            self.summary.setText("Cancelled: nothing was imported.")
        elif isinstance(exc, OSError):
            self.summary.setText(f"Cannot read the file: {exc.strerror or exc}")
        else:
            self.summary.setText(f"Nothing was imported: {exc}")

    def _save_report(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, "Save import report",
                                              "import-report.csv", "CSV files (*.csv)")
        if path:
            self.save_report(Path(path))

    def save_report(self, path: Path) -> None:
        if self._result is not None:
            write_report(path, self._result)
