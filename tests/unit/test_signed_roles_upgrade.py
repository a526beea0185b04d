"""An existing store (key file from before signed roles, schema before 0006) upgrades:
the first admin to unlock signs the roles as they stand, audited; the others pin the
admin key at their own next unlock; the trail verifies across the change."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from alembic import command
from sqlalchemy import text

from privdesk.policy import Policy
from privdesk.services import audit_anchor as anchor
from privdesk.services.audit_trail import AuditService
from privdesk.services.container import Services
from privdesk.services.session import begin_session
from privdesk.store import keyslots as ks
from privdesk.store import vault
from privdesk.store.engine import _migrations_config, head_revision

TEAM = {"Alex Morgan": ("admin", "alex admin passphrase"),
        "Priya Shah": ("officer", "priya officer passphrase"),
        "Jo Lewis": ("viewer", "jo viewer passphrase")}


def make_old(path: Path, policy: Policy) -> None:
    """What privdesk wrote before this change: a format-1 key file (no signing keys, no
    roster, no pinned admin key), roles only in the officers table, unsigned events."""
    alex_pw = TEAM["Alex Morgan"][1]
    with vault.create_store(path, "Alex Morgan", alex_pw) as store:
        services = Services.build(begin_session(store, policy))
        for name, (role, pw) in TEAM.items():
            if role != "admin":
                services.officers.add(name, role, pw)
        data_key = ks.open_slot(ks.read_slot_file(ks.sidecar_path(path)).find(  # type: ignore[union-attr]
            "Alex Morgan"), alex_pw)
        with store.session() as s:
            s.execute(text("DELETE FROM secrets WHERE name IN ('keys_version', 'roster_version',"
                           " 'admin_key')"))
        anchor.forget_store(store.keyring.store_id)  # an older privdesk kept no anchors
        with store.engine.begin() as c:
            command.downgrade(_migrations_config(c), "0003")
    slots = tuple(replace(ks.make_slot(name, role, pw, data_key), sign_public=b"", sealed_sign=b"")
                  for name, (role, pw) in TEAM.items())
    old = ks.SlotFile(ks.key_id(data_key), slots, format=1).sealed(data_key)
    ks.write_slot_file(ks.sidecar_path(path), old)
    assert '"format": 1' in ks.sidecar_path(path).read_text()


def unlock(path: Path, name: str, policy: Policy) -> Services:
    return Services.build(begin_session(vault.open_store(path, name, TEAM[name][1]), policy))


def test_the_first_admin_signs_the_roles_and_the_others_pin_the_key(tmp_path: Path,
                                                                     policy: Policy) -> None:
    path = tmp_path / "old.privdesk"
    make_old(path, policy)

    jo = unlock(path, "Jo Lewis", policy)  # a viewer first: works, nothing signed yet
    assert jo.ctx.actor.role == "viewer"
    assert any("not signed yet" in w for w in jo.ctx.warnings)
    assert jo.ctx.store.schema_revision() == head_revision()
    jo.close()
    assert ks.read_slot_file(ks.sidecar_path(path)).roster is None  # type: ignore[union-attr]

    alex = unlock(path, "Alex Morgan", policy)
    assert alex.ctx.actor.role == "admin"
    signed = [e.detail for e in alex.audit.events() if e.action == "officer.roles_signed"]
    assert signed == ["roles signed as they stood: Alex Morgan admin, Priya Shah officer, "
                      "Jo Lewis viewer"]
    alex.close()
    slot_file = ks.read_slot_file(ks.sidecar_path(path))
    assert slot_file is not None and slot_file.format == ks.FORMAT
    assert slot_file.roster is not None and slot_file.roster.audit_from > 0

    for name in ("Priya Shah", "Jo Lewis"):
        services = unlock(path, name, policy)
        assert services.ctx.actor.role == TEAM[name][0]
        assert [e.action for e in services.audit.events()][0] == "store.unlock"
        assert "officer.admin_key_pinned" in [e.action for e in services.audit.events(limit=3)]
        services.close()
    alex = unlock(path, "Alex Morgan", policy)
    check = AuditService(alex.ctx).verify()
    assert check.ok, check.problem
    assert alex.officers.list()  # the admin can manage officers with the new admin key
    alex.officers.set_role("Jo Lewis", "officer")
    alex.close()
