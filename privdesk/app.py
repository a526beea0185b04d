"""GUI composition root: paths -> unlock (key slots) -> Store -> services -> MainWindow,
and the session's lock cycle (idle timer, Ctrl+L) and backups (daily, on exit)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEventLoop, QSettings, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QMenu, QMessageBox, QProgressDialog

from privdesk.paths import AppPaths, app_paths
from privdesk.policy import Policy, load_policy
from privdesk.services.demo_officers import DEMO_ADMIN, DEMO_OFFICERS, DEMO_PASSPHRASE
from privdesk.store.errors import StoreError, StoreLockedError
from privdesk.store.server_url import is_server_url
from privdesk.ui.gc_guard import GuiThreadCollector
from privdesk.ui.lock import DialogCovers, IdleLock, LockCover
from privdesk.ui.style import apply_style
from privdesk.ui.tasks import TaskRunner
from privdesk.ui.unlock_dialog import UnlockDialog

# The unlock dialog must be on screen at once: only what it needs is imported above. The
# services, the store and the main window (SQLAlchemy, ReportLab, Alembic, Faker: about
# 2 s of imports) load on the worker thread while the officer types (preload()).
if TYPE_CHECKING:
    from privdesk.services.backup import BackupService
    from privdesk.services.container import Services
    from privdesk.services.context import ServiceContext
    from privdesk.ui.change_notice import ChangeNotice
    from privdesk.ui.main_window import MainWindow
    from privdesk.ui.team_refresh import TeamRefresher

MAX_RECENT = 8
__all__ = ["DEMO_ADMIN", "DesktopSession", "ensure_demo_store", "open_or_create", "run_gui"]


def preload() -> None:
    """Import what unlocking and the main window need (run on the worker thread)."""
    import privdesk.services.container
    import privdesk.store.vault
    import privdesk.ui.areas  # noqa: F401


def open_or_create(path: Path | str, officer: str, passphrase: str, create: bool,
                   policy: Policy) -> ServiceContext:
    """Unlock (or create) a store through the officer's key slot; runs off the UI thread.
    `path` is a store file, or a team server's URL (services.team)."""
    from privdesk.domain.passwords import check_new_passphrase  # zxcvbn: loaded off the UI thread
    from privdesk.services.session import begin_session
    from privdesk.services.team import open_location

    label = path.stem if isinstance(path, Path) else path.rsplit("/", 1)[-1]
    if create and (problem := check_new_passphrase(passphrase, [officer, label])):
        raise StoreError(problem)

    store = open_location(path, officer, passphrase, create)
    try:
        return begin_session(store, policy)
    except BaseException:
        store.close()
        raise


def ensure_demo_store(paths: AppPaths, policy: Policy) -> Path:
    """The demo store, built on first use (services.demo_store)."""
    from privdesk.services.demo_store import ensure_demo_store as build_demo_store

    return build_demo_store(paths.demo_store, policy)


def demo_store_with_progress(tasks: TaskRunner, paths: AppPaths, policy: Policy) -> Path | None:
    """The demo store; on first use it is built off the UI thread (several seconds) while a
    progress window says so, instead of nothing on screen at all."""
    if paths.demo_store.exists():
        return paths.demo_store
    progress = QProgressDialog("Preparing the demo store (first run only)…", "", 0, 0)
    progress.setWindowTitle("privdesk")
    progress.setCancelButton(None)
    progress.setMinimumDuration(0)
    progress.setMinimumWidth(380)
    progress.show()
    loop = QEventLoop()
    outcome: list[object] = []

    def finished(result: object) -> None:
        outcome.append(result)
        loop.quit()

    tasks.run(lambda: ensure_demo_store(paths, policy), on_done=finished, on_error=finished)
    loop.exec()
    progress.close()
    result = outcome[0] if outcome else None
    if isinstance(result, Exception):
        QMessageBox.warning(None, "privdesk", f"The demo store could not be made:\n\n{result}")
        return None
    return result if isinstance(result, Path) else None


