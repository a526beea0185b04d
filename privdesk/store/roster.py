"""The roster: who the store's officers are, with which role and which signing key,
signed by the store's admin key.

Why: every officer's slot unseals the one data key, so anyone holding a slot can edit
the `officers` table with plain SQL. Roles therefore live here, in a statement signed
with an Ed25519 *admin key*: its private half is sealed only to the admins' slots, and
its public half is pinned inside every officer's passphrase-wrapped slot (which nobody
can rewrite without that officer's passphrase). A viewer who holds the data key can
change the table, the key file and its MAC, but cannot sign a roster that another
officer's privdesk accepts.

The roster also lists the signing keys of officers who were removed (`former`), so the
events they signed stay verifiable, and `audit_from`: the id of the newest audit event
written before events were signed (a store upgraded from an older privdesk).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from privdesk.store.officer_names import normalise_officer

ROLES = ("admin", "officer", "viewer")


@dataclass(frozen=True)
class Member:
    name: str
    role: str  # admin / officer / viewer; "" for a former officer
    sign_public: bytes

    def as_json(self) -> dict[str, Any]:
        return {"name": self.name, "role": self.role, "sign_public": self.sign_public.hex()}


@dataclass(frozen=True)
class Roster:
    store_id: str
    version: int
    root_public: bytes
    members: tuple[Member, ...]
    former: tuple[Member, ...]
    audit_from: int
    signed_by: str
    at: str
    signature: bytes = b""

    def body(self) -> bytes:
        data = {"v": 1, "store_id": self.store_id, "version": self.version,
                "root_public": self.root_public.hex(),
                "members": sorted((m.as_json() for m in self.members),
                                  key=lambda m: normalise_officer(m["name"])),
                "former": [m.as_json() for m in self.former],
                "audit_from": self.audit_from, "signed_by": self.signed_by, "at": self.at}
        return b"privdesk roster v1\x1f" + json.dumps(
            data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()

    def signed(self, root_private: Ed25519PrivateKey) -> Roster:
        return replace(self, signature=root_private.sign(self.body()))

    def verifies(self, root_public: bytes) -> bool:
        """Signed by the admin key whose public half the caller trusts (pinned)."""
        if root_public != self.root_public:
            return False
        try:
            Ed25519PublicKey.from_public_bytes(root_public).verify(self.signature, self.body())
        except (InvalidSignature, ValueError):
            return False
        return True

    def member(self, name: str) -> Member | None:
        wanted = normalise_officer(name)
        return next((m for m in self.members if normalise_officer(m.name) == wanted), None)

    def role_of(self, name: str) -> str | None:
        m = self.member(name)
        return m.role if m is not None else None

    def keys_of(self, name: str) -> list[bytes]:
        """Every signing key this name has held (current first), for checking events."""
        wanted = normalise_officer(name)
        return [m.sign_public for m in (*self.members, *self.former)
                if normalise_officer(m.name) == wanted]

    def admins(self) -> list[str]:
        return [m.name for m in self.members if m.role == "admin"]

    def as_json(self) -> dict[str, Any]:
        return {"store_id": self.store_id, "version": self.version,
                "root_public": self.root_public.hex(),
                "members": [m.as_json() for m in self.members],
                "former": [m.as_json() for m in self.former], "audit_from": self.audit_from,
                "signed_by": self.signed_by, "at": self.at, "signature": self.signature.hex()}


def with_member(roster: Roster, member: Member) -> Roster:
    others = tuple(m for m in roster.members
                   if normalise_officer(m.name) != normalise_officer(member.name))
    return replace(roster, members=(*others, member))


def without_member(roster: Roster, name: str) -> Roster:
    gone = roster.member(name)
    if gone is None:
        return roster
    return replace(roster, members=tuple(m for m in roster.members if m is not gone),
                   former=(*roster.former, replace(gone, role="")))
