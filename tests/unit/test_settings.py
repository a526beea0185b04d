from __future__ import annotations

import pytest

from privdesk.services.authz import PermissionDenied
from privdesk.services.context import Actor
from privdesk.services.settings import SettingsService


def test_settings_default_then_stored(ctx) -> None:  # type: ignore[no-untyped-def]
    svc = SettingsService(ctx)
    assert svc.get("bank_holiday_nation") == "ENG"
    svc.set("bank_holiday_nation", "SCT")
    assert svc.get("bank_holiday_nation") == "SCT"
    assert svc.all()["auto_lock_minutes"] == 10


def test_secrets_are_created_once_and_only_admins_change_settings(ctx) -> None:  # type: ignore[no-untyped-def]
    svc = SettingsService(ctx)
    first = svc.secret("suppression_hmac", create_bytes=32)
    assert first is not None and len(first) == 32
    assert svc.secret("suppression_hmac", create_bytes=32) == first
    # The trail's key is never made (or read) through settings: a deleted one stays missing.
    with pytest.raises(PermissionError):
        svc.secret("audit_hmac", create_bytes=32)
    with pytest.raises(PermissionError):
        svc.secret("anything_new", create_bytes=32)
    svc.set_secret("smtp.password", b"mail secret")
    ctx.actor = Actor("Jo", role="viewer")
    with pytest.raises(PermissionDenied):  # a viewer sends no email, so reads no password
        svc.secret("smtp.password")
    ctx.actor = Actor("Priya", role="officer")
    assert svc.secret("smtp.password") == b"mail secret"
    with pytest.raises(PermissionDenied):
        svc.set("auto_lock_minutes", 1)
