"""Several officers on one team store at once, against the real server: optimistic saves,
one audit chain from concurrent writers, and a connection dropped mid-write."""

from __future__ import annotations

import threading
from dataclasses import replace
from datetime import date

import pytest
from sqlalchemy import func, select

from privdesk.domain.contact_records import ContactInput
from privdesk.policy import Policy
from privdesk.services.audit_trail import AuditService
from privdesk.services.contacts import ContactChanged, ContactService
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.officers import OfficerService
from privdesk.services.session import begin_session
from privdesk.store.models import AuditEvent, Contact
from privdesk.store.server import ServerStore, ServerUnavailableError
from privdesk.store.team import create_team_store, open_team_store
from tests.pg_server import PgServer

ADMIN_PASS, BOB_PASS = "admin passphrase", "bob passphrase"


def _person(n: int = 0, notes: str = "") -> ContactInput:
    return ContactInput(name=f"Person {n}", email=f"p{n}@example.com", status="enquirer",
                        source="enquiry_form", first_contact=date(2026, 3, 1),
                        last_activity=date(2026, 3, 1), notes=notes)


@pytest.fixture
def team(pg_url: str, policy: Policy) -> str:
    """A team store with two officers: Ann (admin) and Bob (officer)."""
    store = create_team_store(pg_url, "Ann Admin", ADMIN_PASS)
    try:
        OfficerService(begin_session(store, policy)).add("Bob Officer", "officer", BOB_PASS)
    finally:
        store.close()
    return pg_url


def _session(url: str, officer: str, passphrase: str, policy: Policy) -> ServiceContext:
    return begin_session(open_team_store(url, officer, passphrase), policy)


def test_second_save_of_the_same_contact_is_refused_naming_who(team: str, policy: Policy) -> None:
    ann = _session(team, "Ann Admin", ADMIN_PASS, policy)
    bob = _session(team, "Bob Officer", BOB_PASS, policy)
    try:
        made = ContactService(ann).create(_person(1))
        ann_view = ContactService(ann).get(made.id)  # both open the editor
        bob_view = ContactService(bob).get(made.id)
        ContactService(bob).update(made.id, replace(bob_view.data, notes="Bob's note"),
                                   expected_updated_at=bob_view.updated_at)
        with pytest.raises(ContactChanged, match="changed by Bob Officer at .* reload"):
            ContactService(ann).update(made.id, replace(ann_view.data, notes="Ann's note"),
                                       expected_updated_at=ann_view.updated_at)
        assert ContactService(ann).get(made.id).data.notes == "Bob's note"  # nothing lost
        fresh = ContactService(ann).get(made.id)  # reload, then save again: accepted
        ContactService(ann).update(made.id, replace(fresh.data, notes="Ann's note"),
                                   expected_updated_at=fresh.updated_at)
        assert ContactService(bob).get(made.id).data.notes == "Ann's note"
    finally:
        ann.store.close()
        bob.store.close()


def test_concurrent_writers_make_one_audit_chain(team: str, policy: Policy) -> None:
    writers = [_session(team, "Ann Admin", ADMIN_PASS, policy),
               _session(team, "Bob Officer", BOB_PASS, policy)]
    per_writer = 15
    errors: list[BaseException] = []
    start = threading.Barrier(len(writers))

    def work(ctx: ServiceContext, offset: int) -> None:
        try:
            start.wait()
            for n in range(per_writer):
                ContactService(ctx).create(_person(offset + n))
        except BaseException as exc:  # reported below, with the failing thread's error
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(ctx, i * 100)) for i, ctx in enumerate(writers)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        ctx = writers[0]
        with ctx.store.session() as s:
            assert s.scalar(select(func.count()).select_from(Contact)) == 2 * per_writer
            actors = set(s.scalars(select(AuditEvent.officer).where(
                AuditEvent.action == "contacts.create")))
        assert actors == {"Ann Admin", "Bob Officer"}
        check = AuditService(ctx).verify()
        assert check.ok, check.problem
    finally:
        for ctx in writers:
            ctx.store.close()


