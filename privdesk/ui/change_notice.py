"""One change notice instead of each view refreshing itself.

A write path (a dialog or an area, after its service write has succeeded) says what kind
of thing changed: `notice.announce(Change.REQUESTS)`. Every area listens with the kinds its
screen shows, and reloads only when one of them changed. Team stores poll the store's change
token (ui/team_refresh.py) and announce every kind when another officer wrote, since the
token does not say what changed.

An area on a main window that is not showing it does not reload: the window reloads an area
when it is shown. An area on its own (a test, a tool) always reloads.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import Enum

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtWidgets import QWidget


class Change(Enum):
    CONTACTS = "contacts"
    REQUESTS = "requests"
    BREACHES = "breaches"
    RETENTION = "retention"
    OFFICERS = "officers"
    SETTINGS = "settings"


EVERY_KIND = frozenset(Change)


class ChangeNotice(QObject):
    changed = Signal(object)  # frozenset[Change]

    def announce(self, *kinds: Change) -> None:
        """After a successful write: what kind(s) of thing changed."""
        if kinds:
            self.changed.emit(frozenset(kinds))

    def announce_all(self) -> None:
        """Something changed, kind unknown (another officer on a team store)."""
        self.changed.emit(EVERY_KIND)

    def listen(self, widget: QWidget, kinds: Iterable[Change],
               reload: Callable[[], object]) -> None:
        """Call `reload` when one of `kinds` changed and the widget is on screen (or on
        no shown window at all). The listener is the widget's child: it goes with it."""
        self.changed.connect(_Listener(widget, frozenset(kinds), reload).heard)


class _Listener(QObject):
    def __init__(self, widget: QWidget, kinds: frozenset[Change],
                 reload: Callable[[], object]) -> None:
        super().__init__(widget)
        self._widget, self._kinds, self._reload = widget, kinds, reload

    @Slot(object)
    def heard(self, changed: frozenset[Change]) -> None:
        if not self._kinds & changed:
            return
        if self._widget.isVisible() or not self._widget.window().isVisible():
            self._reload()
