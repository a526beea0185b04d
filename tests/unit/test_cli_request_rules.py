"""The CLI reports the same request rules as the GUI and the services."""

from __future__ import annotations

import json

import pytest

from tests.unit.test_cli_requests import run, store  # noqa: F401 - fixture


def test_cli_reports_the_same_rules(store: list[str],  # noqa: F811
                                    capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "requests", "add", "--type", "access", "--received", "2026-10-01", "--name", "A",
        "--address", "1 High Street;Maidenhead;SL6 1AA", "--notes", "Called first", *store)
    code, out, err = run(capsys, "requests", "pause", "SAR-2026-0001", "--on", "2026-11-05",
                         *store)
    assert code == 1 and "cannot be stopped" in err and out == ""
    code, out, err = run(capsys, "requests", "extend", "SAR-2026-0001", "--on", "2026-10-30",
                         "--told", "2026-11-03", "--reason", "Complex", *store)
    assert code == 1 and "after the original due date" in err
    code, out, _ = run(capsys, "requests", "extend", "SAR-2026-0001", "--on", "2026-10-30",
                       "--told", "2026-10-31", "--reason", "Complex", *store, "--json")
    shown = json.loads(out)
    assert code == 0 and shown["extension_told_on"] == "2026-10-31"
    assert shown["address"] == "1 High Street\nMaidenhead\nSL6 1AA"
    assert shown["notes"] == "Called first"
    run(capsys, "requests", "add", "--type", "access", "--received", "2026-11-20", "--name", "B",
        *store)
    code, out, _ = run(capsys, "requests", "ask-id", "SAR-2026-0002", "--on", "2026-11-23",
                       *store, "--json")
    assert code == 0 and json.loads(out)["status"] == "awaiting_id"
