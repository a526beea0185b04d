"""Store-wide settings (JSON in the settings table) and secrets (the secrets table).

Settings are things any officer may see (bank-holiday nation, auto-lock minutes, SMTP
host); secrets never leave the store (SMTP password, HMAC keys).
"""

from __future__ import annotations

import json
import secrets as _secrets
from typing import Any

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
}


class SettingsService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

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

    # -- secrets -----------------------------------------------------------------------
    def secret(self, name: str, create_bytes: int = 0) -> bytes | None:
        """A secret's value; with create_bytes, a random one is made on first use."""
        with self._ctx.store.session() as s:
            row = s.get(Secret, name)
            if row is None and create_bytes:
                row = Secret(name=name, value=_secrets.token_bytes(create_bytes))
                s.add(row)
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
