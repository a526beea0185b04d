"""The reliability suite's switches and its figures.

Every test here runs at a short size by default (CI) and at a long size with
``pytest tests/reliability --long -m ''`` (or ``PRIVDESK_LONG=1``). Each test records what
it did (trials, failures and anything else worth a number) through the ``figures``
fixture, which writes one JSON file per test under ``tests/reliability/results/<mode>/``;
``python -m tests.reliability.report`` turns them into the README's table.

Adding a case (e.g. for a feature merged later): take ``figures``, size the work with
``figures.size(short, long)``, count ``figures.trials += 1``, report each broken promise
with ``figures.fail("what, where")`` and end with ``figures.check()``. Crash tests start
``writer_child`` through ``helpers.run_and_kill`` (add a mode there); hostile-text tests
loop over ``corpus.NAMES`` / ``EMAILS`` / ``PHONES`` / ``FILE_NAMES``.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import pytest

RESULTS = Path(__file__).parent / "results"
T = TypeVar("T")


def is_long(config: pytest.Config) -> bool:
    return bool(config.getoption("--long", default=False)) or os.environ.get("PRIVDESK_LONG") == "1"


@dataclass
class Figures:
    """What one reliability test did. `failures` counts what the target says must be 0."""

    test: str
    long: bool
    trials: int = 0
    failures: int = 0
    extra: dict[str, Any] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def mode(self) -> str:
        return "long" if self.long else "short"

    def size(self, short: T, long: T) -> T:
        return long if self.long else short

    def fail(self, problem: str) -> None:
        """Count a failure and keep the first few descriptions for the assertion."""
        self.failures += 1
        if len(self.problems) < 20:
            self.problems.append(problem)

    def add(self, key: str, amount: int = 1) -> None:
        self.extra[key] = int(self.extra.get(key, 0)) + amount

    def check(self) -> None:
        assert self.failures == 0, f"{self.failures} of {self.trials} trials failed: {self.problems}"


@pytest.fixture(scope="session")
def long_run(request: pytest.FixtureRequest) -> bool:
    return is_long(request.config)


@pytest.fixture
def figures(request: pytest.FixtureRequest, long_run: bool) -> Iterator[Figures]:
    name = request.node.name
    fig = Figures(test=name, long=long_run)
    started = time.monotonic()
    yield fig
    out = RESULTS / fig.mode
    out.mkdir(parents=True, exist_ok=True)
    record = {
        "test": name, "module": request.node.module.__name__.rsplit(".", 1)[-1],
        "mode": fig.mode, "trials": fig.trials, "failures": fig.failures,
        "seconds": round(time.monotonic() - started, 1), "extra": fig.extra,
        "problems": fig.problems,
    }
    safe = re.sub(r"[^A-Za-z0-9_.-]+", "_", name)
    (out / f"{safe}.json").write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
