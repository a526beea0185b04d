"""The unlock session: who is acting with which *verified* role, and what the unlock
found wrong, checked before anything is written to the store.

Order at unlock (vault has already verified the signed roster against the admin key
pinned in the officer's own slot):

1. the key file's and roster's versions against the newest ones the store has recorded
   (an older copy of `.keys` put back is refused: it could re-enable a removed officer
   or an old passphrase);
2. the trail against what this workstation remembered for this officer
   (services.audit_anchor), and the trail's end against its recorded head;
3. the officers table against the signed roster: a role edited in SQL is refused (the
   signed role is used and the row put back) and reported;
4. only then is anything written: the problems found, failed unlocks (as data), the
   unlock itself; then the versions and this workstation's anchor move forward.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from privdesk.policy import Policy
from privdesk.services import audit_anchor as anchor
from privdesk.services.audit import AuditCheck, AuditLog
from privdesk.services.audit_trail import TAMPER
from privdesk.services.context import Actor, ServiceContext, utc_now
from privdesk.services.errors import ServiceError
from privdesk.services.team import reopen
from privdesk.services.unlock_checks import (
    current_head,
    record_versions,
    trail_problems,
    version_problem,
)
from privdesk.store import keyslots as ks
from privdesk.store.engine import Store
from privdesk.store.errors import StoreError
from privdesk.store.keyring import KeyRing
from privdesk.store.models import Officer

FAILED_UNLOCK = "(failed unlock)"  # the officer column of a failed attempt: a typed name is data


class SessionError(ServiceError, StoreError):
    """The unlock was refused after the key opened the store (worded for the officer)."""


def find_officer(session: Session, name: str) -> Officer | None:
    wanted = ks.normalise_officer(name)
    return next((o for o in session.scalars(select(Officer))
                 if ks.normalise_officer(o.name) == wanted), None)


def keyring_of(store: Store) -> KeyRing:
    if not isinstance(store.keyring, KeyRing):
        raise SessionError("This store was not unlocked through key slots.")
    return store.keyring


def sync_roles(s: Session, keyring: KeyRing, now: datetime) -> list[str]:
    """The officers table made to agree with the signed roster; each difference named."""
    roster = keyring.roster
    if roster is None:
        return []
    problems = []
    for member in roster.members:
        row = find_officer(s, member.name)
        if row is None:
            s.add(Officer(name=member.name, role=member.role, created_at=now, active=True))
            continue
        if row.role != member.role or not row.active:
            was = row.role + ("" if row.active else ", removed")
            problems.append(f"{row.name}'s role was changed to {was} outside privdesk (in the "
                            f"officers table); the roles the admins signed say {member.role}, "
                            f"so {row.name} stays {member.role}")
            row.role, row.active = member.role, True
    for row in s.scalars(select(Officer).where(Officer.active.is_(True))):
        if roster.member(row.name) is None and any(
                ks.normalise_officer(f.name) == ks.normalise_officer(row.name)
                for f in roster.former):
            problems.append(f"{row.name} was put back as an officer outside privdesk (in the "
                            "officers table), but the admins removed them; they stay removed")
            row.active = False
    s.flush()
    return problems


def _failed_details(keyring: KeyRing, failed: tuple[ks.FailedUnlock, ...]) -> list[str]:
    """Each failed attempt as data (the typed name quoted and escaped, never a name)."""
    since, latest = keyring.info.last_unlock, datetime.now(UTC) + timedelta(minutes=5)
    details, forged = [], 0
    for attempt in failed:
        try:
            at = datetime.fromisoformat(attempt.at)
            genuine = at.tzinfo is not None and at <= latest and (
                not since or at >= datetime.fromisoformat(since))
        except ValueError:
            genuine = False
        if genuine:
            details.append(f"name typed: {ascii(attempt.officer)}; at {attempt.at}")
        else:
            forged += 1
    if forged:
        details.append(f"{forged} more record(s) of failed unlocks in the key file were dated "
                       "before the last good unlock or in the future: not genuine, ignored")
    return details


def begin_session(store: Store, policy: Policy, today: Callable[[], date] | None = None,
                  now: Callable[[], datetime] = utc_now,
                  verify_trail: bool = False) -> ServiceContext:
    """After the vault unlocked the store: settle who is acting with which verified role,
    check what can be checked before writing, then audit the unlock. With verify_trail,
    the whole chain is checked first too (`audit verify`), into ctx.trail_check."""
    keyring = keyring_of(store)
    info = keyring.info
    check: AuditCheck | None = None
    with store.session() as s:
        if verify_trail:
            check = AuditLog.verify(s, keyring.roster)
        refused = version_problem(s, keyring)
        now_head = current_head(s, keyring)
        problems = trail_problems(s, keyring, now_head)
    ctx = ServiceContext(store=store, policy=policy, actor=Actor(info.officer, "viewer"), now=now)
    if today is not None:
        ctx.today = today
    ctx.trail_check = check
    if refused:
        with store.session() as s:
            ctx.audit.record(s, info.officer, "store.unlock", "officer", None,
                             detail=refused[:400], outcome="refused")
        raise SessionError(refused)
    with store.session() as s:
        problems += sync_roles(s, keyring, now())
        row = find_officer(s, info.officer)
        if row is None:
            row = Officer(name=info.officer, role=info.role, created_at=now(), active=True)
            s.add(row)
        elif info.upgraded:
            row.role, row.active = "admin", True
        if not row.active:
            raise SessionError(f"{row.name} is no longer an officer of this store.")
        s.flush()
        ctx.actor = Actor(row.name, info.role if keyring.roster is not None else row.role)
        officer_id = row.id
    if keyring.roster is None:
        ctx.warnings.append("The officers' roles in this store are not signed yet: they will "
                            "be when an admin next unlocks it.")
    failed = keyring.take_failed()
    with store.session() as s:
        if info.wal_kept:
            damage = (f"The store's write-ahead log was damaged; a copy was kept as "
                      f"{info.wal_kept} before opening. Run privdesk check.")
            ctx.warnings.append(damage)
            ctx.record_outcome(s, "store.wal_damaged", "store", None, damage, "failed")
        for problem in problems:
            ctx.record_outcome(s, TAMPER, "store", None, problem, "failed")
        for detail in _failed_details(keyring, failed):
            ctx.audit.record(s, FAILED_UNLOCK, "store.unlock", "officer", None,
                             detail=detail, outcome="failed")
        if info.upgraded:
            ctx.record(s, "store.upgrade", "store", None,
                       detail="passphrase-keyed store converted to key slots")
        if info.roles_signed_now and keyring.roster is not None:
            ctx.record(s, "officer.roles_signed", "store", None, detail="roles signed as they "
                       "stood: " + ", ".join(f"{m.name} {m.role}" for m in keyring.roster.members))
        if info.pinned_now:
            ctx.record(s, "officer.admin_key_pinned", "officer", officer_id)
        ctx.record(s, "store.unlock", "officer", officer_id)
        record_versions(s, keyring)
    ctx.warnings += [p[0].upper() + p[1:] + "." for p in problems]
    remember_head(ctx)
    return ctx


def remember_head(ctx: ServiceContext) -> None:
    """Move this workstation's anchor to the trail as it is now (after our own writes)."""
    keyring = ctx.store.keyring
    if not isinstance(keyring, KeyRing) or not keyring.store_id or ctx.store.locked:
        return
    with ctx.store.session() as s:
        head = current_head(s, keyring)
    try:
        anchor.remember(keyring.store_id, keyring.info.officer, head)
    except OSError as exc:
        ctx.warnings.append(f"This workstation could not remember the trail's length "
                            f"({exc.strerror or exc}); a cut trail can only be caught by "
                            "another workstation.")


