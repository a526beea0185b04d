"""Benchmarks of the real UI, offscreen: the Contacts view after a keystroke, the main
window on a large store, and memory while scrolling the whole register (that one in a
subprocess, so the peak RSS is the view's own and not the benchmark's)."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from privdesk.bench.harness import BenchData, BenchResult, PlainStore, derived_key, p95
from privdesk.services.container import Services
from privdesk.store.engine import Store
from privdesk.ui.areas import contacts_services

RSS_LIMIT_MB = 400
TYPED_WORDS = ["smith", "jones", "07911", "taylor"]


def qt_app() -> object:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    return QApplication.instance() or QApplication([])


def wait_for(done: Callable[[], bool], timeout: float = 120.0) -> None:
    """Run the event loop until done() (worker results arrive as queued events)."""
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    # A rare safety tick only: the worker's results arrive as posted events, which wake
    # the loop by themselves. (A 5 ms tick took the GIL from the worker's query often
    # enough to add ~30% to what it measured.)
    tick = QTimer()
    tick.start(100)
    deadline = time.perf_counter() + timeout
    while not done():
        if time.perf_counter() > deadline:
            raise TimeoutError("the view did not update in time")
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents)
    tick.stop()


def _paint_clock() -> Any:
    """An event filter on the table's viewport that, once armed with the text typed,
    lets the view paint itself and notes when the first paint showing that text's
    result finished: the moment an officer sees the rows."""
    from PySide6.QtCore import QEvent, QObject

    class PaintClock(QObject):
        def __init__(self, view: Any, model: Any) -> None:
            super().__init__()
            self.view, self.model = view, model
            self.waiting_for: str | None = None
            self.painted = 0.0
            self.painted_cpu = 0.0  # the UI thread's CPU clock (thread_time) then

        def eventFilter(self, obj: Any, event: Any) -> bool:  # noqa: N802 (Qt override)
            shown = self.model.shown_query
            if (self.waiting_for is not None and event.type() == QEvent.Type.Paint
                    and shown is not None and shown.text == self.waiting_for):
                self.waiting_for = None
                self.view.viewportEvent(event)  # the view's own paint, done here
                self.painted = time.perf_counter()
                self.painted_cpu = time.thread_time()
                return True
            return False

    return PaintClock


@dataclass
class _Typing:
    """Per keystroke: wall ms to rows painted, the worker's query ms, and CPU ms of the UI
    thread and of the worker's queries."""

    wall: list[float] = field(default_factory=list)
    query: list[float] = field(default_factory=list)
    ui_cpu: list[float] = field(default_factory=list)
    worker_cpu: list[float] = field(default_factory=list)


class _TypingView:
    """A real ContactsArea over one store, with the paint clock, typed into word by word."""

    def __init__(self, services: Services) -> None:
        from privdesk.ui.contacts import ContactsArea
        from privdesk.ui.tasks import TaskRunner

        self.tasks = TaskRunner()
        self.queries: list[float] = []
        self.query_cpu: list[float] = []
        _time_queries(services, self.queries, self.query_cpu)
        self.area = ContactsArea(contacts_services(services), self.tasks)
        self.area.resize(1200, 800)
        self.area.show()
        self.clock = _paint_clock()(self.area.table, self.area.model)
        self.area.table.viewport().installEventFilter(self.clock)
        self.clock.waiting_for = ""
        self.area.refresh()  # what the main window does when the area is shown
        wait_for(lambda: self.clock.waiting_for is None)
        self.seen = _Typing()

    def type(self, word: str) -> None:
        from PySide6.QtTest import QTest

        clock, area, seen = self.clock, self.area, self.seen
        for ch in word:
            clock.waiting_for = area.search.text() + ch
            self.queries.clear()
            self.query_cpu.clear()
            start, start_cpu = time.perf_counter(), time.thread_time()
            QTest.keyClicks(area.search, ch)
            wait_for(lambda: clock.waiting_for is None)
            seen.wall.append((clock.painted - start) * 1000)
            seen.ui_cpu.append((clock.painted_cpu - start_cpu) * 1000)
            seen.query.append(sum(self.queries))
            seen.worker_cpu.append(sum(self.query_cpu))
        clock.waiting_for = ""
        area.search.clear()
        wait_for(lambda: clock.waiting_for is None and not self.tasks.busy)

    def close(self) -> None:
        self.area.table.viewport().removeEventFilter(self.clock)
        self.area.close()
        self.tasks.wait()


