"""Print the README's reliability table from tests/reliability/results/{short,long}/*.json.

    python -m tests.reliability.report
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

RESULTS = Path(__file__).parent / "results"


def _load(mode: str) -> dict[str, dict[str, Any]]:
    folder = RESULTS / mode
    if not folder.is_dir():
        return {}
    records = (json.loads(p.read_text()) for p in sorted(folder.glob("*.json")))
    return {r["test"]: r for r in records}


def _cell(record: dict[str, Any] | None) -> tuple[str, str, str]:
    if record is None:
        return "–", "–", "–"
    return str(record["trials"]), str(record["failures"]), f"{record['seconds']:g} s"


def _notes(record: dict[str, Any] | None) -> str:
    if not record or not record["extra"]:
        return ""
    return ", ".join(f"{k} {v:,}" if isinstance(v, int) else f"{k} {v}"
                     for k, v in record["extra"].items())


def table() -> str:
    short, long = _load("short"), _load("long")
    names = list(dict.fromkeys([*short, *long]))
    lines = [
        "| test | short: trials | failures | time | long: trials | failures | time | long run, details |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for name in names:
        s, lg = short.get(name), long.get(name)
        lines.append(f"| `{name}` | {' | '.join(_cell(s))} | {' | '.join(_cell(lg))} | "
                     f"{_notes(lg or s)} |")
    return "\n".join(lines)


if __name__ == "__main__":
    sys.stdout.write(table() + "\n")
