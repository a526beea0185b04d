"""The Requests area: queue, live countdown, detail pane and actions.

RequestsArea is imported on first use, so that the pack dialogs may use this package's
action dialogs (recording the response) without an import cycle through the area."""

from __future__ import annotations

from typing import Any

__all__ = ["RequestsArea"]


def __getattr__(name: str) -> Any:
    if name == "RequestsArea":
        from privdesk.ui.requests.area import RequestsArea

        return RequestsArea
    raise AttributeError(name)
