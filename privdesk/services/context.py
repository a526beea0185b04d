"""What every service is handed: the store, the policy, who is acting, and a clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy.orm import Session

from privdesk.domain.retention import RetentionRuleSpec
from privdesk.policy import Policy
from privdesk.services.audit import AuditLog
from privdesk.services.authz import Permission, PermissionDenied, allowed
from privdesk.store.engine import Store


def utc_now() -> datetime:
    """Naive UTC, the form every DateTime column stores."""
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class Actor:
    """The officer using the store. Roles are enforced by the services (admin, officer,
    viewer)."""

    name: str
    role: str = "admin"


@dataclass
class ServiceContext:
    store: Store
    policy: Policy
    actor: Actor
    today: Callable[[], date] = field(default=date.today)
    now: Callable[[], datetime] = field(default=utc_now)
    audit_log: AuditLog | None = None
    # What the unlock found wrong (a role edited in SQL, a trail shorter than this
    # workstation saw...): audited, and shown to the officer by the faces.
    warnings: list[str] = field(default_factory=list)
    trail_check: Any = None  # the chain check made before the unlock wrote anything

    @property
    def audit(self) -> AuditLog:
        """Events are signed with the unlocked officer's key (from their key slot)."""
        signer = getattr(self.store.keyring, "signer", None)
        current = signer() if callable(signer) else None
        if self.audit_log is None or self.audit_log.signer != current:
            self.audit_log = AuditLog(self.now, current)
        return self.audit_log

    def can(self, permission: Permission) -> bool:
        return allowed(self.actor.role, permission)

    def require(self, permission: Permission, action: str, target_type: str | None = None,
                target_id: object = None) -> None:
        """Raise PermissionDenied (and audit the denial) unless the actor's role allows it."""
        if self.can(permission):
            return
        with self.store.session() as s:
            self.audit.record(s, self.actor.name, action, target_type, target_id,
                              detail=f"denied: needs {permission.value}", outcome="denied")
        raise PermissionDenied(self.actor.role, permission)

    def record(self, session: Session, action: str, target_type: str | None = None,
               target_id: object = None, detail: str = "") -> None:
        """Audit an action by the current actor, inside the caller's session."""
        self.audit.record(session, self.actor.name, action, target_type, target_id, detail)

    def record_outcome(self, session: Session, action: str, target_type: str | None,
                       target_id: object, detail: str, outcome: str) -> None:
        self.audit.record(session, self.actor.name, action, target_type, target_id, detail,
                          outcome)


def retention_specs(policy: Policy) -> tuple[RetentionRuleSpec, ...]:
    return tuple(
        RetentionRuleSpec(key=r.key, name=r.name, applies_to=r.applies_to, basis=r.basis,
                          months=r.months)
        for r in policy.retention
    )
