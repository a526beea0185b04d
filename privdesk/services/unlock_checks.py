"""What an unlock checks before it writes anything: the key file's and roster's versions
and admin key against what the store and this workstation have seen, and the trail
against this workstation's anchor and its own recorded head (see services.session)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from privdesk.services import audit_anchor as anchor
from privdesk.services.audit import HEAD_NAME, as_bytes
from privdesk.store.keyring import KeyRing
from privdesk.store.models import AuditEvent, Secret
from privdesk.store.roster import Roster

KEYS_VERSION = "keys_version"
ROSTER_VERSION = "roster_version"
ADMIN_KEY = "admin_key"  # the admin public key of the newest roster the store has seen


def _recorded(s: Session, name: str) -> int:
    value = s.get(Secret, name)
    try:
        return int(as_bytes(value.value).decode("ascii")) if value is not None else 0
    except ValueError:
        return 0


def _put(s: Session, name: str, number: int) -> None:
    row = s.get(Secret, name)
    if row is None:
        s.add(Secret(name=name, value=str(number).encode("ascii")))
    elif _recorded(s, name) < number:
        row.value = str(number).encode("ascii")


def current_head(s: Session, keyring: KeyRing) -> anchor.Head:
    count = int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)
    last = s.execute(select(AuditEvent.id, AuditEvent.hmac).order_by(AuditEvent.id.desc())
                     .limit(1)).first()
    roster = keyring.roster
    return anchor.Head(count, last[0] if last else 0, last[1] if last else "", keyring.version,
                       roster.version if roster else 0,
                       datetime.now(UTC).replace(microsecond=0).isoformat(),
                       roster.root_public.hex() if roster else "")


def record_versions(s: Session, keyring: KeyRing) -> None:
    """The store remembers the newest key file and roster it has seen (never lowered)."""
    _put(s, KEYS_VERSION, keyring.version)
    _put(s, ROSTER_VERSION, keyring.roster.version if keyring.roster else 0)
    if keyring.roster is not None:
        row = s.get(Secret, ADMIN_KEY)
        value = keyring.roster.root_public.hex().encode("ascii")
        if row is None:
            s.add(Secret(name=ADMIN_KEY, value=value))
        else:
            row.value = value


def _superseded(roster_: object, known: str) -> bool:
    """The roster is signed by an admin key older than one already seen (an admin who
    left kept the key they had and signed with it)."""
    if not isinstance(roster_, Roster) or not known or known == roster_.root_public.hex():
        return False
    try:
        return not roster_.trusts(bytes.fromhex(known))
    except ValueError:
        return False


def version_problem(s: Session, keyring: KeyRing) -> str:
    key_row = s.get(Secret, ADMIN_KEY)
    recorded_key = as_bytes(key_row.value).decode("ascii", "replace") if key_row else ""
    seen = anchor.remembered(keyring.store_id, keyring.info.officer) if keyring.store_id else None
    for known in (recorded_key, seen.admin_key if seen else ""):
        if _superseded(keyring.roster, known):
            return ("The roles in the key file are signed with an admin key that was replaced "
                    "when an admin left, not with the current one: someone who kept the old "
                    "key signed them. Nothing was changed. Put back the newest key file (or "
                    "ask an admin).")
    keys, roster = _recorded(s, KEYS_VERSION), _recorded(s, ROSTER_VERSION)
    have_roster = keyring.roster.version if keyring.roster else 0
    if keyring.version < keys or have_roster < roster:
        return (f"The key file beside the store is older than the store itself (key file "
                f"version {keyring.version}, roles version {have_roster}; the store has seen "
                f"{keys} and {roster}): an old copy was put back, which could let a removed "
                "officer or an old passphrase in. Nothing was changed. Put back the newest "
                "key file (or ask an admin).")
    return ""


def trail_problems(s: Session, keyring: KeyRing, now_head: anchor.Head) -> list[str]:
    problems: list[str] = []
    if keyring.store_id:
        seen = anchor.remembered(keyring.store_id, keyring.info.officer)
        at_seen = (s.scalar(select(AuditEvent.hmac).where(AuditEvent.id == seen.last_id))
                   if seen is not None else None)
        found = anchor.compare(seen, now_head, at_seen)
        restore = s.execute(select(AuditEvent.id, AuditEvent.at, AuditEvent.officer).where(
            AuditEvent.action == "backup.restore", AuditEvent.outcome == "ok")
            .order_by(AuditEvent.id.desc()).limit(1)).first() if found else None
        if restore is not None:
            found = [f"{f} (a restore from a backup by {restore.officer} on {restore.at:%Y-%m-%d} "
                     f"is recorded at event {restore.id}: if that explains it, nothing else is "
                     "wrong)" for f in found]
        problems += found
    head = s.get(Secret, HEAD_NAME)
    value = as_bytes(head.value) if head is not None else b""
    if head is not None and value != f"{now_head.last_id}:{now_head.last_hmac}".encode():
        problems.append(f"the trail ends at event {now_head.last_id} but its own record of its "
                        f"newest event says {value.decode('ascii', 'replace')[:20]}: the "
                        "newest events were deleted")
    elif head is None and now_head.count:
        problems.append("the record of the trail's newest event is missing (deleted)")
    return problems
