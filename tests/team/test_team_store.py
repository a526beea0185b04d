"""A team store on a real PostgreSQL server: made and unlocked through key slots kept in
the database, and the server never sees free text or documents in the clear."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import text

from privdesk.domain.contact_records import ContactInput, ContactQuery
from privdesk.policy import Policy
from privdesk.services.contacts import ContactService
from privdesk.services.session import begin_session
from privdesk.store import keyslots as ks
from privdesk.store.errors import StoreError
from privdesk.store.sealed import SealedValueError
from privdesk.store.server import ServerUnavailableError
from privdesk.store.team import create_team_store, open_team_store
from tests.pg_server import PgServer

PASS = "team passphrase one"
CANARY = "CANARY-7f3a-never-on-the-server"


def _contact(notes: str = CANARY) -> ContactInput:
    return ContactInput(name="Zoë Ørsted", email="zoe@example.com", company="Canary Wharf Ltd",
                        status="enquirer", source="enquiry_form", first_contact=date(2026, 3, 1),
                        last_activity=date(2026, 3, 1), notes=notes)


def test_init_unlock_and_wrong_passphrase(pg_url: str, policy: Policy) -> None:
    store = create_team_store(pg_url, "Ann Admin", PASS)
    ctx = begin_session(store, policy)
    made = ContactService(ctx).create(_contact())
    store.close()

    with pytest.raises(ks.WrongPassphrase):
        open_team_store(pg_url, "Ann Admin", "not the passphrase")
    with pytest.raises(ks.WrongPassphrase):
        open_team_store(pg_url, "Nobody", PASS)
    again = open_team_store(pg_url, "ann admin", PASS)  # names match without case
    try:
        # The failed attempts were remembered in the database's slot row, for the audit.
        assert [f.officer for f in again.keyring.info.failed] == ["Ann Admin",
                                                                  "(unknown officer name)"]
        ctx = begin_session(again, policy)
        assert ContactService(ctx).get(made.id).data.notes == CANARY
        assert ContactService(ctx).search(ContactQuery(text="zoe canary")).total == 1
    finally:
        again.close()


def test_init_refuses_a_database_that_already_holds_a_store(pg_url: str) -> None:
    create_team_store(pg_url, "Ann Admin", PASS).close()
    with pytest.raises(StoreError, match="empty database"):
        create_team_store(pg_url, "Bob", PASS)


def test_dump_holds_no_free_text_and_no_plain_pdf(pg_server: PgServer, pg_url: str,
                                                  policy: Policy) -> None:
    from privdesk.store.models import Document

    store = create_team_store(pg_url, "Ann Admin", PASS)
    try:
        ctx = begin_session(store, policy)
        made = ContactService(ctx).create(_contact())
        pdf = b"%PDF-1.7\n" + CANARY.encode() + b"\n%%EOF\n"
        with store.session() as s:
            s.add(Document(contact_id=made.id, kind="pack", filename=f"{CANARY}.pdf",
                           mime="application/pdf", content=pdf, sha256="0" * 64, size=len(pdf),
                           author="Ann Admin", created_at=ctx.now()))
        with store.session() as s:  # read back through the client: opens again
            assert s.scalars(text("SELECT 1")).one() == 1
            assert s.query(Document).one().content == pdf
    finally:
        store.close()
    dump = pg_server.dump(pg_url)
    assert b"Canary Wharf" in dump  # what the server must see to search is there...
    assert CANARY.encode() not in dump  # ...free text and documents are not
    assert b"%PDF" not in dump


def test_a_value_moved_to_another_column_does_not_open(pg_url: str, policy: Policy) -> None:
    store = create_team_store(pg_url, "Ann Admin", PASS)
    try:
        ctx = begin_session(store, policy)
        made = ContactService(ctx).create(_contact())
        with store.engine.begin() as c:  # a database administrator swaps sealed values
            c.execute(text("UPDATE contacts SET legal_hold_reason = notes WHERE id = :i"),
                      {"i": made.id})
        with pytest.raises(SealedValueError, match="contacts.legal_hold_reason"):
            ContactService(ctx).get(made.id)
    finally:
        store.close()


def test_unreachable_server_is_a_plain_message(pg_server: PgServer, tmp_path: object) -> None:
    url = f"postgresql://privdesk_test@/nowhere?host={pg_server.socket_dir}&port=1"
    with pytest.raises(ServerUnavailableError, match="could not be reached"):
        open_team_store(url, "Ann", PASS)
    missing = pg_server.url("no_such_database")
    with pytest.raises(ServerUnavailableError, match="does not exist"):
        open_team_store(missing, "Ann", PASS)


def test_a_value_moved_to_another_row_does_not_open(pg_url: str, policy: Policy) -> None:
    store = create_team_store(pg_url, "Ann Admin", PASS)
    try:
        ctx = begin_session(store, policy)
        first = ContactService(ctx).create(_contact("first person's note"))
        second = ContactService(ctx).create(_contact("second person's note"))
        with store.engine.begin() as c:  # an administrator copies one row's note onto another
            c.execute(text("UPDATE contacts SET notes = (SELECT notes FROM contacts WHERE id = :a) "
                           "WHERE id = :b"), {"a": first.id, "b": second.id})
        assert ContactService(ctx).get(first.id).data.notes == "first person's note"
        with pytest.raises(SealedValueError, match="moved on the server"):
            ContactService(ctx).get(second.id)
    finally:
        store.close()
