"""Rotating a team store's data key: every sealed value re-sealed under the new key and the
key slots replaced in one transaction; the old key opens nothing any more, every officer
still unlocks with their own passphrase, the audit chain continues. Refused, with nothing
changed, while another officer's session is connected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import text

from privdesk.cli import main
from privdesk.policy import Policy
from privdesk.services.audit_trail import AuditFilter, AuditService
from privdesk.services.contacts import ContactService
from privdesk.services.officers import OfficerService
from privdesk.services.session import begin_session
from privdesk.store.errors import StoreError
from privdesk.store.sealed import FieldCipher, SealedValueError, reseal
from privdesk.store.server import ServerStore
from privdesk.store.team import create_team_store, open_team_store
from tests.pg_server import PgServer
from tests.team.test_concurrency import ADMIN_PASS, BOB_PASS, _person

CANARY = "CANARY-rotation-3c9e"


@pytest.fixture
def team(pg_url: str, policy: Policy) -> tuple[str, int]:
    store = create_team_store(pg_url, "Ann Admin", ADMIN_PASS)
    try:
        ctx = begin_session(store, policy)
        OfficerService(ctx).add("Bob Officer", "officer", BOB_PASS)
        made = ContactService(ctx).create(_person(1, notes=CANARY))
    finally:
        store.close()
    return pg_url, made.id


def _stored_note(store: ServerStore, contact_id: int) -> str:
    with store.engine.connect() as c:
        return str(c.execute(text("SELECT notes FROM contacts WHERE id = :i"),
                             {"i": contact_id}).scalar_one())


def test_rotation_reseals_everything_and_every_officer_still_unlocks(
        team: tuple[str, int], policy: Policy, pg_server: PgServer) -> None:
    url, contact_id = team
    ann = begin_session(open_team_store(url, "Ann Admin", ADMIN_PASS), policy)
    store = ann.store
    assert isinstance(store, ServerStore)
    old_cipher = FieldCipher.from_data_key(store.keyring._key())
    old_id = store.read_slots().key_id  # type: ignore[union-attr]
    before = _stored_note(store, contact_id)
    events_before = AuditService(ann).verify().checked
    try:
        new_id = OfficerService(ann).rotate_key()
        # The same session carries on under the new key.
        assert ContactService(ann).get(contact_id).data.notes == CANARY
        after = _stored_note(store, contact_id)
        assert new_id != old_id and store.read_slots().key_id == new_id  # type: ignore[union-attr]
        assert after != before
        with pytest.raises(SealedValueError):  # the old key opens nothing now
            reseal(old_cipher, old_cipher, "contacts.notes", after)
        check = AuditService(ann).verify()
        assert check.ok, check.problem
        assert check.checked > events_before
    finally:
        store.close()
    assert CANARY.encode() not in pg_server.dump(url)
    bob = begin_session(open_team_store(url, "Bob Officer", BOB_PASS), policy)
    try:
        assert ContactService(bob).get(contact_id).data.notes == CANARY
        assert AuditService(bob).verify().ok
        done = [e.outcome for e in AuditService(bob).events(AuditFilter(action="store.rotate_key"))]
        assert sorted(done) == ["ok", "started"]
    finally:
        bob.store.close()


def test_rotation_is_refused_while_another_officer_is_connected(
        team: tuple[str, int], policy: Policy) -> None:
    url, contact_id = team
    bob = begin_session(open_team_store(url, "Bob Officer", BOB_PASS), policy)
    ann = begin_session(open_team_store(url, "Ann Admin", ADMIN_PASS), policy)
    try:
        key_id = ann.store.read_slots().key_id  # type: ignore[attr-defined]
        with pytest.raises(StoreError, match="other privdesk session.*lock or close privdesk"):
            OfficerService(ann).rotate_key()
        assert ann.store.read_slots().key_id == key_id  # type: ignore[attr-defined]
        assert ContactService(bob).get(contact_id).data.notes == CANARY  # Bob reads on
        bob.store.close()  # Bob locks: now it goes through
        assert OfficerService(ann).rotate_key() != key_id
    finally:
        ann.store.close()
        bob.store.close()


def test_rotate_key_from_the_command_line(team: tuple[str, int], tmp_path: Path, policy: Policy,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    url, contact_id = team
    pw = tmp_path / "pw.txt"
    pw.write_text(ADMIN_PASS + "\n")
    code = main(["officers", "rotate-key", "--store", url, "--passphrase-file", str(pw),
                 "--user", "Ann Admin", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)
    with open_team_store(url, "Bob Officer", BOB_PASS) as store:
        assert ContactService(begin_session(store, policy)).get(contact_id).data.notes == CANARY


def test_a_session_that_missed_the_rotation_cannot_seal_under_the_old_key(
        team: tuple[str, int], policy: Policy) -> None:
    """Bob's connections were gone (so the rotation did not count him) but his window still
    held the old key: his next step is refused before anything is sent; after unlocking
    again he works under the new key."""
    from privdesk.services.session import resume_session
    from privdesk.store.server import KeyRotatedError

    url, contact_id = team
    bob = begin_session(open_team_store(url, "Bob Officer", BOB_PASS), policy)
    ann = begin_session(open_team_store(url, "Ann Admin", ADMIN_PASS), policy)
    try:
        bob.store.engine.dispose()  # e.g. the network dropped his idle connections
        OfficerService(ann).rotate_key()
        with pytest.raises(KeyRotatedError, match="rotated the data key.*unlock it again"):
            ContactService(bob).create(_person(2, notes="typed under the old key"))
        assert ann.store.table_counts(["contacts"]) == {"contacts": 1}  # nothing written
        bob = resume_session(bob, BOB_PASS)
        made = ContactService(bob).create(_person(3, notes="after unlocking again"))
        assert ContactService(ann).get(made.id).data.notes == "after unlocking again"
        assert ContactService(bob).get(contact_id).data.notes == CANARY
    finally:
        ann.store.close()
        bob.store.close()


def test_an_unlock_waits_for_a_rotation_in_progress(team: tuple[str, int], policy: Policy,
                                                    pg_server: PgServer) -> None:
    """The rotation holds the key slots' lock until it commits; an unlock meanwhile waits
    for it (and so takes the new key), rather than reading the slots being replaced."""
    import threading

    import psycopg

    url, _ = team
    ann = begin_session(open_team_store(url, "Ann Admin", ADMIN_PASS), policy)
    opened: list[ServerStore] = []
    store = ann.store
    assert isinstance(store, ServerStore)

    def waiting() -> int:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                               "AND NOT granted").fetchone()
        return int(row[0]) if row else 0

    try:
        with store.slots_lock():
            worker = threading.Thread(target=lambda: opened.append(
                open_team_store(url, "Bob Officer", BOB_PASS)))
            worker.start()
            while waiting() == 0:  # Bob's unlock is queued behind the lock
                assert worker.is_alive() and not opened
        worker.join(timeout=60)
        assert len(opened) == 1
        opened[0].close()
    finally:
        store.close()