def lock_session(ctx: ServiceContext, reason: str) -> None:
    """Audit the lock, then drop the key and every connection (the Store object stays,
    so services and open editors keep their references across the lock)."""
    if ctx.store.locked:
        return
    try:
        with ctx.store.session() as s:
            ctx.record(s, "store.lock", "store", None, detail=reason)
        remember_head(ctx)
    finally:  # the key goes even if the audit write fails
        ctx.store.close()


def resume_session(ctx: ServiceContext, passphrase: str) -> ServiceContext:
    """The same officer unlocks the same store again after a lock."""
    reopen(ctx.store, ctx.actor.name, passphrase)  # a file or a team server
    keyring = keyring_of(ctx.store)
    with ctx.store.session() as s:
        refused = version_problem(s, keyring)
        problems = trail_problems(s, keyring, current_head(s, keyring))
    if refused:
        ctx.store.close()
        raise SessionError(refused)
    failed = keyring.take_failed()
    with ctx.store.session() as s:
        problems += sync_roles(s, keyring, ctx.now())
        row = find_officer(s, ctx.actor.name)
        if row is None or not row.active:
            ctx.store.close()
            raise SessionError(f"{ctx.actor.name} is no longer an officer of this store.")
        ctx.actor = Actor(row.name, keyring.info.role if keyring.roster is not None else row.role)
        for problem in problems:
            ctx.record_outcome(s, TAMPER, "store", None, problem, "failed")
        for detail in _failed_details(keyring, failed):
            ctx.audit.record(s, FAILED_UNLOCK, "store.unlock", "officer", None,
                             detail=detail, outcome="failed")
        ctx.record(s, "store.unlock", "officer", row.id, detail="after lock")
    ctx.warnings += [p[0].upper() + p[1:] + "." for p in problems]
    remember_head(ctx)
    return ctx
