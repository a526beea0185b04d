"""What a keystroke's search needs besides the query, read once and kept.

Each keystroke read the `phone_region` setting in a transaction of its own (on a team
store a round trip and a BEGIN/COMMIT before the search itself), and a team store's
search needs its list of id windows (store.search_windows). Both change rarely: they are
kept here, the region dropped when this process's SettingsService changes any setting,
and both read again after REFRESH_S, so a change made by another officer's workstation
is seen within a minute. A stale window list finds the same contacts (the windows always
cover every id), only slower for the windows that changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from sqlalchemy.orm import Session

from privdesk.services.settings import SettingsService
from privdesk.store import search_windows
from privdesk.store.search_windows import Window

REFRESH_S = 60.0


class SearchCache:
    def __init__(self, settings: SettingsService,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._settings = settings
        self._clock = clock
        self._region: tuple[int, float, str] | None = None  # settings version, read at, value
        self._windows: tuple[float, tuple[Window, ...]] | None = None

    def region(self) -> str:
        version, now = self._settings.version, self._clock()
        if (self._region is None or self._region[0] != version
                or now - self._region[1] > REFRESH_S):
            self._region = (version, now, str(self._settings.get("phone_region") or "GB"))
        return self._region[2]

    def windows(self, s: Session) -> tuple[Window, ...]:
        """The id windows (() on SQLite), read in the search's own transaction when due."""
        now = self._clock()
        if self._windows is None or now - self._windows[0] > REFRESH_S:
            self._windows = (now, search_windows.read(s.connection()))
        return self._windows[1]

    def forget_windows(self) -> None:
        """After this process changed them (search_windows.maintain)."""
        self._windows = None
