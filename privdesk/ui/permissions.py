"""Disable what the officer's role cannot do, and say why in the tooltip.

The services enforce roles whatever the UI shows; this only keeps officers from
pressing buttons that would be refused.
"""

from __future__ import annotations

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from privdesk.services.authz import DESCRIPTIONS, Permission
from privdesk.services.context import ServiceContext


def guard(target: QWidget | QAction, ctx: ServiceContext, permission: Permission,
          what: str | None = None) -> bool:
    """Enable target if the role allows permission; otherwise disable it with a tooltip
    ("Your role (viewer) cannot export data."). Returns whether it is allowed.
    A disabled QWidget still shows its tooltip on hover; a QAction shows it in menus
    as its status tip."""
    ok = ctx.can(permission)
    target.setEnabled(ok)
    if ok and target.toolTip().startswith("Your role ("):
        target.setToolTip("")
        target.setStatusTip("")
    elif not ok:
        why = f"Your role ({ctx.actor.role}) cannot {what or DESCRIPTIONS[permission]}."
        target.setToolTip(why)
        target.setStatusTip(why)
    return ok