def bench_view_keystroke(data: BenchData) -> BenchResult:
    """Keystroke in the real ContactsArea's search box to its new rows painted (p95): the
    search runs at once when none is in flight, so there is no debounce to wait out, and
    the clock stops when the view's own paint of the new rows has finished. Baseline: the
    same view over the plain twin, the two typed into word by word in turn (which goes
    first alternating), so both see the same load and the same warm font caches."""
    qt_app()
    with data.open_raw() as store, PlainStore(data.plain) as plain:
        ours = _TypingView(Services.build(data.context(store)))
        base = _TypingView(Services.build(data.plain_context(plain)))
        for n, word in enumerate(TYPED_WORDS):
            for view in (ours, base) if n % 2 == 0 else (base, ours):
                view.type(word)
        ours.close()
        base.close()
    seen = ours.seen
    value = round(p95(seen.wall), 1)
    median = round(statistics.median(seen.wall), 1)
    query = statistics.median(seen.query)
    cpu = [u + w for u, w in zip(seen.ui_cpu, seen.worker_cpu, strict=True)]
    return BenchResult(f"Contacts view: keystroke to rows painted (p95 of {len(seen.wall)})",
                       value, "ms", "< 50 ms p95, < 20 ms median",
                       round(p95(base.seen.wall), 1), value < 50 and median < 20,
                       note=f"median {median} ms (query {query:.1f} ms, the rest handing over,"
                            f" replacing rows and painting); CPU per key (UI thread + worker's"
                            f" queries) median {statistics.median(cpu):.1f} ms, p95 "
                            f"{p95(cpu):.1f} ms (UI {statistics.median(seen.ui_cpu):.1f}, worker "
                            f"{statistics.median(seen.worker_cpu):.1f}); baseline = the same "
                            f"view over the plain twin (median "
                            f"{statistics.median(base.seen.wall):.1f} ms); no debounce; each "
                            "prefix's first search since unlock")


def _time_queries(services: Services, out: list[float], cpu: list[float]) -> None:
    """Note how long (wall, and CPU of the worker thread) the worker spends in the two
    service calls a keystroke makes."""
    contacts = services.contacts
    for name in ("search_ids", "rows"):
        call = getattr(contacts, name)

        def timed_call(*args: Any, _call: Any = call, **kwargs: Any) -> Any:
            begin, begin_cpu = time.perf_counter(), time.thread_time()
            try:
                return _call(*args, **kwargs)
            finally:
                out.append((time.perf_counter() - begin) * 1000)
                cpu.append((time.thread_time() - begin_cpu) * 1000)

        setattr(contacts, name, timed_call)


def bench_main_window(data: BenchData) -> BenchResult:
    """Store.open with the key already derived to MainWindow shown with the first
    contact rows painted."""
    qt_app()
    from privdesk.ui.areas import build_areas
    from privdesk.ui.contacts import ContactsArea
    from privdesk.ui.main_window import MainWindow
    from privdesk.ui.tasks import TaskRunner

    key = derived_key(data.encrypted)
    start = time.perf_counter()
    store = Store.open(data.encrypted, key)
    tasks = TaskRunner()
    window = MainWindow(build_areas(Services.build(data.context(store)), tasks),
                        str(store.path), "bench")
    window.show()
    contacts = cast(ContactsArea, window.area("contacts"))
    wait_for(lambda: contacts.model.rowCount() > 0 and contacts.model.row_record(0) is not None)
    contacts.table.viewport().repaint()
    value = (time.perf_counter() - start) * 1000
    tasks.wait()
    window.close()
    store.close()
    return BenchResult("main window open, first rows painted (key derived)", round(value, 1),
                       "ms", "< 1000 ms", None, value < 1000)


def bench_scroll_rss(data: BenchData) -> BenchResult:
    """Peak RSS of a process that opens the Contacts view and scrolls it to the very last
    row (every fetchMore chunk, a page of rows at each stop)."""
    key = derived_key(data.encrypted).material.decode("ascii")
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    out = subprocess.run([sys.executable, "-m", "privdesk.bench.scroll_probe", str(data.encrypted)],
                         input=key, capture_output=True, text=True, env=env, check=True)
    probe = json.loads(out.stdout.strip().splitlines()[-1])
    value = round(probe["peak_rss_mb"], 1)
    return BenchResult(f"RSS scrolling all {probe['rows']:,} rows (peak)", value, "MB",
                       f"< {RSS_LIMIT_MB} MB", round(probe["start_rss_mb"], 1),
                       value < RSS_LIMIT_MB,
                       note=f"baseline = RSS with the first page shown; scrolled in "
                            f"{probe['seconds']:.0f} s")
