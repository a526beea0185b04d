"""Disable what the officer may not do now, and say why in the tooltip: the one guard.

The role comes first ("Your role (viewer) cannot export data."); where the enabled state
depends on more than the role (a rule, validation, a typed confirmation, work in progress)
the caller passes `unless`, a callable giving the other reason in words or None, and calls
guard again whenever that may have changed. The services enforce roles whatever the UI
shows; this only keeps officers from pressing buttons that would be refused.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from privdesk.services.authz import DESCRIPTIONS, Permission
from privdesk.services.context import ServiceContext

Reason = Callable[[], str | None]  # None: nothing but the role stands in the way


def refusal(ctx: ServiceContext, permission: Permission, what: str | None = None) -> str | None:
    """The role's refusal in words, or None when the role allows it."""
    if ctx.can(permission):
        return None
    return f"Your role ({ctx.actor.role}) cannot {what or DESCRIPTIONS[permission]}."


def guard(target: QWidget | QAction, ctx: ServiceContext, permission: Permission,
          what: str | None = None, *, unless: Reason | None = None,
          tip: str | None = None) -> bool:
    """Enable target if the role allows permission and `unless()` gives no reason against;
    otherwise disable it with the reason (the role's first) as its tooltip. `tip` is the
    tooltip while enabled (None without `unless`: leave a tooltip that is not a refusal as
    it is). Returns
    whether it is enabled. A disabled QWidget still shows its tooltip on hover; a QAction
    shows it in menus as its status tip."""
    why = refusal(ctx, permission, what)
    if why is None and unless is not None:
        why = unless()
    target.setEnabled(why is None)
    if why is not None:
        target.setToolTip(why)
        target.setStatusTip(why)
    elif tip is not None or unless is not None:  # a reason shown before no longer holds
        target.setToolTip(tip or "")
        target.setStatusTip(tip or "")
    elif target.toolTip().startswith("Your role ("):
        target.setToolTip("")
        target.setStatusTip("")
    return why is None
