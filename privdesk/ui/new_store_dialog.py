"""Create a new encrypted store: where, and a passphrase asked twice with a strength meter."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.passwords import MIN_LENGTH, check_new_passphrase, estimate
from privdesk.paths import STORE_SUFFIX

_METER_COLOURS = ["#b3261e", "#b3261e", "#b26a00", "#2e7d32", "#1b5e20"]


class NewStoreDialog(QDialog):
    def __init__(self, default_folder: Path, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("New encrypted store")
        self.setMinimumWidth(520)
        self._folder = default_folder

        self.path_edit = QLineEdit(str(default_folder / f"register{STORE_SUFFIX}"))
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        path_row = QHBoxLayout()
        path_row.addWidget(self.path_edit, 1)
        path_row.addWidget(browse)

        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(f"At least {MIN_LENGTH} characters")
        self.repeat = QLineEdit()
        self.repeat.setEchoMode(QLineEdit.EchoMode.Password)
        self.meter = QProgressBar()
        self.meter.setRange(0, 4)
        self.meter.setTextVisible(True)
        self.meter.setFixedHeight(18)
        self.advice = QLabel()
        self.advice.setWordWrap(True)
        self.advice.setObjectName("hint")

        form = QFormLayout()
        form.addRow("File", path_row)
        form.addRow("Passphrase", self.passphrase)
        form.addRow("Strength", self.meter)
        form.addRow("", self.advice)
        form.addRow("Repeat", self.repeat)

        note = QLabel("The passphrase is never stored. If it is lost, the store cannot be "
                      "opened by anyone: keep it in your organisation's password manager.")
        note.setWordWrap(True)
        note.setObjectName("hint")

        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Ok)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create store")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.buttons)
        for edit in (self.passphrase, self.repeat, self.path_edit):
            edit.textChanged.connect(self._update)
        self._update()

    def _browse(self) -> None:
        name, _ = QFileDialog.getSaveFileName(
            self, "New store", str(self._folder), f"privdesk stores (*{STORE_SUFFIX})")
        if name:
            if not name.endswith(STORE_SUFFIX):
                name += STORE_SUFFIX
            self.path_edit.setText(name)

    def _update(self) -> None:
        strength = estimate(self.passphrase.text())
        self.meter.setValue(strength.score)
        self.meter.setFormat(strength.label)
        self.meter.setStyleSheet(
            f"QProgressBar::chunk {{ background: {_METER_COLOURS[strength.score]}; }}")
        problems = []
        rule = check_new_passphrase(self.passphrase.text(), [Path(self.path_edit.text()).stem])
        if rule:  # the same rule as the command line (domain.passwords)
            problems.append(rule)
        elif self.repeat.text() != self.passphrase.text():
            problems.append("The two passphrases do not match yet.")
        if Path(self.path_edit.text()).exists():
            problems.append("A file with that name already exists.")
        self.advice.setText(" ".join(problems) or strength.advice)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setEnabled(not problems)

    @property
    def chosen_path(self) -> Path:
        return Path(self.path_edit.text())

    @property
    def chosen_passphrase(self) -> str:
        return self.passphrase.text()
