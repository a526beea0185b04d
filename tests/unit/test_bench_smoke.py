"""The benchmark harness at a tiny size: every case runs against the real services and
views and yields a number beside its target. No timing is asserted here (speed is
measured by `privdesk bench`, not tested); this only proves the cases still execute."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from privdesk.bench.runner import CASES, run_all, table


@pytest.mark.usefixtures("qapp")
def test_every_case_runs_at_2k(tmp_path: Path) -> None:
    results = run_all(tmp_path, "2k", log=lambda _m: None)
    assert len(results) == len(CASES) >= 9
    for r in results:
        assert math.isfinite(r.value) and r.value > 0, r
        assert r.target and r.unit
        data = r.as_json()
        assert set(data) >= {"name", "value", "unit", "target", "baseline", "ratio", "met"}
        json.dumps(data)
    names = " ".join(r.name for r in results)
    for figure in ("search-as-you-type", "keystroke", "main window", "RSS", "retention",
                   "import", "demo-data", "pack"):
        assert figure in names
    assert table(results).count("\n") == len(results) + 1


@pytest.mark.usefixtures("qapp")
def test_bench_runs_only_the_cases_named_with_cpu_and_load(tmp_path: Path) -> None:
    from privdesk.bench.runner import pick

    results = run_all(tmp_path, "2k", log=lambda _m: None, only=["demo_data", "open_store"])
    assert [r.name.split()[0] for r in results] == ["open", "demo-data"]  # the runner's order
    assert all(r.load is not None and r.load >= 0 for r in results)
    assert "CPU" in results[1].note and "| load |" in table(results)
    with pytest.raises(ValueError, match="No benchmark case 'typing'.*view_keystroke"):
        pick(["typing"])


def test_bench_cli_lists_cases_and_refuses_an_unknown_one(
        capsys: pytest.CaptureFixture[str]) -> None:
    from privdesk.cli import main

    assert main(["bench", "--case", "list"]) == 0
    listed = capsys.readouterr().out.split()
    assert {"view_keystroke", "open_store", "demo_data", "search"} <= set(listed)
    assert main(["bench", "--case", "nope"]) != 0
    assert "No benchmark case 'nope'" in capsys.readouterr().err
