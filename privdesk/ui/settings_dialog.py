"""Settings (admins change them; others see them read-only): bank holidays, the time zone
of breach times, auto-lock, a team store's outage lock, backups, SMTP. The SMTP password goes into the store's
secrets, never into settings."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from privdesk.domain.breach_clock import DEFAULT_ZONE, zone
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.mailer import MailService, check_address
from privdesk.services.settings import SettingsService
from privdesk.services.team import is_team_store
from privdesk.ui.permissions import guard
from privdesk.ui.safe_buttons import safe_default
from privdesk.ui.screen_fit import fit_window, largest, scrolling
from privdesk.ui.settings_fields import (
    NATIONS,
    OUTAGE_MAX_S,
    OUTAGE_MIN_S,
    SECURITY,
    spin,
    zone_box,
)
from privdesk.ui.tasks import TaskRunner


def _check(changed: dict[str, Any]) -> None:
    """Refuse, in plain words, a value that must not be saved."""
    if "timezone" in changed:
        zone(changed["timezone"])  # a zone Python's tz database knows (BreachClockError)
    if changed.get("smtp.from"):  # "Privacy Team <privacy@example.com>" is a good sender
        check_address("sender address", changed["smtp.from"], display_name=True)


class SettingsDialog(QDialog):
    """Reads and writes run on the TaskRunner: Save stays disabled until the stored values
    are shown, so a slow read can never let the defaults be saved over them."""

    loaded = Signal()

    def __init__(self, settings: SettingsService, ctx: ServiceContext, tasks: TaskRunner,
                 parent: QWidget | None = None, mail: MailService | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self.setMinimumWidth(560)
        fit_window(self, 620, 760)
        self._settings, self._ctx, self._tasks = settings, ctx, tasks
        self._mail = mail
        self._values: dict[str, Any] | None = None  # as stored; None until read

        self.nation = QComboBox()
        for code, name in NATIONS:
            self.nation.addItem(name, code)
        self.timezone = zone_box()
        self.auto_lock = spin(0, 240, " minutes")
        self.auto_lock.setSpecialValueText("Never")
        # Only a team store has a server that can go away: the row is shown there only, so
        # a local store's Settings never show (or write) a value that does nothing.
        self.team = is_team_store(ctx.store)
        self.outage_lock = spin(OUTAGE_MIN_S, OUTAGE_MAX_S, " seconds")
        self.outage_lock.setToolTip(
            "When the team server has not answered for this long, the window locks (the "
            "key is dropped); unlocking reconnects once the server is back. Shorter "
            "outages are only reported in the status bar.")
        rows: list[tuple[str, QWidget]] = [
            ("Bank holidays", self.nation), ("Time zone", self.timezone),
            ("Lock after idle", self.auto_lock)]
        if self.team:
            rows.append(("Lock if the server is silent for", self.outage_lock))
        general = self._group("Deadlines and locking", rows)

        self.backup_folder = QLineEdit()
        self.backup_folder.setPlaceholderText("Default: the user data folder's backups")
        browse = QPushButton("Choose…")
        browse.clicked.connect(self._browse)
        folder_row = QHBoxLayout()
        folder_row.addWidget(self.backup_folder, 1)
        folder_row.addWidget(browse)
        folder_widget = QWidget()
        folder_widget.setLayout(folder_row)
        folder_row.setContentsMargins(0, 0, 0, 0)
        self.keep_daily = spin(1, 60, " daily")
        self.keep_weekly = spin(0, 52, " weekly")
        self.keep_monthly = spin(0, 120, " monthly")
        keep_row = QHBoxLayout()
        keep_row.setContentsMargins(0, 0, 0, 0)
        for box in (self.keep_daily, self.keep_weekly, self.keep_monthly):
            keep_row.addWidget(box)
        keep_row.addStretch(1)
        keep_widget = QWidget()
        keep_widget.setLayout(keep_row)
        backups = self._group("Backups", [("Folder", folder_widget), ("Keep", keep_widget)])

        self.smtp_host = QLineEdit()
        self.smtp_port = spin(1, 65535)
        self.smtp_security = QComboBox()
        for code, name in SECURITY:
            self.smtp_security.addItem(name, code)
        self.smtp_user = QLineEdit()
        self.smtp_from = QLineEdit()
        self.smtp_from.setPlaceholderText("Privacy Team <privacy@example.com>")
        self.smtp_password = QLineEdit()
        self.smtp_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.smtp_password.setPlaceholderText("Unchanged (kept encrypted in the store)")
        smtp = self._group("Email (SMTP)", [
            ("Server", self.smtp_host), ("Port", self.smtp_port),
            ("Security", self.smtp_security), ("User", self.smtp_user),
            ("From address", self.smtp_from), ("Password", self.smtp_password)])
        self.test_button = QPushButton("Send test email…")
        self.test_button.clicked.connect(self.send_test)
        self.test_button.setAutoDefault(False)  # Return in a field saves; it never sends
        guard(self.test_button, ctx, Permission.EMAIL,
              tip="Send a short email with the saved settings, to check them",
              unless=lambda: None if mail is not None else "")
        smtp_form = smtp.layout()
        assert isinstance(smtp_form, QFormLayout)
        smtp_form.addRow("", self.test_button)

        self.note = QLabel()
        self.note.setObjectName("hint")
        self.note.setWordWrap(True)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel
                                        | QDialogButtonBox.StandardButton.Save)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        intro = QLabel("Store-wide settings, shared by every officer of this store. Each "
                       "change is recorded in the audit trail.")
        intro.setObjectName("hint")
        intro.setWordWrap(True)
        body = QWidget()
        column = QVBoxLayout(body)
        column.setContentsMargins(0, 0, 0, 0)
        for part in (intro, general, backups, smtp):
            column.addWidget(part)
        column.addStretch(1)
        layout = QVBoxLayout(self)
        self._body, self.groups_area = body, scrolling(body)
        layout.addWidget(self.groups_area, 1)  # the groups scroll; Save stays in view
        self._fitted = False
        layout.addWidget(self.note)
        layout.addWidget(self.buttons)
        self._fields: list[QWidget] = [
            self.nation, self.timezone, self.auto_lock, self.backup_folder, browse, self.keep_daily,
            self.keep_weekly, self.keep_monthly, self.outage_lock, self.smtp_host, self.smtp_port,
            self.smtp_security, self.smtp_user, self.smtp_from, self.smtp_password]
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        safe_default(self, self.save_button)  # Return saves; never "Send test email…" or "Choose…"
        if not guard(self.save_button, ctx, Permission.SETTINGS):
            self._say(self.save_button.toolTip().removesuffix(".")
                              + ": they are shown read-only.")
            for w in self._fields:
                w.setEnabled(False)
        else:
            self._guard_save()
            for w in self._fields:  # typing before the stored values arrive would be lost
                w.setEnabled(False)
        tasks.run(settings.all, on_done=self.load, on_error=self._failed, key="settings.read")

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._fitted:
            self._fitted = True
            self.fit_to_content()

    def _say(self, text: str) -> None:
        """The line above Save; the dialog grows to keep the groups unscrolled."""
        self.note.setText(text)
        if self._fitted:
            self.fit_to_content()

    def fit_to_content(self) -> None:
        """As tall as the groups need at the dialog's width, so no empty band sits above
        Save; they scroll only when the screen is shorter than that. Measured once shown:
        before that the intro's wrapped height is not known."""
        layout = self.layout()
        assert layout is not None
        layout.activate()
        width = self.groups_area.viewport().width()
        needed = self._body.heightForWidth(width)
        if needed < 0:
            needed = self._body.sizeHint().height()
        chrome = self.height() - self.groups_area.viewport().height()
        self.resize(self.width(), min(chrome + needed, largest(self)[1]))

    @property
    def ready(self) -> bool:
        """The stored values are shown (read on the worker)."""
        return self._values is not None

    def _guard_save(self) -> None:
        guard(self.save_button, self._ctx, Permission.SETTINGS, unless=lambda: None
              if self._values is not None else "Reading the settings…")

    @staticmethod
    def _group(title: str, rows: list[tuple[str, QWidget]]) -> QGroupBox:
        box = QGroupBox(title)
        form = QFormLayout(box)
        for label, widget in rows:
            form.addRow(label, widget)
        return box

    def _browse(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, "Backup folder", self.backup_folder.text())
        if folder:
            self.backup_folder.setText(folder)

    def load(self, values: dict[str, Any]) -> None:
        """Show the stored values (from the worker), then allow Save."""
        self._values = dict(values)
        self.nation.setCurrentIndex(max(0, self.nation.findData(values["bank_holiday_nation"])))
        self.timezone.setCurrentText(str(values.get("timezone") or DEFAULT_ZONE))
        self.auto_lock.setValue(int(values["auto_lock_minutes"]))
        self.backup_folder.setText(values["backup.folder"] or "")
        self.keep_daily.setValue(int(values["backup.keep_daily"]))
        self.keep_weekly.setValue(int(values["backup.keep_weekly"]))
        self.keep_monthly.setValue(int(values["backup.keep_monthly"]))
        self.smtp_host.setText(values["smtp.host"])
        self.smtp_port.setValue(int(values["smtp.port"]))
        self.smtp_security.setCurrentIndex(
            max(0, self.smtp_security.findData(values["smtp.security"])))
        self.smtp_user.setText(values["smtp.user"])
        self.smtp_from.setText(values["smtp.from"])
        seconds = int(values["team.outage_lock_seconds"])
        # A value set outside the usual range (privdesk settings set) is shown as it is,
        # so saving another setting never changes it behind the officer's back.
        self.outage_lock.setRange(min(OUTAGE_MIN_S, seconds), max(OUTAGE_MAX_S, seconds))
        self.outage_lock.setValue(seconds)
        if self._ctx.can(Permission.SETTINGS):
            self._guard_save()
            for w in self._fields:
                w.setEnabled(True)
        self.loaded.emit()

    def values(self) -> dict[str, Any]:
        return {
            "bank_holiday_nation": self.nation.currentData(),
            "timezone": self.timezone.currentText().strip(),
            "auto_lock_minutes": self.auto_lock.value(),
            "backup.folder": self.backup_folder.text().strip() or None,
            "backup.keep_daily": self.keep_daily.value(),
            "backup.keep_weekly": self.keep_weekly.value(),
            "backup.keep_monthly": self.keep_monthly.value(),
            "smtp.host": self.smtp_host.text().strip(),
            "smtp.port": self.smtp_port.value(),
            "smtp.security": self.smtp_security.currentData(),
            "smtp.user": self.smtp_user.text().strip(),
            "smtp.from": self.smtp_from.text().strip(),
        } | ({"team.outage_lock_seconds": self.outage_lock.value()} if self.team else {})

    def save(self) -> None:
        """Only changed values are written (each write is audited). The comparison with the
        stored values, the checks and the writes run on the worker; a value refused by a
        check is shown in the note and nothing is written."""
        if not self.save_button.isEnabled():
            return
        wanted, password, settings = self.values(), self.smtp_password.text(), self._settings
        self.buttons.setEnabled(False)

        def write() -> int:
            current = settings.all()
            changed = {k: v for k, v in wanted.items() if current.get(k) != v}
            _check(changed)  # before any write
            for key, value in changed.items():
                settings.set(key, value)
            if password:
                settings.set_secret("smtp.password", password.encode("utf-8"))
            return len(changed) + bool(password)

        self._tasks.run(write, on_done=lambda _n: self.accept(), on_error=self._failed)

    def send_test(self) -> None:
        """A test email with the saved settings, to an address the officer types."""
        if self._mail is None:
            return
        shown = {k: v for k, v in self.values().items() if k.startswith("smtp.")}
        self._tasks.run(self._settings.all, on_done=lambda current: self._ask_test(
            any(current.get(k) != v for k, v in shown.items())), on_error=self._test_failed)

    def _ask_test(self, unsaved: bool) -> None:
        if unsaved or self._mail is None:
            self._say("Save the email settings first: the test uses the saved ones.")
            return
        own = self.smtp_from.text().strip()
        own = own[own.find("<") + 1:own.rfind(">")] if "<" in own else own
        to, ok = QInputDialog.getText(self, "Send test email", "Send a test email to:", text=own)
        if not ok or not to.strip():
            return
        mail = self._mail
        self._say(f"Sending a test email to {to.strip()}…")
        self.test_button.setEnabled(False)
        self._tasks.run(lambda: mail.send_test(to.strip()), on_done=self._tested,
                        on_error=self._test_failed)

    def _tested(self, to: str) -> None:
        self.test_button.setEnabled(True)
        self._say(f"Test email sent to {to}. Check that it arrived.")

    def _test_failed(self, exc: Exception) -> None:
        self.test_button.setEnabled(True)
        self._say(str(exc))

    def _failed(self, exc: Exception) -> None:
        self.buttons.setEnabled(True)
        self._say(str(exc))
