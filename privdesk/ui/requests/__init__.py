"""The Requests area: queue, live countdown, detail pane and actions.

RequestsArea is imported on first use, so that the pack dialogs may use this package's
action dialogs (recording the response) without an import cycle through the area."""

from __future__ import annotations

from typing import Any

__all__ = ["RequestsArea", "RequestsServices"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from privdesk.ui.requests import area

        return getattr(area, name)
    raise AttributeError(name)
