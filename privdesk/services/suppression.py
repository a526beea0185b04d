"""The suppression list: keyed hashes of erased or objecting people's identifiers.

Only HMAC-SHA256 digests of the normalised email and phone are kept, under a 32-byte
key that lives inside the encrypted store (secrets table), so the list says "this person
asked to be forgotten / not marketed to" without keeping who they were, and a plain hash
of a guessed address cannot be checked against it outside the store.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, insert, select, text
from sqlalchemy.orm import Session

from privdesk.domain.identity import normalise_email, normalise_phone
from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext
from privdesk.services.errors import ServiceError
from privdesk.services.settings import SettingsService
from privdesk.store.models import Secret, Suppression

SECRET_NAME = "suppression_hmac"  # noqa: S105 (the name of a secret, not one)
REASONS = ("erasure", "objection")


class MarketingSuppressed(ServiceError, ValueError):
    """The person is on the suppression list, so they cannot be opened to marketing."""

    def __init__(self, kinds: tuple[str, ...]) -> None:
        what = " and ".join(f"{k} address" if k == "email" else f"{k} number" for k in kinds)
        super().__init__(
            f"This person's {what} is on the suppression list (they objected to marketing or "
            "had their data erased), so they cannot be marked as open to marketing.")
        self.kinds = kinds


@dataclass(frozen=True)
class SuppressionDigests:
    """The keyed hashes of one person's identifiers (None where not given)."""

    email: str | None
    phone: str | None

    def items(self) -> list[tuple[str, str]]:
        return [(k, d) for k, d in (("email", self.email), ("phone", self.phone)) if d]


