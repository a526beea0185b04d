"""Every role x every permission, through the real service call where one exists here
(officers, settings, backups, audit export, restore) and ctx.require otherwise. The
expected table is written out by hand from the issue, not derived from authz."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from privdesk.policy import Policy
from privdesk.services.authz import ROLES, Permission, PermissionDenied
from privdesk.services.backup import restore_backup
from privdesk.services.container import Services
from privdesk.services.context import Actor
from privdesk.services.session import begin_session
from privdesk.store import vault
from privdesk.store.models import AuditEvent

ADMIN_ONLY = {Permission.MANAGE_OFFICERS, Permission.SETTINGS, Permission.AUDIT_EXPORT,
              Permission.RESTORE}
EXPECTED: dict[str, set[Permission]] = {
    "admin": set(Permission),
    "officer": set(Permission) - ADMIN_ONLY,
    "viewer": {Permission.VIEW},
}
PW = "team passphrase"


@pytest.fixture
def team(tmp_path: Path, policy: Policy) -> Iterator[Services]:
    store = vault.create_store(tmp_path / "team.privdesk", "Alex Morgan", PW)
    ctx = begin_session(store, policy)
    services = Services.build(ctx)
    services.officers.add("Priya Shah", "officer", PW)
    yield services
    store.close()


def _restore(services: Services, tmp_path: Path, role: str) -> None:
    backup = tmp_path / "b.privdesk"
    actor = services.ctx.actor
    services.ctx.actor = Actor("Alex Morgan", "admin")
    if role != "officer":
        services.officers.set_role("Priya Shah", role)
    services.backups.backup_to(backup)
    services.ctx.actor = actor
    services.ctx.store.close()
    restore_backup(backup, services.ctx.store.path, "Priya Shah", PW)


SERVICE_CALLS: dict[Permission, Callable[[Services, Path, str], object]] = {
    Permission.MANAGE_OFFICERS: lambda s, _t, _r: s.officers.add("Sam Okafor", "viewer", PW),
    Permission.SETTINGS: lambda s, _t, _r: s.settings.set("auto_lock_minutes", 5),
    Permission.BACKUP: lambda s, t, _r: s.backups.backup_to(t / "on-demand.privdesk"),
    Permission.AUDIT_EXPORT: lambda s, t, _r: s.audit.export_csv(t / "audit.csv"),
    Permission.RESTORE: _restore,
}


def test_the_expected_table_covers_every_permission() -> None:
    assert set().union(*EXPECTED.values()) == set(Permission)


@pytest.mark.parametrize("permission", list(Permission), ids=lambda p: p.value)
@pytest.mark.parametrize("role", ROLES)
def test_role_permission(team: Services, tmp_path: Path, role: str, permission: Permission) -> None:
    name = "Priya Shah"
    team.ctx.actor = Actor(name, role)
    call = SERVICE_CALLS.get(permission)
    allowed = permission in EXPECTED[role]
    if call is None:
        def call(s: Services, _t: Path, _r: str) -> object:
            s.ctx.require(permission, f"test.{permission.value}", "record", 1)
            return None
    if allowed:
        call(team, tmp_path, role)
        return
    with pytest.raises(PermissionDenied, match=role):
        call(team, tmp_path, role)
    if team.ctx.store.locked:  # restore closed the live store; the denial is audited in it
        vault.reopen_store(team.ctx.store, "Alex Morgan", PW)
    with team.ctx.store.session() as s:
        denial = s.scalars(select(AuditEvent).where(AuditEvent.outcome == "denied")).all()
    assert [(d.officer, d.detail) for d in denial] == [(name, f"denied: needs {permission.value}")]
    assert team.audit.verify().ok
