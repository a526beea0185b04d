"""Shared fixtures: real encrypted stores in tmp_path, and the services over them."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from privdesk.policy import Policy, load_policy  # noqa: E402
from privdesk.services.container import Services  # noqa: E402
from privdesk.services.context import Actor, ServiceContext  # noqa: E402
from privdesk.store import keyslots, slot_ops  # noqa: E402
from privdesk.store.engine import Store, StoreKey  # noqa: E402
from tests.pg_server import PgServer, start_server  # noqa: E402

PASSPHRASE = "correct horse battery staple"


def pytest_addoption(parser: pytest.Parser) -> None:
    # Options must be declared in the root conftest; tests/reliability reads this one.
    parser.addoption("--long", action="store_true", default=False,
                     help="run tests/reliability at its long sizes (use with -m '')")
TODAY = date(2026, 11, 24)


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never touch the developer's real data folder or Qt settings."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("PRIVDESK_HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))
    monkeypatch.delenv("PRIVDESK_PASSPHRASE", raising=False)


@pytest.fixture(autouse=True)
def _fast_kdf(monkeypatch: pytest.MonkeyPatch) -> None:
    """Key slots made in tests use a cheap Argon2id cost (recorded in each slot, so
    opening them is cheap too); the real cost is measured in tests/unit/test_keyslots."""
    monkeypatch.setattr(slot_ops, "DEFAULT_KDF", keyslots.KdfParams(1, 8192, 1))


@pytest.fixture(scope="session")
def policy() -> Policy:
    return load_policy()


@pytest.fixture
def store_path(tmp_path: Path) -> Path:
    return tmp_path / "test.privdesk"


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    s = Store.create(store_path, StoreKey.passphrase(PASSPHRASE))
    yield s
    s.close()


@pytest.fixture
def ctx(store: Store, policy: Policy) -> ServiceContext:
    return ServiceContext(store=store, policy=policy, actor=Actor("Test Officer"),
                          today=lambda: TODAY)


@pytest.fixture
def services(ctx: ServiceContext) -> Services:
    return Services.build(ctx)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway PostgreSQL for the whole session (tests/pg_server.py). No skip: if it
    cannot start, every test that needs it fails and says why."""
    server = start_server()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server: PgServer) -> Iterator[str]:
    """A fresh, empty database on the throwaway server, as a libpq URL over its socket."""
    name = pg_server.create_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)
