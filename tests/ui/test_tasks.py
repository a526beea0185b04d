"""The task runner (#18): typed callbacks, only the latest result per key, and a long lane
that searches do not wait behind."""

from __future__ import annotations

import threading
from typing import Any

from privdesk.ui.tasks import Lane, TaskRunner


def test_only_the_latest_result_per_key_is_delivered(qtbot: Any) -> None:
    tasks = TaskRunner()
    release = threading.Event()
    shown: list[str] = []
    failures: list[Exception] = []
    tasks.error.connect(failures.append)

    def slow_old() -> str:
        release.wait(10)
        return "old"

    def broken_old() -> str:
        raise ValueError("an older failure nobody wants")

    tasks.run(slow_old, on_done=shown.append, key="detail")
    tasks.run(broken_old, on_done=shown.append, key="detail")
    tasks.run(lambda: "new", on_done=shown.append, key="detail")
    tasks.run(lambda: "other key", on_done=shown.append, key="list")
    release.set()
    qtbot.waitUntil(lambda: not tasks.busy, timeout=10000)
    assert shown == ["new", "other key"]
    assert failures == []


def test_unkeyed_results_all_arrive_in_order(qtbot: Any) -> None:
    tasks = TaskRunner()
    seen: list[int] = []
    for n in range(5):
        tasks.run(lambda n=n: n, on_done=seen.append)
    qtbot.waitUntil(lambda: len(seen) == 5, timeout=10000)
    assert seen == [0, 1, 2, 3, 4]


def test_a_search_does_not_wait_behind_long_work(qtbot: Any) -> None:
    tasks = TaskRunner()
    release = threading.Event()
    order: list[str] = []
    tasks.run(lambda: release.wait(10), on_done=lambda _r: order.append("import"),
              lane=Lane.LONG)
    tasks.run(lambda: "rows", on_done=order.append)  # the default lane
    qtbot.waitUntil(lambda: order == ["rows"], timeout=10000)  # while the import still runs
    release.set()
    qtbot.waitUntil(lambda: order == ["rows", "import"], timeout=10000)
    assert tasks.wait()


def test_every_failure_reaches_its_caller_with_its_traceback(qtbot: Any) -> None:
    """Failures on both lanes at once each reach on_error, carrying their own traceback
    (a worker used to format it there: on Python 3.11 formatting uses ast.parse, which
    two threads at once can break, and the failure was then lost)."""
    import traceback

    tasks = TaskRunner()
    failed: list[Exception] = []

    def broken(n: int) -> int:
        raise ValueError(f"job {n} failed")

    for n in range(40):
        tasks.run(lambda n=n: broken(n), on_error=failed.append,
                  lane=Lane.LONG if n % 2 else Lane.WORK)
    qtbot.waitUntil(lambda: len(failed) == 40, timeout=10000)
    assert sorted(str(e) for e in failed) == sorted(f"job {n} failed" for n in range(40))
    assert all("in broken" in "".join(traceback.format_exception(e)) for e in failed)
