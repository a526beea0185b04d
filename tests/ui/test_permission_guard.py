"""The one permission guard (#18): the role first, then what else stands in the way, and
no "Your role (...) cannot ..." written anywhere else in the UI."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QPushButton

import privdesk.ui
from privdesk.services.authz import Permission
from privdesk.services.container import Services
from privdesk.services.context import Actor
from privdesk.ui.permissions import guard


def test_role_first_then_the_reason_then_the_tip(qtbot: Any, services: Services) -> None:
    viewer = replace(services.ctx, actor=Actor("Jo Lewis", "viewer"))
    button = QPushButton("Erase…")
    qtbot.addWidget(button)
    reason: list[str | None] = ["Erasure is for erasure requests."]

    assert not guard(button, viewer, Permission.PURGE, "erase data", unless=lambda: reason[0])
    assert button.toolTip() == "Your role (viewer) cannot erase data."  # the role first

    assert not guard(button, services.ctx, Permission.PURGE, "erase data",
                     unless=lambda: reason[0], tip="Erase the person's records")
    assert not button.isEnabled() and button.toolTip() == "Erasure is for erasure requests."

    reason[0] = None  # the rule no longer stands in the way: enabled, the tip, no stale reason
    assert guard(button, services.ctx, Permission.PURGE, "erase data",
                 unless=lambda: reason[0], tip="Erase the person's records")
    assert button.isEnabled() and button.toolTip() == "Erase the person's records"
    assert guard(button, services.ctx, Permission.PURGE, unless=lambda: None)
    assert button.toolTip() == ""


def test_no_hand_written_role_refusals_outside_the_guard() -> None:
    root = Path(privdesk.ui.__file__).parent
    sites = [f"{p.relative_to(root)}:{n}" for p in sorted(root.rglob("*.py"))
             if p.name != "permissions.py"
             for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
             if re.search(r"Your role \(", line)]
    assert sites == []