class RecentStores:
    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def load(self) -> list[Path | str]:
        """Store files, and team servers as their shown address (never a password)."""
        raw = self._settings.value("recent_stores", [])
        items = [raw] if isinstance(raw, str) else list(raw) if isinstance(raw, list | tuple) else []
        return [p if is_server_url(p) else Path(p) for p in items if p]

    def add(self, location: Path | str) -> None:
        first = location if isinstance(location, str) else location.resolve()
        rest = [p for p in self.load() if p != first and not (
            isinstance(p, Path) and isinstance(first, Path) and p.resolve() == first)]
        self._settings.setValue("recent_stores", [str(p) for p in [first, *rest][:MAX_RECENT]])


def minutes_to_ms(value: object) -> int:
    try:
        return max(0, int(float(str(value)) * 60_000))
    except ValueError:
        return 10 * 60_000


class DesktopSession:
    """One unlocked store shown in one main window, locked and unlocked in place."""

    def __init__(self, settings: QSettings, paths: AppPaths,
                 policy: Policy, default_officer: str = "") -> None:
        self.settings, self.paths, self.policy = settings, paths, policy
        self.default_officer = default_officer
        self.tasks = TaskRunner()
        self.recent = RecentStores(settings)
        self.window: MainWindow | None = None
        self.services: Services | None = None
        self.idle: IdleLock | None = None
        self.cover: LockCover | None = None
        self.lock_dialog: UnlockDialog | None = None
        self.dialog_covers = DialogCovers()
        self.refresher: TeamRefresher | None = None
        self.backing_up: QProgressDialog | None = None  # the exit backup's small window
        self.changes: ChangeNotice | None = None  # the open window's
        self._exit_backup_started = False  # for the store now open
        self.tasks.error.connect(self._show_error)

    def _open(self, path: Path | str, officer: str, passphrase: str, create: bool) -> ServiceContext:
        return open_or_create(path, officer, passphrase, create, self.policy)

    def unlock(self, preselect: Path | str | None = None, demo: bool = False) -> bool:
        dialog = UnlockDialog(self._open, self.tasks, self.recent.load(), self.paths.data,
                              demo_passphrase=DEMO_PASSPHRASE if demo else None,
                              demo_officers=DEMO_OFFICERS if demo else (),
                              settings=self.settings,
                              default_officer=DEMO_ADMIN if demo else self.default_officer)
        if preselect is not None:
            dialog.select(preselect)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_store is None:
            return False
        self.show(dialog.result_store)
        return True

    @property
    def ctx(self) -> ServiceContext:
        assert self.services is not None
        return self.services.ctx

    @property
    def locked(self) -> bool:
        return self.lock_dialog is not None

    def show(self, ctx: ServiceContext) -> MainWindow:
        from privdesk.services.authz import Permission
        from privdesk.services.container import Services
        from privdesk.services.settings import DEFAULTS
        from privdesk.services.team import is_team_store, location_of
        from privdesk.ui.areas import build_areas
        from privdesk.ui.change_notice import Change, ChangeNotice
        from privdesk.ui.main_window import MainWindow
        from privdesk.ui.navigation import Navigator
        from privdesk.ui.permissions import guard

        self.recent.add(location_of(ctx.store))
        self.services = Services.build(ctx)
        navigator = Navigator()
        # One notice for the window: writes announce what changed, areas reload what they show.
        notice = ChangeNotice()
        window = MainWindow(build_areas(self.services, self.tasks, navigator, notice),
                            ctx.store.display(), self._officer_text(), self.settings)
        navigator.setParent(window)
        notice.setParent(window)
        self.changes = notice
        notice.changed.connect(
            lambda kinds: self._read_settings() if Change.SETTINGS in kinds else None)
        navigator.area_wanted.connect(window.show_area)
        self.window = window
        window.lock_requested.connect(lambda: self.lock("on demand"))
        settings_action = QAction("&Settings…", window)
        settings_action.setShortcut(QKeySequence("Ctrl+,"))
        settings_action.triggered.connect(self.open_settings)
        backup_action = QAction("&Back up now", window)
        backup_action.triggered.connect(self.backup_now)
        guard(backup_action, ctx, Permission.BACKUP)
        file_menu = window.menuBar().actions()[0].menu()
        assert isinstance(file_menu, QMenu)
        file_menu.insertAction(window.lock_action, settings_action)
        file_menu.insertAction(window.lock_action, backup_action)
        self.cover = LockCover(window)
        app = QApplication.instance()
        assert isinstance(app, QApplication)
        # The default until the setting is read (on the worker, like every store read).
        self.idle = IdleLock(app, minutes_to_ms(DEFAULTS["auto_lock_minutes"]),
                             lambda: self.lock("idle"))
        self._read_auto_lock()
        window.hold_close = self._hold_close_for_backup
        window.switch_store_requested.connect(self.switch_store)
        window.destroyed.connect(self.close)
        if is_team_store(ctx.store):  # other officers write too: follow their changes
            from privdesk.services.changes import ChangeWatch
            from privdesk.ui.team_refresh import TeamRefresher

            # Another officer's write: the kind is not known, so every area hears it.
            self.refresher = TeamRefresher(self.tasks, ChangeWatch(ctx).token,
                                           notice.announce_all, lambda: self.locked, window,
                                           tell=self._status, lock_out=self.lock_out)
            self.refresher.start()
            self._read_outage_lock()
        window.show()
        self._show_findings(ctx)
        self._daily_backup()
        return window

    def _show_findings(self, ctx: ServiceContext) -> None:
        """What the unlock found wrong (a role edited outside privdesk, a trail shorter
        than this workstation saw, a damaged write-ahead log): already in the audit
        trail; shown without blocking, so the officer reads it before carrying on."""
        if not ctx.warnings or self.window is None:
            return
        box = QMessageBox(QMessageBox.Icon.Warning, "privdesk found something wrong",
                          "Opening this store, privdesk found the following. It has been "
                          "recorded in the audit trail.", QMessageBox.StandardButton.Ok,
                          self.window)
        box.setTextFormat(Qt.TextFormat.PlainText)  # names are data, never markup
        box.setInformativeText("\n\n".join(ctx.warnings))
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.setObjectName("unlock_findings")
        box.open()

    def switch_store(self) -> None:
        """File > Open another store (Ctrl+O): unlock another, then close this one."""
        dialog = UnlockDialog(self._open, self.tasks, self.recent.load(), self.paths.data,
                              parent=self.window, settings=self.settings,
                              default_officer=self.ctx.actor.name)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.result_store is not None:
            chosen = dialog.result_store
            if self._exit_backup_due():  # this store's exit backup first, on the worker
                self.run_exit_backup(lambda: self.switch_to(chosen))
            else:
                self.switch_to(chosen)

    def switch_to(self, ctx: ServiceContext) -> MainWindow:
        old = self.window
        if old is not None:
            old.destroyed.disconnect(self.close)
            old.hold_close = None  # its store's exit backup is done just below
        self.close()  # this store's exit backup, then its key and connections go
        window = self.show(ctx)
        if old is not None:
            old.close()
            old.deleteLater()
        return window

    def _officer_text(self) -> str:
        return f"{self.ctx.actor.name} ({self.ctx.actor.role})"

    def _show_error(self, exc: Exception) -> None:
        if isinstance(exc, StoreLockedError):  # a timer's refresh that met the lock: harmless
            return
        QMessageBox.warning(self.window, "privdesk", f"Something went wrong:\n\n{exc}")

    # -- lock ------------------------------------------------------------------------------
    def lock_out(self, message: str) -> None:
        """The team server stayed unreachable (ui.team_refresh): lock, saying why. Nothing
        can be written to the server, so the lock is not audited; the key and every
        connection go, and the unlock connects afresh."""
        self.lock("team server unreachable", audited=False)
        if self.lock_dialog is not None:
            self.lock_dialog.show_error(message)

    def lock(self, reason: str = "on demand", audited: bool = True) -> None:
        if self.locked or self.window is None or self.services is None:
            return
        if self.idle is not None:
            self.idle.pause()
        self.tasks.wait()  # no query may be half-way through when the engine goes
        from privdesk.services.session import lock_session

        try:
            if audited:
                lock_session(self.ctx, reason)
            else:
                self.ctx.store.close()
        except Exception as exc:  # the key is dropped all the same (lock_session's finally)
            self._status(f"The lock could not be written to the audit trail: {exc}")
        self.window.set_locked(True)
        assert self.cover is not None
        self.cover.cover()
        dialog = UnlockDialog(self._resume, self.tasks, [self.ctx.store.path], self.paths.data,
                              parent=self.window, locked_officer=self.ctx.actor.name)
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.unlocked.connect(self._resumed)
        dialog.rejected.connect(self.window.close)  # "Quit" while locked quits
        self.lock_dialog = dialog
        self.dialog_covers.cover(keep=dialog)
        dialog.open()

    def _resume(self, path: Path | str, officer: str, passphrase: str, create: bool) -> ServiceContext:
        from privdesk.services.session import resume_session

        return resume_session(self.ctx, passphrase)

    def _resumed(self, _ctx: ServiceContext) -> None:
        self.lock_dialog = None
        self.dialog_covers.uncover()
        assert self.window is not None and self.cover is not None
        self.cover.hide()
        self.window.set_locked(False)
        self.window.officer_label.setText(f"Officer: {self._officer_text()}")
        if self.idle is not None:
            self.idle.restart()
        self.window.refresh_current()
        self._daily_backup()  # a window left open for days still gets its daily backup

    # -- settings and backups -------------------------------------------------------------
    def open_settings(self) -> None:
        assert self.services is not None and self.window is not None
        from privdesk.ui.settings_dialog import SettingsDialog

        dialog = SettingsDialog(self.services.settings, self.ctx, self.tasks, self.window,
                                mail=self.services.mail)
        if dialog.exec() == QDialog.DialogCode.Accepted and self.changes is not None:
            from privdesk.ui.change_notice import Change

            self.changes.announce(Change.SETTINGS)  # the auto-lock, due dates, breach times

    def _read_auto_lock(self) -> None:
        if self.services is None or self.ctx.store.locked:
            return  # closed or locked: a late notice (a team poll answered after close) is moot
        settings = self.services.settings
        self.tasks.run(lambda: settings.get("auto_lock_minutes"), on_done=self._set_auto_lock,
                       key="session.auto_lock")

    def _read_settings(self) -> None:
        self._read_auto_lock()
        self._read_outage_lock()

    def _read_outage_lock(self) -> None:
        """The team store's outage lock (a setting), read on the worker like the auto-lock;
        the refresher uses its default until the reply lands."""
        if self.services is None or self.refresher is None or self.ctx.store.locked:
            return
        from privdesk.ui.team_refresh import OUTAGE_LOCK_S

        settings, refresher = self.services.settings, self.refresher

        def apply(seconds: object) -> None:
            refresher.outage_lock_s = float(seconds or OUTAGE_LOCK_S)  # type: ignore[arg-type]

        self.tasks.run(lambda: settings.get("team.outage_lock_seconds"), on_done=apply,
                       key="session.outage_lock")

    def _set_auto_lock(self, minutes: object) -> None:
        if self.idle is not None:
            self.idle.set_interval(minutes_to_ms(minutes))
            if self.locked or self.backing_up is not None:
                self.idle.pause()  # a late reply must not restart the countdown now

    def _backups(self) -> BackupService:
        assert self.services is not None
        return self.services.backups

    def backup_now(self) -> None:
        assert self.window is not None
        self.window.statusBar().showMessage("Backing up…")
        self.tasks.run(self._backups().backup_now,
                       on_done=lambda info: self._status(f"Backup written and verified: {info.path}"),
                       on_error=lambda exc: self._status(f"Backup failed: {exc}"))

    def _status(self, text: str) -> None:
        if self.window is not None:
            self.window.statusBar().showMessage(text, 15000)

    def _daily_backup(self) -> None:
        self.tasks.run(self._backups().daily_if_due, on_error=self._backup_failed)

    def _backup_failed(self, exc: Exception) -> None:
        self._status(f"Daily backup failed: {exc}")

    # -- closing: the exit backup first ------------------------------------------------
    def _exit_backup_due(self) -> bool:
        return (self.services is not None and not self._exit_backup_started
                and not self.ctx.store.locked)

    def _hold_close_for_backup(self) -> bool:
        """The main window asks before it closes: while the exit backup is due or running
        the close waits (True), a small "Backing up…" window says so, and the main window
        closes itself when the backup is done (or has failed: that must not keep privdesk
        open). The backup runs on the worker, so the window still paints meanwhile."""
        if self.backing_up is not None:
            return True
        if not self._exit_backup_due():
            return False
        self.run_exit_backup(lambda: self.window.close() if self.window is not None else None)
        return True

    def run_exit_backup(self, then: Callable[[], object]) -> None:
        """The exit backup on the worker, behind any work still queued, then `then`."""
        assert self.window is not None
        if self.refresher is not None:
            self.refresher.stop()
            self.refresher = None
        if self.idle is not None:
            self.idle.pause()  # no lock may start half-way through the backup
        self.window.setEnabled(False)
        progress = QProgressDialog("Backing up… privdesk closes when the backup is written.",
                                   "", 0, 0, self.window)
        progress.setWindowTitle("privdesk")
        progress.setObjectName("exit_backup")
        progress.setCancelButton(None)
        progress.setMinimumDuration(0)
        progress.setWindowModality(Qt.WindowModality.WindowModal)
        progress.show()
        self.backing_up = progress
        self._exit_backup_started = True

        def finished(outcome: object) -> None:
            if isinstance(outcome, Exception):  # a failed exit backup must not block quitting
                print(f"privdesk: backup on exit failed: {outcome}", file=sys.stderr)
            self.backing_up = None
            progress.close()
            progress.deleteLater()
            if self.window is not None:
                self.window.setEnabled(True)
            then()

        self.tasks.run(self._backups().on_exit, on_done=finished, on_error=finished)

    def close(self) -> None:
        if self.services is None and self.refresher is None and self.idle is None:
            return  # closed already (the window's destroyed signal can come at exit, late)
        if self.refresher is not None:
            self.refresher.stop()
            self.refresher = None
        self.tasks.wait()
        if self.idle is not None:
            self.idle.stop()
            self.idle = None
        if self.services is not None:
            if self._exit_backup_due():
                # Closed other than through the window (a script, a test): the backup
                # still happens before the store goes, here on the spot.
                try:
                    self._backups().on_exit()
                except Exception as exc:  # a failed exit backup must not block quitting
                    print(f"privdesk: backup on exit failed: {exc}", file=sys.stderr)
            self.services.close()
            self.services = None
            self._exit_backup_started = False


def run_gui(demo: bool = False, store: str | None = None) -> int:
    import getpass
    import os

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("privdesk")
    app.setOrganizationName("privdesk")
    apply_style(app)
    GuiThreadCollector(app)  # garbage is collected on this thread only, never in a worker
    settings = QSettings()
    paths = app_paths().ensure()
    policy = load_policy()
    session = DesktopSession(settings, paths, policy,
                      default_officer=os.environ.get("PRIVDESK_USER") or getpass.getuser())
    preselect: Path | str | None = (
        demo_store_with_progress(session.tasks, paths, policy) if demo
        else (store.strip() if store and is_server_url(store) else Path(store) if store else None))
    if demo and preselect is None:
        return 1
    # While the officer types: on its own thread, so a quick Unlock's key derivation (in
    # C, without the GIL) runs beside it rather than after it.
    threading.Thread(target=preload, name="privdesk-preload", daemon=True).start()
    if not session.unlock(preselect=preselect, demo=demo):
        return 0
    code = app.exec()
    session.close()
    return code
