"""The app shell driven as an officer would: unlock dialog, main window, lock state."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSettings,
    QSortFilterProxyModel,
    Qt,
)

from privdesk.app import DEMO_ADMIN, DesktopSession, ensure_demo_store, open_or_create
from privdesk.paths import app_paths
from privdesk.services.context import ServiceContext
from privdesk.services.demo import DEMO_PASSPHRASE
from privdesk.store import vault
from privdesk.ui.new_store_dialog import NewStoreDialog
from privdesk.ui.tasks import TaskRunner
from privdesk.ui.unlock_dialog import UnlockDialog
from tests.ui.waits import settle

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"


def shoot(widget: Any, name: str) -> Path:
    SHOTS.mkdir(exist_ok=True)
    path = SHOTS / f"{name}.png"
    assert widget.grab().save(str(path))
    return path


@pytest.fixture
def demo_store(policy: Any) -> Path:
    return ensure_demo_store(app_paths().ensure(), policy)


def test_unlock_demo_store_and_show_main_window(qtbot: Any, demo_store: Path, policy: Any) -> None:
    tasks = TaskRunner()
    session = DesktopSession(QSettings(), app_paths(), policy)
    dialog = UnlockDialog(session._open, tasks, [], demo_store.parent,
                          demo_passphrase=DEMO_PASSPHRASE, default_officer=DEMO_ADMIN)
    qtbot.addWidget(dialog)
    dialog.select(demo_store)
    assert DEMO_PASSPHRASE in dialog.demo_hint.text()
    assert dialog.officer.text() == "Alex Morgan"
    shoot(dialog, "unlock-dialog")
    with qtbot.waitSignal(dialog.unlocked, timeout=20000) as blocker:
        dialog.try_unlock()
    ctx = blocker.args[0]
    assert isinstance(ctx, ServiceContext)
    assert (ctx.actor.name, ctx.actor.role) == ("Alex Morgan", "admin")

    window = session.show(ctx)
    qtbot.addWidget(window)
    window.resize(1200, 760)
    assert [a.title for a in window.areas][:3] == ["Contacts", "Requests", "Retention"]
    assert str(demo_store) in window.store_label.text()
    assert "Alex Morgan (admin)" in window.officer_label.text()
    assert "Unlocked" in window.lock_label.text()
    session.tasks.wait()
    qtbot.waitUntil(lambda: not session.tasks.busy)  # results delivered, not only computed
    settle()
    shoot(window, "main-window")
    window.set_locked(True)
    assert "Locked" in window.lock_label.text() and not window.centralWidget().isEnabled()
    session.close()


def test_wrong_passphrase_shows_one_clear_message(qtbot: Any, store_path: Path) -> None:
    vault.create_store(store_path, "Sam Okafor", "the right passphrase").close()
    before = store_path.read_bytes()
    dialog = UnlockDialog(lambda *a: open_or_create(*a, policy=None),  # type: ignore[arg-type]
                          TaskRunner(), [store_path], store_path.parent)
    qtbot.addWidget(dialog)
    dialog.officer.setText("Sam Okafor")
    dialog.passphrase.setText("the wrong passphrase")
    dialog.try_unlock()
    qtbot.waitUntil(lambda: not dialog.error.isHidden(), timeout=10000)
    assert dialog.error.text() == "Wrong officer name or passphrase."
    assert dialog.unlock_button.isEnabled()
    assert store_path.read_bytes() == before
    shoot(dialog, "unlock-wrong-passphrase")


def test_new_store_dialog_needs_matching_strong_enough_passphrases(qtbot: Any, tmp_path: Path) -> None:
    dialog = NewStoreDialog(tmp_path)
    qtbot.addWidget(dialog)
    ok = dialog.buttons.button(dialog.buttons.StandardButton.Ok)
    dialog.passphrase.setText("short")
    assert not ok.isEnabled() and dialog.meter.value() == 0
    dialog.passphrase.setText("seven wobbly penguins juggle marmalade")
    assert dialog.meter.value() >= 3
    assert not ok.isEnabled()  # not repeated yet
    dialog.repeat.setText("seven wobbly penguins juggle marmalade")
    assert ok.isEnabled()
    shoot(dialog, "new-store-dialog")


def test_settings_never_hold_the_passphrase(qtbot: Any, demo_store: Path, policy: Any) -> None:
    session = DesktopSession(QSettings(), app_paths(), policy)
    ctx = open_or_create(demo_store, "Jo Lewis", DEMO_PASSPHRASE, create=False, policy=policy)
    assert ctx.actor.role == "viewer"
    window = session.show(ctx)
    qtbot.addWidget(window)
    window.close()
    session.close()
    settings = QSettings()
    settings.sync()
    dump = Path(settings.fileName()).read_bytes() if Path(settings.fileName()).exists() else b""
    assert str(demo_store).encode() in dump or settings.value("recent_stores")
    assert DEMO_PASSPHRASE.encode() not in dump


class _NoneModel(QAbstractTableModel):
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 50

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: N802, B008
        return 4

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        return None


def test_none_refcount_canary(qtbot: Any) -> None:
    """PySide6 6.12.0 on Python 3.11 leaks a reference to None on every C++ -> Python
    data() call that returns None, and aborts after a few thousand (DESIGN.md). Qt calls
    the source model from C++ through the proxy."""
    proxy = QSortFilterProxyModel()
    source = _NoneModel()
    proxy.setSourceModel(source)
    index = proxy.index(1, 1)
    before = sys.getrefcount(None)
    for _ in range(20000):
        proxy.data(index, Qt.ItemDataRole.DisplayRole)
    after = sys.getrefcount(None)
    assert after >= before - 100, f"None refcount fell by {before - after}"