class SuppressionList:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx
        self._settings = SettingsService(ctx)
        self._key: bytes | None = None

    def _hmac_key(self) -> bytes:
        # Read (or create) outside any open write session: the settings service uses its
        # own session, and SQLite allows one writer at a time.
        if self._key is None:
            key = self._settings.secret(SECRET_NAME, create_bytes=32)
            assert key is not None
            self._key = key
        return self._key

    def _region(self) -> str:
        region = self._settings.get("phone_region")
        return region if isinstance(region, str) and region else "GB"

    def digests(self, email: str | None, phone: str | None) -> SuppressionDigests:
        key = self._hmac_key()

        def mac(kind: str, value: str | None) -> str | None:
            if not value:
                return None
            return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

        return SuppressionDigests(mac("email", normalise_email(email)),
                                  mac("phone", normalise_phone(phone, self._region())))

    def digests_many(self, people: Sequence[tuple[str | None, str | None]]
                     ) -> list[SuppressionDigests]:
        """digests() for many people, reading the key and the region once (an import).
        Compute before opening the write session, as for digests()."""
        key, region = self._hmac_key(), self._region()

        def mac(kind: str, value: str | None) -> str | None:
            if not value:
                return None
            return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

        return [SuppressionDigests(mac("email", normalise_email(e)),
                                   mac("phone", normalise_phone(p, region))) for e, p in people]

    def normalised_digests_in(self, session: Session
                              ) -> Callable[[str | None, str | None], SuppressionDigests]:
        """digests() for identifiers already normalised (email lower-cased, phone E.164,
        as an import's checks leave them), without parsing each phone again. The key is
        read, or made on first use, inside the caller's transaction (an import), so an
        import that is rolled back leaves no key behind either."""
        if session.get_bind().dialect.name != "sqlite":
            session.execute(text("SELECT pg_advisory_xact_lock(hashtext(:n))"),
                            {"n": SECRET_NAME})  # two officers' first use: one key
        row = session.get(Secret, SECRET_NAME)
        if row is None:
            row = Secret(name=SECRET_NAME, value=secrets.token_bytes(32))
            session.add(row)
            self._ctx.record(session, "secret.create", "secret", SECRET_NAME)
        key: bytes = row.value

        def mac(kind: str, value: str | None) -> str | None:
            if not value:
                return None
            return hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

        return lambda email, phone: SuppressionDigests(mac("email", email), mac("phone", phone))

    def listed(self) -> set[tuple[str, str]]:
        """Every (kind, digest) on the list: one read for a whole import."""
        with self._ctx.store.session() as s:
            return {(k, d) for k, d in s.execute(select(Suppression.kind, Suppression.digest))}

    @staticmethod
    def add_many_in(session: Session, people: Iterable[SuppressionDigests], reason: str,
                    today: date) -> None:
        """Store many people's digests inside the caller's transaction in one statement;
        digests already on the list are left as they are."""
        rows = [{"kind": kind, "digest": digest, "reason": reason, "added_on": today}
                for person in people for kind, digest in person.items()]
        if rows:
            session.execute(insert(Suppression).prefix_with("OR IGNORE"), rows)

    # -- writing -----------------------------------------------------------------------
    def add(self, email: str | None, phone: str | None, reason: str) -> int:
        """Add a person (erasure or objection to marketing). Returns how many new
        digests were stored (0 when they were already on the list)."""
        if reason not in REASONS:
            raise ValueError(f"Unknown suppression reason {reason!r} (expected erasure or objection).")
        self._ctx.require(Permission.EDIT, "suppression.add", "suppression", None)
        digests = self.digests(email, phone)
        if not digests.items():
            raise ValueError("Give an email address or a phone number to suppress.")
        with self._ctx.store.session() as s:
            added = self.add_in(s, [digests], reason)
            self._ctx.record(s, "suppression.add", "suppression", None,
                             detail=f"reason={reason} added={added}")
        return added

    def add_in(self, session: Session, people: Iterable[SuppressionDigests], reason: str) -> int:
        """Store digests inside the caller's transaction (erasure runs this in the same
        transaction as the deletion). Compute `digests()` before opening the session."""
        added = 0
        today = self._ctx.today()
        for person in people:
            for kind, digest in person.items():
                exists = session.scalar(select(Suppression.id).where(
                    Suppression.kind == kind, Suppression.digest == digest))
                if exists is None:
                    session.add(Suppression(kind=kind, digest=digest, reason=reason, added_on=today))
                    session.flush()
                    added += 1
        return added

    # -- checking ----------------------------------------------------------------------
    def matched_kinds(self, email: str | None, phone: str | None) -> tuple[str, ...]:
        """Which of the identifiers ("email", "phone") are on the list."""
        digests = self.digests(email, phone)
        found: list[str] = []
        with self._ctx.store.session() as s:
            for kind, digest in digests.items():
                if s.scalar(select(Suppression.id).where(
                        Suppression.kind == kind, Suppression.digest == digest)) is not None:
                    found.append(kind)
        return tuple(found)

    def check_many(self, people: Sequence[tuple[str | None, str | None]]) -> list[bool]:
        """For a bulk import: which of these (email, phone) pairs are suppressed, with
        one read of the list instead of a query per row."""
        with self._ctx.store.session() as s:
            listed = {(k, d) for k, d in s.execute(select(Suppression.kind, Suppression.digest))}
        if not listed:
            return [False] * len(people)
        key, region = self._hmac_key(), self._region()

        def mac(kind: str, value: str | None) -> tuple[str, str] | None:
            if not value:
                return None
            return kind, hmac.new(key, f"{kind}:{value}".encode(), hashlib.sha256).hexdigest()

        return [mac("email", normalise_email(e)) in listed
                or mac("phone", normalise_phone(p, region)) in listed for e, p in people]

    def matches(self, email: str | None, phone: str | None) -> bool:
        return bool(self.matched_kinds(email, phone))

    def is_suppressed(self, email: str | None, phone: str | None) -> bool:
        """For import and new-contact entry: warn when this is true."""
        return self.matches(email, phone)

    def check_marketing_allowed(self, email: str | None, phone: str | None) -> None:
        """Raise MarketingSuppressed if the person may not be marked open to marketing."""
        kinds = self.matched_kinds(email, phone)
        if kinds:
            raise MarketingSuppressed(kinds)

    def count(self) -> int:
        with self._ctx.store.session() as s:
            return int(s.scalar(select(func.count()).select_from(Suppression)) or 0)
