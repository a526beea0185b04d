"""Store-wide settings (JSON in the settings table) and secrets (the secrets table).

Settings are things any officer may see (bank-holiday nation, auto-lock minutes, SMTP
host); secrets never leave the store (SMTP password, HMAC keys).
"""

from __future__ import annotations

import json
import secrets as _secrets
from typing import Any

from sqlalchemy import text

from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.store.models import Secret, Setting

DEFAULTS: dict[str, Any] = {
    "bank_holiday_nation": "ENG",  # ENG (England and Wales), SCT, NIR
    "phone_region": "GB",
    "auto_lock_minutes": 10,
    "backup.folder": None,  # None: the user data folder's backups/
    "backup.keep_daily": 7,
    "backup.keep_weekly": 4,
    "backup.keep_monthly": 12,
    "smtp.host": "",
    "smtp.port": 587,
    "smtp.security": "starttls",  # starttls / ssl / none
    "smtp.user": "",
    "smtp.from": "",
    "timezone": "Europe/London",  # breach times (the 72-hour clock) are typed and shown in it
    "team.outage_lock_seconds": 60,  # a team server silent this long locks the window
}


# Which secrets a service may read through settings, and the permission that needs.
READABLE_SECRETS: dict[str, Permission] = {
    "smtp.password": Permission.EMAIL,
    "suppression_hmac": Permission.VIEW,  # duplicate checks against erased people
}
CREATABLE_SECRETS = frozenset({"suppression_hmac"})  # made on first use, by any role


class SettingsService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self.version = 0  # bumped by every change made here (what caches of settings check)

    def get(self, key: str) -> Any:
        with self._ctx.store.session() as s:
            row = s.get(Setting, key)
            return json.loads(row.value) if row is not None else DEFAULTS.get(key)

    def all(self) -> dict[str, Any]:
        with self._ctx.store.session() as s:
            stored = {r.key: json.loads(r.value) for r in s.query(Setting).all()}
        return {**DEFAULTS, **stored}

    def set(self, key: str, value: Any) -> None:
        self._ctx.require(Permission.SETTINGS, "settings.change", "setting", key)
        with self._ctx.store.session() as s:
            row = s.get(Setting, key)
            encoded = json.dumps(value)
            if row is None:
                s.add(Setting(key=key, value=encoded))
            else:
                row.value = encoded
            self._ctx.record(s, "settings.change", "setting", key)
        self.version += 1

    # -- secrets -----------------------------------------------------------------------
    def secret(self, name: str, create_bytes: int = 0) -> bytes | None:
        """A secret's value, for the service that needs it, and only for the roles that
        may use it (the SMTP password: those who may send email); with create_bytes, a
        random one is made on first use, for the named system keys only. The trail's own
        keys are never read or made here (a deleted one must stay an error)."""
        rule = READABLE_SECRETS.get(name)
        if rule is None:
            raise PermissionError(f"The secret {name!r} is not available through settings.")
        self._ctx.require(rule, "secret.read", "secret", name)
        if create_bytes and name not in CREATABLE_SECRETS:
            raise PermissionError(f"The secret {name!r} cannot be created on first use.")
        with self._ctx.store.session() as s:
            if create_bytes and s.get_bind().dialect.name != "sqlite":
                # A team store: two officers' first use at once must make one key, not
                # two inserts racing (SQLite's single writer serialises this by itself).
                s.execute(text("SELECT pg_advisory_xact_lock(hashtext(:n))"), {"n": name})
            row = s.get(Secret, name)
            if row is None and create_bytes:
                row = Secret(name=name, value=_secrets.token_bytes(create_bytes))
                s.add(row)
                self._ctx.record(s, "secret.create", "secret", name)
            return row.value if row is not None else None

    def set_secret(self, name: str, value: bytes) -> None:
        self._ctx.require(Permission.SETTINGS, "secret.change", "secret", name)
        with self._ctx.store.session() as s:
            row = s.get(Secret, name)
            if row is None:
                s.add(Secret(name=name, value=value))
            else:
                row.value = value
            self._ctx.record(s, "secret.change", "secret", name)
