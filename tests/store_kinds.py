"""Run a test module's services over both kinds of store: the local SQLCipher file and a
team store on the throwaway PostgreSQL server (tests/pg_server.py).

In a module: ``from tests.store_kinds import store  # noqa: F401`` replaces the shared
`store` fixture with this parametrised one, so every test there runs twice.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from privdesk.store.engine import Store, StoreKey
from privdesk.store.team import create_team_store

PASSPHRASE = "correct horse battery staple"
KINDS = ["file", "server"]


def make_store(kind: str, request: pytest.FixtureRequest, path: Path) -> Store:
    if kind == "file":
        return Store.create(path, StoreKey.passphrase(PASSPHRASE))
    url = request.getfixturevalue("pg_url")
    return create_team_store(url, "Test Officer", PASSPHRASE)


@pytest.fixture(params=KINDS)
def store(request: pytest.FixtureRequest, store_path: Path) -> Iterator[Store]:
    s = make_store(request.param, request, store_path)
    yield s
    s.close()
