from __future__ import annotations

import pytest
from sqlalchemy import select

from privdesk.services.authz import Permission, PermissionDenied
from privdesk.services.context import Actor, ServiceContext
from privdesk.store.models import AuditEvent


def test_viewer_is_denied_edits_and_the_denial_is_audited(ctx: ServiceContext) -> None:
    ctx.actor = Actor("Jo Lewis", role="viewer")
    ctx.require(Permission.VIEW, "contact.view")
    with pytest.raises(PermissionDenied, match="viewer"):
        ctx.require(Permission.EDIT, "contact.update", "contact", 7)
    with ctx.store.session() as s:
        event = s.scalars(select(AuditEvent)).one()
    assert (event.officer, event.action, event.outcome, event.target_id) == (
        "Jo Lewis", "contact.update", "denied", "7")
