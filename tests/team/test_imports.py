"""Imports on a team store against the real server: two officers importing at once both
commit; a client killed in the middle of an import leaves nothing behind."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from privdesk.policy import Policy
from privdesk.services.audit_trail import AuditService
from privdesk.services.contacts_import import ContactImportService
from privdesk.services.context import ServiceContext
from privdesk.services.officers import OfficerService
from privdesk.services.session import begin_session
from privdesk.store.models import Contact
from privdesk.store.team import create_team_store, open_team_store

ADMIN, ADMIN_PASS = "Ann Admin", "admin passphrase"
BOB, BOB_PASS = "Bob Officer", "bob passphrase"
HEADER = "name,email,status,source,first_contact,last_activity,notes\n"


def _csv(prefix: str, n: int) -> bytes:
    rows = "".join(f"{prefix} Person {i},{prefix.lower()}{i}@example.com,enquirer,email,"
                   f"2026-01-05,2026-02-01,note {i}\n" for i in range(n))
    return (HEADER + rows).encode("utf-8")


@pytest.fixture
def team(pg_url: str, policy: Policy) -> str:
    store = create_team_store(pg_url, ADMIN, ADMIN_PASS)
    try:
        OfficerService(begin_session(store, policy)).add(BOB, "officer", BOB_PASS)
    finally:
        store.close()
    return pg_url


def test_two_imports_at_once_both_commit(team: str, policy: Policy) -> None:
    sessions = [begin_session(open_team_store(team, ADMIN, ADMIN_PASS), policy),
                begin_session(open_team_store(team, BOB, BOB_PASS), policy)]
    results: dict[str, object] = {}
    start = threading.Barrier(2)

    def work(ctx: ServiceContext, prefix: str) -> None:
        start.wait()
        try:
            results[prefix] = ContactImportService(ctx).run(_csv(prefix, 300))
        except BaseException as exc:  # reported by the assertion below
            results[prefix] = exc

    threads = [threading.Thread(target=work, args=(ctx, p))
               for ctx, p in zip(sessions, ("Alpha", "Beta"), strict=True)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(getattr(r, "committed", False) and getattr(r, "imported", 0) == 300
                   for r in results.values()), results
        with sessions[0].store.session() as s:
            assert s.scalar(select(func.count()).select_from(Contact)) == 600
        assert AuditService(sessions[0]).verify().ok
    finally:
        for ctx in sessions:
            ctx.store.close()


def test_a_client_killed_mid_import_leaves_nothing(team: str, tmp_path: Path, policy: Policy) -> None:
    data = tmp_path / "big.csv"
    data.write_bytes(_csv("Gamma", 2500))
    marker = tmp_path / "in-the-middle"
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.team.import_child", team, ADMIN, ADMIN_PASS, str(data),
         str(marker)], cwd=Path(__file__).resolve().parents[2], env=os.environ.copy())
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():  # wait for the condition: a batch written, uncommitted
            assert child.poll() is None, "the importing client ended before the middle"
            assert time.monotonic() < deadline, "the importing client never got to the middle"
            time.sleep(0.05)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    with open_team_store(team, ADMIN, ADMIN_PASS) as store:
        ctx = begin_session(store, policy)
        with store.session() as s:
            assert s.scalar(select(func.count()).select_from(Contact)) == 0
        assert AuditService(ctx).verify().ok
        # The store takes the import again, whole, once the server has let the dead one go.
        assert ContactImportService(ctx).run(data.read_bytes()).imported == 2500


def test_a_big_import_splits_the_search_windows_at_once(team: str, policy: Policy) -> None:
    """An import that takes the register past the open search window closes it into full
    ones before the import returns, not at some officer's next unlock (the new people
    must be found as fast as the rest)."""
    from privdesk.store import search_windows

    store = open_team_store(team, ADMIN, ADMIN_PASS)
    try:
        with store.engine.connect() as conn:
            before = search_windows.read(conn)
        assert len(before) == 1 and before[0].hi is None  # one open window, empty register
        rows = search_windows.WINDOW_SIZE + 50
        result = ContactImportService(begin_session(store, policy)).run(_csv("Big", rows))
        assert result.committed and result.imported == rows
        with store.engine.connect() as conn:
            after = search_windows.read(conn)
        assert [w.hi is None for w in after] == [False, True], after
        assert after[0].hi is not None and after[0].hi - after[0].lo == search_windows.WINDOW_SIZE
    finally:
        store.close()
