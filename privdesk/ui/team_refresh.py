"""Other officers' changes reach this screen by themselves (team stores only).

Every few seconds the store's change token (services.changes) is read off the UI thread;
when it moved, `refresh` is called: the session passes the window's change notice
(ui/change_notice.ChangeNotice.announce_all), the same notice this screen's own writes
announce, so the area on screen reloads its list (and detail) in place. Editors are dialogs of their
own and are not touched, so text being typed is never lost; a locked window is not polled.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from privdesk.ui.tasks import TaskRunner

POLL_MS = 3000


class TeamRefresher(QObject):
    def __init__(self, tasks: TaskRunner, token: Callable[[], int | None],
                 refresh: Callable[[], None], paused: Callable[[], bool],
                 parent: QObject | None = None, interval_ms: int = POLL_MS) -> None:
        super().__init__(parent)
        self._tasks, self._token, self._refresh, self._paused = tasks, token, refresh, paused
        self._seen: int | None = None
        self._asking = False
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)

    @property
    def seen(self) -> int | None:
        """The change token the screen is known to reflect (None until first read)."""
        return self._seen

    def start(self) -> None:
        self.poll()  # the first token now, as the areas load their first lists
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()

    def poll(self) -> None:
        if self._asking or self._paused():
            return
        self._asking = True
        self._tasks.run(self._token, on_done=self._answered, on_error=self._failed)

    def _answered(self, token: int | None) -> None:
        self._asking = False
        if token is None or self._paused():
            return
        if self._seen is not None and token != self._seen:
            self._refresh()
        self._seen = token

    def _failed(self, _exc: Exception) -> None:
        self._asking = False  # the server may be back at the next tick; nothing to show here
