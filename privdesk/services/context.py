"""What every service is handed: the store, the policy, who is acting, and a clock."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from privdesk.domain.retention import RetentionRuleSpec
from privdesk.policy import Policy
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


def retention_specs(policy: Policy) -> tuple[RetentionRuleSpec, ...]:
    return tuple(
        RetentionRuleSpec(key=r.key, name=r.name, applies_to=r.applies_to, basis=r.basis,
                          months=r.months)
        for r in policy.retention
    )
