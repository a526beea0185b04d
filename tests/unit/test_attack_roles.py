"""H1: an officer who holds the key (a viewer's own slot) cannot make themselves admin.

Each attack is run on real files with the key taken from the attacker's own slot: raw
SQL through sqlcipher3, and a key file re-MACed and re-signed with their own key."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import select

from privdesk.policy import Policy
from privdesk.services.audit_trail import AuditService
from privdesk.services.authz import PermissionDenied
from privdesk.services.container import Services
from privdesk.services.officers import OfficerService
from privdesk.services.session import SessionError, begin_session
from privdesk.store import keyslots as ks
from privdesk.store import vault
from privdesk.store.models import AuditEvent
from privdesk.store.roster import Member, with_member
from tests.attacker import own_keys, raw_sql, rewrite_keys

ADMIN, ADMIN_PW = "Alex Morgan", "alex admin passphrase"
VIEWER, VIEWER_PW = "Jo Lewis", "jo viewer passphrase"


@pytest.fixture
def team(tmp_path: Path, policy: Policy) -> Iterator[Path]:
    path = tmp_path / "team.privdesk"
    with vault.create_store(path, ADMIN, ADMIN_PW) as store:
        ctx = begin_session(store, policy)
        OfficerService(ctx).add(VIEWER, "viewer", VIEWER_PW)
        OfficerService(ctx).add("Priya Shah", "officer", "priya officer passphrase")
    yield path


def unlock(path: Path, who: str, pw: str, policy: Policy) -> Services:
    return Services.build(begin_session(vault.open_store(path, who, pw), policy))


def test_a_role_edited_in_sql_is_refused_and_reported(team: Path, policy: Policy) -> None:
    key, _ = own_keys(team, VIEWER, VIEWER_PW)
    raw_sql(team, key, "UPDATE officers SET role = 'admin' WHERE name = 'Jo Lewis'",
            "DELETE FROM audit_events WHERE outcome = 'denied'")
    jo = unlock(team, VIEWER, VIEWER_PW, policy)
    assert jo.ctx.actor.role == "viewer"  # the signed role, not the table's
    assert any("changed to admin outside privdesk" in w for w in jo.ctx.warnings)
    with pytest.raises(PermissionDenied):
        jo.officers.add("Mallory Fox", "admin", "mallory strong passphrase")
    with pytest.raises(PermissionDenied):
        jo.officers.set_role("Alex Morgan", "viewer")
    assert {r.name: r.role for r in jo.officers.list()}["Jo Lewis"] == "viewer"
    jo.close()
    alex = unlock(team, ADMIN, ADMIN_PW, policy)
    with alex.ctx.store.session() as s:
        found = s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "audit.tamper"))
        assert any("Jo Lewis's role was changed to admin" in d for d in found)
    assert alex.ctx.actor.role == "admin"
    assert alex.audit.verify().ok is False  # the finding stays in the trail
    alex.close()


def test_a_roster_forged_with_the_data_key_is_refused_for_everyone(team: Path,
                                                                   policy: Policy) -> None:
    def promote(f: ks.SlotFile) -> ks.SlotFile:
        assert f.roster is not None
        member = f.roster.member(VIEWER)
        assert member is not None
        return replace(f, roster=with_member(f.roster, replace(member, role="admin")))

    rewrite_keys(team, VIEWER, VIEWER_PW, promote)
    for who, pw in ((ADMIN, ADMIN_PW), (VIEWER, VIEWER_PW)):
        with pytest.raises(vault.RosterError, match="not signed by this store's admins"):
            vault.open_store(team, who, pw)


def test_a_roster_signed_by_a_new_admin_key_is_refused_by_the_others(team: Path,
                                                                     policy: Policy) -> None:
    """The viewer makes a whole new admin key, signs a roster with it, and even pins it in
    their own slot (they know their own passphrase): their own privdesk believes it, no
    one else's does, because every other slot pins the real admin key."""
    fake = Ed25519PrivateKey.generate()
    fake_public = fake.public_key().public_bytes_raw()

    def take_over(f: ks.SlotFile) -> ks.SlotFile:
        assert f.roster is not None
        members = tuple(replace(m, role="admin") if m.name == VIEWER else m
                        for m in f.roster.members)
        roster = replace(f.roster, root_public=fake_public, members=members,
                         version=f.roster.version + 1).signed(fake)
        slot = f.find(VIEWER)
        assert slot is not None
        repinned = ks.repassphrase(slot, VIEWER_PW, VIEWER_PW, admin_public=fake_public)
        return replace(f, roster=roster, version=f.version + 1, slots=tuple(
            repinned if s is slot else s for s in f.slots))

    rewrite_keys(team, VIEWER, VIEWER_PW, take_over)
    for who, pw in ((ADMIN, ADMIN_PW), ("Priya Shah", "priya officer passphrase")):
        with pytest.raises(vault.RosterError, match="not signed by this store's admins"):
            vault.open_store(team, who, pw)


