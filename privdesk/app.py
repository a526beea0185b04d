"""GUI composition root: paths -> unlock -> Store -> services -> MainWindow."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication, QDialog, QMessageBox

from privdesk.paths import AppPaths, app_paths
from privdesk.policy import Policy, load_policy
from privdesk.services.container import Services
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.demo import DEMO_PASSPHRASE, DemoDataService
from privdesk.store.engine import Store, StoreKey
from privdesk.ui.areas import build_areas
from privdesk.ui.main_window import MainWindow
from privdesk.ui.style import apply_style
from privdesk.ui.tasks import TaskRunner
from privdesk.ui.unlock_dialog import UnlockDialog

MAX_RECENT = 8


def open_or_create(path: Path, passphrase: str, create: bool) -> Store:
    key = StoreKey.passphrase(passphrase)
    return Store.create(path, key) if create else Store.open(path, key)


def ensure_demo_store(paths: AppPaths, policy: Policy) -> Path:
    """The demo store, built on first use (2,000 contacts take about a second)."""
    path = paths.demo_store
    if not path.exists():
        store = Store.create(path, StoreKey.passphrase(DEMO_PASSPHRASE))
        with store:
            ctx = ServiceContext(store=store, policy=policy, actor=Actor("demo"))
            DemoDataService(ctx).generate()
    return path


class RecentStores:
    def __init__(self, settings: QSettings) -> None:
        self._settings = settings

    def load(self) -> list[Path]:
        raw = self._settings.value("recent_stores", [])
        items = [raw] if isinstance(raw, str) else list(raw or [])
        return [Path(p) for p in items if p]

    def add(self, path: Path) -> None:
        paths = [path.resolve()] + [p for p in self.load() if p.resolve() != path.resolve()]
        self._settings.setValue("recent_stores", [str(p) for p in paths[:MAX_RECENT]])


class Session:
    """One unlocked store shown in one main window."""

    def __init__(self, app: QApplication, settings: QSettings, paths: AppPaths,
                 policy: Policy, actor: Actor) -> None:
        self.app, self.settings, self.paths, self.policy, self.actor = (
            app, settings, paths, policy, actor)
        self.tasks = TaskRunner()
        self.recent = RecentStores(settings)
        self.window: MainWindow | None = None
        self.services: Services | None = None

    def unlock(self, preselect: Path | None = None, demo: bool = False) -> bool:
        recent = self.recent.load()
        dialog = UnlockDialog(open_or_create, self.tasks, recent, self.paths.data,
                              demo_passphrase=DEMO_PASSPHRASE if demo else None)
        if preselect is not None:
            dialog.select(preselect)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.result_store is None:
            return False
        self.show(dialog.result_store)
        return True

    def show(self, store: Store) -> MainWindow:
        self.recent.add(store.path)
        ctx = ServiceContext(store=store, policy=self.policy, actor=self.actor)
        self.services = Services.build(ctx)
        self.window = MainWindow(build_areas(self.services, self.tasks), str(store.path),
                                 self.actor.name, self.settings)
        self.tasks.error.connect(self._show_error)
        self.window.destroyed.connect(self.close)
        self.window.show()
        return self.window

    def _show_error(self, exc: Exception) -> None:
        QMessageBox.warning(self.window, "privdesk", f"Something went wrong:\n\n{exc}")

    def close(self) -> None:
        self.tasks.wait()
        if self.services is not None:
            self.services.close()
            self.services = None


def run_gui(demo: bool = False, store: str | None = None) -> int:
    import getpass
    import os

    app = QApplication.instance() or QApplication(sys.argv)
    assert isinstance(app, QApplication)
    app.setApplicationName("privdesk")
    app.setOrganizationName("privdesk")
    apply_style(app)
    settings = QSettings()
    paths = app_paths().ensure()
    policy = load_policy()
    actor = Actor(os.environ.get("PRIVDESK_USER") or getpass.getuser())
    session = Session(app, settings, paths, policy, actor)
    preselect = ensure_demo_store(paths, policy) if demo else (Path(store) if store else None)
    if not session.unlock(preselect=preselect, demo=demo):
        return 0
    code = app.exec()
    session.close()
    return code