def test_connection_dropped_mid_write_rolls_back_with_a_clear_message(
        team: str, policy: Policy, pg_server: PgServer) -> None:
    ctx = _session(team, "Ann Admin", ADMIN_PASS, policy)
    store = ctx.store
    assert isinstance(store, ServerStore)
    try:
        with pytest.raises(ServerUnavailableError, match="Nothing from the step that failed was saved"):
            with store.session() as s:
                s.add(Contact(name="Half Written", status="enquirer", source="enquiry_form",
                              search_text="half written", created_at=ctx.now(),
                              updated_at=ctx.now()))
                s.flush()
                pid = s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one()
                pg_server.admin(f"SELECT pg_terminate_backend({int(pid)})")
                s.add(Contact(name="Second Half", status="enquirer", source="enquiry_form",
                              search_text="second half", created_at=ctx.now(),
                              updated_at=ctx.now()))
                s.flush()
        # The app carries on once the server is there: a new connection, nothing half-saved.
        other = ContactService(replace(ctx, actor=Actor("Ann Admin", "admin")))
        with store.session() as s:
            assert s.scalar(select(func.count()).select_from(Contact)) == 0
        assert other.create(_person(9)).id > 0
    finally:
        store.close()


def test_an_idle_connection_the_server_dropped_is_replaced_unseen(
        team: str, policy: Policy, pg_server: PgServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """No ping on every use (a round trip per transaction), but a connection left idle in
    the pool is checked first: one the server dropped meanwhile is replaced, and the
    officer's next step just works."""
    from privdesk.store import server as server_module

    ctx = _session(team, "Ann Admin", ADMIN_PASS, policy)
    contacts = ContactService(ctx)
    try:
        made = contacts.create(_person(1))
        dropped = ctx.store.session
        with dropped() as s:
            pid = int(s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
        pg_server.admin(f"SELECT pg_terminate_backend({pid})")
        monkeypatch.setattr(server_module, "PING_AFTER_S", 0.0)  # "idle long enough" now
        assert contacts.get(made.id).data.name == _person(1).name
        with ctx.store.session() as s:
            now = int(s.connection().exec_driver_sql("SELECT pg_backend_pid()").scalar_one())
        assert now != pid
    finally:
        ctx.store.close()


def test_two_officers_assigning_one_request_take_turns(team: str, policy: Policy) -> None:
    from datetime import date as _date

    from privdesk.services.request_records import NewRequest
    from privdesk.services.requests import RequestService as _Requests
    from privdesk.services.settings import SettingsService

    def RequestService(ctx: ServiceContext) -> _Requests:  # noqa: N802 (reads as the class)
        return _Requests(ctx, SettingsService(ctx))

    ann = _session(team, "Ann Admin", ADMIN_PASS, policy)
    bob = _session(team, "Bob Officer", BOB_PASS, policy)
    try:
        ref = RequestService(ann).create(NewRequest(
            type="access", received=_date(2026, 11, 2), requester_name="Ada Lovelace")).reference
        start = threading.Barrier(2)
        errors: list[BaseException] = []

        def assign(ctx: ServiceContext, to: str) -> None:
            start.wait()
            try:
                RequestService(ctx).assign(ref, to)
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=assign, args=(ann, "Cara Jones")),
                   threading.Thread(target=assign, args=(bob, "Dev Patel"))]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert errors == []
        detail = RequestService(ann).get(ref)
        assigned = [e.detail for e in detail.events if e.kind == "assigned"]
        # One after the other: the second names the first as the one it replaced.
        assert len(assigned) == 2 and "(was" not in assigned[0]
        first = "Cara Jones" if "Cara Jones" in assigned[0] else "Dev Patel"
        assert f"(was {first})" in assigned[1]
        assert detail.row.assignee != first
    finally:
        ann.store.close()
        bob.store.close()