def test_a_slot_planted_with_the_data_key_cannot_unlock(team: Path) -> None:
    data_key, _ = own_keys(team, VIEWER, VIEWER_PW)
    planted = ks.make_slot("Mallory Fox", "admin", "mallory strong passphrase", data_key)

    def plant(f: ks.SlotFile) -> ks.SlotFile:
        assert f.roster is not None  # even listed in the roster, unsigned by the admin key
        return replace(f, slots=(*f.slots, planted), roster=with_member(
            f.roster, Member("Mallory Fox", "admin", planted.sign_public)))

    rewrite_keys(team, VIEWER, VIEWER_PW, plant)
    with pytest.raises(vault.RosterError):
        vault.open_store(team, "Mallory Fox", "mallory strong passphrase")


def test_an_old_key_file_with_an_old_role_is_refused(team: Path, policy: Policy) -> None:
    """Replaying a key file from when the viewer was an officer (a valid old signature)."""
    old = ks.sidecar_path(team).read_bytes()
    alex = unlock(team, ADMIN, ADMIN_PW, policy)
    alex.officers.set_role("Priya Shah", "viewer")
    alex.close()
    ks.sidecar_path(team).write_bytes(old)
    with pytest.raises(SessionError, match="older than the store"):
        unlock(team, "Priya Shah", "priya officer passphrase", policy)
    # ...and the refusal itself is in the trail, signed by the officer who met it.
    store = vault.open_store(team, ADMIN, ADMIN_PW)
    with store.session() as s:
        refused = s.scalars(select(AuditEvent.detail).where(AuditEvent.outcome == "refused"))
        assert any("older than the store" in d for d in refused)
    store.close()


def test_audit_events_are_signed_by_their_officer(team: Path, policy: Policy) -> None:
    jo = unlock(team, VIEWER, VIEWER_PW, policy)
    with jo.ctx.store.session() as s:
        last = s.scalars(select(AuditEvent).order_by(AuditEvent.id.desc()).limit(1)).one()
        assert (last.signer, len(last.sig)) == (VIEWER, 128)
    jo.close()
    # The viewer re-chains an event in the admin's name with the HMAC key: the chain
    # fits, the signature cannot.
    key, _ = own_keys(team, VIEWER, VIEWER_PW)
    raw_sql(team, key, "UPDATE audit_events SET signer = 'Alex Morgan' WHERE id = ("
            "SELECT max(id) FROM audit_events WHERE signer = 'Jo Lewis')")
    alex = unlock(team, ADMIN, ADMIN_PW, policy)
    check = AuditService(alex.ctx).verify()
    assert not check.ok and "did not sign it" in check.problem
    alex.close()


def test_an_admin_who_left_cannot_sign_roles_with_the_key_they_kept(team: Path,
                                                                     policy: Policy) -> None:
    """Priya is made admin, copies the admin key out of her own slot (her passphrase opens
    it), is demoted, then signs a roster making herself admin with the kept key. The
    demotion handed the admin key over; the demoting admin's workstation and the store
    both know the new one, so the forged roles are refused; every other slot follows the
    hand-over and re-pins at its next unlock."""
    priya_pw = "priya officer passphrase"
    alex = unlock(team, ADMIN, ADMIN_PW, policy)
    alex.officers.set_role("Priya Shah", "admin")
    alex.close()
    slot_file = ks.read_slot_file(ks.sidecar_path(team))
    assert slot_file is not None
    slot = slot_file.find("Priya Shah")
    assert slot is not None
    kept = ks.unseal_ed25519(slot, ks.unlock_slot(slot, priya_pw).private, "admin")
    alex = unlock(team, ADMIN, ADMIN_PW, policy)
    alex.officers.set_role("Priya Shah", "officer")
    alex.close()
    after = ks.read_slot_file(ks.sidecar_path(team))
    assert after is not None and after.roster is not None
    assert after.roster.root_public != kept.public_key().public_bytes_raw()
    assert not (after.find("Priya Shah") or slot).sealed_admin

    jo = unlock(team, VIEWER, VIEWER_PW, policy)  # follows the hand-over, re-pins
    assert jo.ctx.actor.role == "viewer"
    jo.close()

    def forge(f: ks.SlotFile) -> ks.SlotFile:
        assert f.roster is not None
        members = tuple(replace(m, role="admin") if m.name == "Priya Shah" else m
                        for m in f.roster.members)
        roster = replace(f.roster, root_public=kept.public_key().public_bytes_raw(),
                         succession=(), members=members,
                         version=f.roster.version + 5).signed(kept)
        return replace(f, roster=roster, version=f.version + 5)

    rewrite_keys(team, "Priya Shah", priya_pw, forge)
    with pytest.raises(vault.RosterError):  # Jo re-pinned to the new key
        vault.open_store(team, VIEWER, VIEWER_PW)
    store = vault.open_store(team, ADMIN, ADMIN_PW)  # Alex's slot still pins the old key...
    with pytest.raises(SessionError, match="admin key that was replaced"):  # ...but no more
        begin_session(store, policy)
    store.close()
