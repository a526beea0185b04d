"""The demo store: made on first use, opened by every demo officer with one passphrase."""

from __future__ import annotations

from pathlib import Path

from privdesk.policy import Policy
from privdesk.services.context import ServiceContext
from privdesk.services.demo import DemoDataService
from privdesk.services.demo_officers import DEMO_ADMIN, DEMO_OFFICERS, DEMO_PASSPHRASE
from privdesk.services.officers import OfficerService
from privdesk.services.session import begin_session
from privdesk.store import vault

__all__ = ["DEMO_ADMIN", "ensure_demo_store", "unlock"]


def ensure_demo_store(path: Path, policy: Policy) -> Path:
    """Alex Morgan (admin) and the other demo officers all unlock it with DEMO_PASSPHRASE,
    so each role can be tried."""
    if not path.exists():
        with vault.create_store(path, DEMO_ADMIN, DEMO_PASSPHRASE) as store:
            ctx = begin_session(store, policy)
            officers = OfficerService(ctx)
            for name, role in DEMO_OFFICERS[1:]:
                officers.add(name, role, DEMO_PASSPHRASE)
            DemoDataService(ctx).generate()
    return path


def unlock(path: Path, officer: str, passphrase: str, policy: Policy) -> ServiceContext:
    """What the unlock dialog does: the officer's key slot, the store, a session."""
    store = vault.open_store(path, officer, passphrase)
    try:
        return begin_session(store, policy)
    except BaseException:
        store.close()
        raise
