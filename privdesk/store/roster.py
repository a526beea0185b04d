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
class Succession:
    """The admin key was replaced (an admin was demoted or removed): signed by the old
    key, so a slot that pinned the old key can follow to the new one, and re-pin."""

    old_public: bytes
    new_public: bytes
    at: str
    signature: bytes = b""

    def message(self, store_id: str) -> bytes:
        return (b"privdesk admin key succession v1|" + store_id.encode() + b"|"
                + self.old_public + self.new_public + self.at.encode())

    def as_json(self) -> dict[str, Any]:
        return {"old_public": self.old_public.hex(), "new_public": self.new_public.hex(),
                "at": self.at, "signature": self.signature.hex()}


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
    succession: tuple[Succession, ...] = ()

    def body(self) -> bytes:
        data = {"v": 1, "store_id": self.store_id, "version": self.version,
                "root_public": self.root_public.hex(),
                "members": sorted((m.as_json() for m in self.members),
                                  key=lambda m: normalise_officer(m["name"])),
                "former": [m.as_json() for m in self.former],
                "audit_from": self.audit_from, "signed_by": self.signed_by, "at": self.at}
        if self.succession:
            data["succession"] = [x.as_json() for x in self.succession]
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

    def trusts(self, pinned: bytes) -> bool:
        """Signed by the pinned admin key, or by a key it handed over to through a chain
        of successions each signed by the key before."""
        current = pinned
        for _ in range(len(self.succession) + 1):
            if current == self.root_public:
                return self.verifies(current)
            step = next((x for x in self.succession if x.old_public == current), None)
            if step is None:
                return False
            try:
                Ed25519PublicKey.from_public_bytes(current).verify(
                    step.signature, step.message(self.store_id))
            except (InvalidSignature, ValueError):
                return False
            current = step.new_public
        return False

    def succeeded(self, old_key: Ed25519PrivateKey, new_key: Ed25519PrivateKey,
                  at: str) -> Roster:
        """The same roster, now under new_key, with the hand-over signed by old_key."""
        new_public = new_key.public_key().public_bytes_raw()
        step = Succession(old_key.public_key().public_bytes_raw(), new_public, at)
        step = replace(step, signature=old_key.sign(step.message(self.store_id)))
        return replace(self, root_public=new_public, succession=(*self.succession, step))

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
                "signed_by": self.signed_by, "at": self.at, "signature": self.signature.hex(),
                "succession": [x.as_json() for x in self.succession]}


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
