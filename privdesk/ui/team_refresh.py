"""Other officers' changes reach this screen by themselves (team stores only), and a
lasting outage of the server locks the window.

Every few seconds the store's change token (services.changes) is read off the UI thread;
when it moved, `refresh` is called: the session passes the window's change notice
(ui/change_notice.ChangeNotice.announce_all), the same notice this screen's own writes
announce, so the area on screen reloads its list (and detail) in place. Editors are dialogs of their
own and are not touched, so text being typed is never lost; a locked window is not polled.

The same poll notices the server going away: the officer is told at once that privdesk
keeps trying, told again when it answers, and when it has not answered for
`outage_lock_s` seconds (the "team.outage_lock_seconds" setting) the window locks with a
plain message; unlocking connects afresh, so it works as soon as the server is back.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer

from privdesk.ui.tasks import TaskRunner

POLL_MS = 3000
OUTAGE_LOCK_S = 60.0  # the setting's default (services.settings)


class TeamRefresher(QObject):
    def __init__(self, tasks: TaskRunner, token: Callable[[], int | None],
                 refresh: Callable[[], None], paused: Callable[[], bool],
                 parent: QObject | None = None, interval_ms: int = POLL_MS,
                 outage_lock_s: float = OUTAGE_LOCK_S,
                 tell: Callable[[str], None] | None = None,
                 lock_out: Callable[[str], None] | None = None) -> None:
        super().__init__(parent)
        self._tasks, self._token, self._refresh, self._paused = tasks, token, refresh, paused
        self._tell, self._lock_out = tell, lock_out
        self.outage_lock_s = outage_lock_s
        self._seen: int | None = None
        self._asking = False
        self._down_since: float | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)

    @property
    def seen(self) -> int | None:
        """The change token the screen is known to reflect (None until first read)."""
        return self._seen

    @property
    def server_down(self) -> bool:
        return self._down_since is not None

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
        if self._down_since is not None:
            self._down_since = None
            self._say("The team server is answering again.")
        if token is None or self._paused():
            return
        if self._seen is not None and token != self._seen:
            self._refresh()
        self._seen = token

    def _failed(self, exc: Exception) -> None:
        self._asking = False
        if self._paused():
            return
        if getattr(exc, "locks_session", False) and self._lock_out is not None:
            self._lock_out(str(exc))  # e.g. the data key was rotated: unlock again
            return
        now = time.monotonic()
        if self._down_since is None:
            self._down_since = now
            self._say("The team server is not answering; privdesk keeps trying. Work that "
                      "needs the server waits until it is back.")
        down = now - self._down_since
        if down >= self.outage_lock_s and self._lock_out is not None:
            self._down_since = None  # counted afresh after the unlock
            seconds = f"{down:.0f} second{'' if round(down) == 1 else 's'}"
            self._lock_out(f"The team server has not answered for {seconds}, so "
                           "privdesk locked this window. Nothing saved before is lost. Unlock "
                           "when the server is back: privdesk connects again then.")

    def _say(self, text: str) -> None:
        if self._tell is not None:
            self._tell(text)
