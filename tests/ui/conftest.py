from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from privdesk.ui.gc_guard import GuiThreadCollector
from privdesk.ui.style import apply_style


@pytest.fixture(autouse=True)
def _styled(qapp: Any) -> None:
    """Screenshots show the app as officers see it, with its style sheet."""
    qapp.setOrganizationName("privdesk-tests")
    apply_style(qapp)


@pytest.fixture(autouse=True, scope="session")
def _gc_on_the_gui_thread(qapp: Any) -> Iterator[None]:
    """As run_gui() does: Python's cyclic collector runs on the GUI thread only. Without it
    a collection that starts on a TaskRunner worker can destroy a closed dialog's widgets
    off the GUI thread and kill the test process (ui/gc_guard.py)."""
    collector = GuiThreadCollector(qapp)
    yield
    collector.stop()
