"""Subprocess for the scrolling benchmark: open the store (raw key on stdin), show the real
Contacts view, scroll it to the last row, and print peak RSS as JSON on the last line.

    python -m privdesk.bench.scroll_probe STORE < hexkey
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

from privdesk.bench.ui_cases import qt_app, wait_for
from privdesk.policy import load_policy
from privdesk.services.container import Services
from privdesk.services.context import Actor, ServiceContext
from privdesk.store.engine import Store
from privdesk.store.sqlcipher import StoreKey
from privdesk.ui.areas import contacts_services


def rss_mb(field: str = "VmRSS") -> float:
    """Resident set size in MB: now (VmRSS) or this process's peak (VmHWM)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def peak_rss_mb() -> float:
    """This process's own peak. Not ru_maxrss: on Linux that survives fork and exec, so
    a probe started by a bench that had just built a million contacts reported the
    parent's ~1 GB as its own peak."""
    peak = rss_mb("VmHWM")
    return peak or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


def main(path: str) -> None:
    qt_app()
    from privdesk.ui.contacts import ContactsArea
    from privdesk.ui.tasks import TaskRunner

    material = sys.stdin.read().strip().encode("ascii")
    store = Store.open(Path(path), StoreKey(material))
    tasks = TaskRunner()
    ctx = ServiceContext(store=store, policy=load_policy(), actor=Actor("bench"))
    area = ContactsArea(contacts_services(Services.build(ctx)), tasks)
    area.resize(1200, 800)
    area.show()
    area.refresh()  # what the main window does when the area is shown
    model, table = area.model, area.table
    wait_for(lambda: model.rowCount() > 0 and model.row_record(0) is not None)
    start_rss = rss_mb()
    start = time.perf_counter()
    while True:
        # What dragging the scroll bar to the bottom does: the view asks fetchMore at the
        # end, and paints (loading the page of rows in view) at each stop.
        table.scrollToBottom()
        table.viewport().repaint()
        wait_for(lambda: not tasks.busy)
        if model.rowCount() >= model.total and not model.canFetchMore():
            break
        if model.canFetchMore():
            model.fetchMore()
            wait_for(lambda: not tasks.busy)
    table.viewport().repaint()
    wait_for(lambda: not tasks.busy)
    seconds = time.perf_counter() - start
    peak = peak_rss_mb()
    print(json.dumps({"rows": model.rowCount(), "peak_rss_mb": peak, "start_rss_mb": start_rss,
                      "seconds": seconds}))
    tasks.wait()
    store.close()


if __name__ == "__main__":
    main(sys.argv[1])
