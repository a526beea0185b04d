"""The breach register (Art. 33(5)): record a breach, the 72-hour clock, the decisions to
notify the ICO or not and to tell the people or not (each kept, with reasons), closing.

Times an officer gives are local to the store's zone (setting `timezone`, Europe/London
by default) unless they carry an offset; the store keeps naive UTC. Letters and the ICO
draft are in breach_documents.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from privdesk.domain.breach_clock import (
    DEFAULT_ZONE,
    BreachClockError,
    is_late,
    notify_by,
    show_local,
    to_local,
    to_utc,
    zone,
)
from privdesk.services.authz import Permission
from privdesk.services.breach_records import (
    CYBER,
    DATA_CATEGORIES,
    SUBJECT_CATEGORIES,
    BreachDetail,
    BreachError,
    BreachNotFound,
    BreachRow,
    DecisionRecord,
    LinkedPerson,
    NewBreach,
)
from privdesk.services.context import ServiceContext
from privdesk.services.settings import SettingsService
from privdesk.store.models import Breach, BreachDecision, Contact

_REF = re.compile(r"^BR-(\d{4})-(\d{4,})$")
MAX_TEXT = 20_000


def _text(value: str | None, what: str, required: bool = False) -> str | None:
    cleaned = (value or "").strip()
    if not cleaned:
        if required:
            raise BreachError(f"Give {what}.")
        return None
    if len(cleaned) > MAX_TEXT:
        raise BreachError(f"{what[0].upper()}{what[1:]} is too long ({len(cleaned)} characters; "
                          f"at most {MAX_TEXT}).")
    return cleaned


def _count(value: int | None, what: str) -> int | None:
    if value is not None and value < 0:
        raise BreachError(f"The number of {what} cannot be negative.")
    return value


def _keys(values: Sequence[str], allowed: dict[str, str], what: str) -> str:
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise BreachError(f"Unknown {what} {unknown[0]!r}: use {', '.join(allowed)}.")
    return json.dumps(list(dict.fromkeys(values)))


class BreachService:
    def __init__(self, ctx: ServiceContext, settings: SettingsService) -> None:
        self._ctx = ctx
        self._settings = settings

    # -- time ---------------------------------------------------------------------------
    def zone(self) -> ZoneInfo:
        name = self._settings.get("timezone") or DEFAULT_ZONE
        try:
            return zone(str(name))
        except BreachClockError:
            return zone(DEFAULT_ZONE)

    def now(self) -> datetime:
        """Naive UTC, from the context's clock (scripts fix it with --now)."""
        return self._ctx.now()

    def local(self, instant_utc: datetime) -> datetime:
        return to_local(instant_utc, self.zone())

    def instant(self, moment: datetime) -> datetime:
        """A typed moment (local to the store's zone, or with an offset) as naive UTC."""
        try:
            return to_utc(moment, self.zone())
        except BreachClockError as exc:
            raise BreachError(str(exc)) from exc

    # -- recording ----------------------------------------------------------------------
    def add(self, new: NewBreach) -> BreachDetail:
        self._ctx.require(Permission.EDIT, "breach.create", "breach")
        tz = self.zone()
        aware = self.instant(new.aware_at)
        now = self.now()
        if aware > now:
            raise BreachError(f"The time you became aware, {show_local(aware, tz)}, is in the "
                              "future.")
        occurred = self.instant(new.occurred_at) if new.occurred_at is not None else None
        if occurred is not None and occurred > aware:
            raise BreachError("The breach cannot have happened after you became aware of it.")
        if new.cyber not in CYBER:
            raise BreachError(f"Unknown answer {new.cyber!r} to 'cyber incident': use yes, no "
                              "or unknown.")
        breach = Breach(
            aware_at=aware, occurred_at=occurred, zone=tz.key,
            summary=_text(new.summary, "a description of what happened", required=True),
            discovery=_text(new.discovery, "how you found out"), cyber=new.cyber,
            data_categories=_keys(new.data_categories, DATA_CATEGORIES, "data category"),
            subject_categories=_keys(new.subject_categories, SUBJECT_CATEGORIES,
                                     "category of people"),
            people_count=_count(new.people_count, "people"),
            records_count=_count(new.records_count, "records"),
            consequences=_text(new.consequences, "the likely consequences"),
            measures=_text(new.measures, "the measures taken"),
            status="open", officer=self._ctx.actor.name, created_at=now,
        )
        with self._ctx.store.session() as s:
            contacts = []
            for cid in dict.fromkeys(new.contact_ids):
                contact = s.get(Contact, cid)
                if contact is None:
                    raise BreachError(f"No contact with id {cid} in the register.")
                contacts.append(contact)
            breach.reference = self._next_reference(s, to_local(aware, tz).year)
            breach.contacts = contacts
            s.add(breach)
            s.flush()
            self._ctx.record(s, "breach.create", "breach", breach.id,
                             detail=f"{breach.reference} contacts={len(contacts)}")
            return self._detail(s, breach)

    @staticmethod
    def _next_reference(s: Session, year: int) -> str:
        refs = s.scalars(select(Breach.reference).where(Breach.reference.like(f"BR-{year}-%")))
        numbers = [int(m.group(2)) for r in refs if (m := _REF.match(r))]
        return f"BR-{year}-{max(numbers, default=0) + 1:04d}"

    def decide_ico(self, key: int | str, notify: bool, reasons: str,
                   notified_at: datetime | None = None, delay_reasons: str | None = None,
                   ico_reference: str | None = None) -> BreachDetail:
        """Record the Art. 33 decision. Not notifying needs the reasons the breach is
        unlikely to result in a risk to people; notifying after 72 hours needs the
        reasons for the delay. Every decision is kept; the latest one counts."""
        self._ctx.require(Permission.EDIT, "breach.decide_ico", "breach", key)
        why = _text(reasons, "the reasons for not notifying (why the breach is unlikely to "
                    "result in a risk to people's rights and freedoms)" if not notify else
                    "the reasons for notifying", required=True)
        with self._ctx.store.session() as s:
            breach = self._load(s, key)
            self._open(breach)
            when = None
            delay = None
            if notify:
                when = self.instant(notified_at) if notified_at is not None else self.now()
                if when < breach.aware_at:
                    raise BreachError("The ICO cannot have been notified before you became aware "
                                      "of the breach.")
                if when > self.now():
                    raise BreachError("The notification time is in the future: record it once "
                                      "the ICO has been notified.")
                if is_late(breach.aware_at, when):
                    delay = _text(delay_reasons, "the reasons for the delay (the notification "
                                  "was made more than 72 hours after you became aware, at "
                                  f"{show_local(when, ZoneInfo(breach.zone))}; the deadline "
                                  f"was {show_local(notify_by(breach.aware_at), ZoneInfo(breach.zone))})",
                                  required=True)
                breach.ico_reference = _text(ico_reference, "the ICO reference") \
                    or breach.ico_reference
            breach.ico_decision = "notify" if notify else "not_notify"
            breach.notified_at = when
            s.add(BreachDecision(breach_id=breach.id, kind="ico", outcome=breach.ico_decision,
                                 reasons=why or "", delay_reasons=delay, notified_at=when,
                                 at=self.now(), officer=self._ctx.actor.name))
            self._ctx.record(s, "breach.decide_ico", "breach", breach.id,
                             detail=f"{breach.ico_decision}{' late' if delay else ''}")
            return self._detail(s, breach)

    def decide_people(self, key: int | str, tell: bool, reasons: str) -> BreachDetail:
        """Art. 34: tell the people affected (high risk) or not, with reasons."""
        self._ctx.require(Permission.EDIT, "breach.decide_people", "breach", key)
        why = _text(reasons, "the reasons for this decision about telling the people affected",
                    required=True)
        with self._ctx.store.session() as s:
            breach = self._load(s, key)
            self._open(breach)
            breach.people_decision = "tell" if tell else "not_tell"
            s.add(BreachDecision(breach_id=breach.id, kind="people",
                                 outcome=breach.people_decision, reasons=why or "",
                                 at=self.now(), officer=self._ctx.actor.name))
            self._ctx.record(s, "breach.decide_people", "breach", breach.id,
                             detail=breach.people_decision)
            return self._detail(s, breach)

    def close(self, key: int | str, note: str) -> BreachDetail:
        self._ctx.require(Permission.EDIT, "breach.close", "breach", key)
        text = _text(note, "a closing note (what was done, what was learnt)", required=True)
        with self._ctx.store.session() as s:
            breach = self._load(s, key)
            self._open(breach)
            if breach.ico_decision is None:
                raise BreachError("Record whether the ICO is to be notified (and why) before "
                                  "closing the breach.")
            if breach.people_decision is None:
                raise BreachError("Record whether the people affected are to be told (and why) "
                                  "before closing the breach.")
            breach.status, breach.closing_note, breach.closed_at = "closed", text, self.now()
            self._ctx.record(s, "breach.close", "breach", breach.id)
            return self._detail(s, breach)

    # -- reading ------------------------------------------------------------------------
    def get(self, key: int | str) -> BreachDetail:
        with self._ctx.store.session() as s:
            return self._detail(s, self._load(s, key))

    def register(self, include_closed: bool = True) -> list[BreachRow]:
        """Rows, clocks still running first (soonest deadline first), then the rest."""
        with self._ctx.store.session() as s:
            query = select(Breach)
            if not include_closed:
                query = query.where(Breach.status == "open")
            rows = [self._row(b) for b in s.scalars(query)]
        rows.sort(key=lambda r: (not r.clock_running, r.status != "open", r.deadline,
                                 r.reference))
        return rows

    # -- helpers ------------------------------------------------------------------------
    @staticmethod
    def _open(breach: Breach) -> None:
        if breach.status != "open":
            raise BreachError(f"{breach.reference} is closed; it can no longer be changed.")

    @staticmethod
    def _load(s: Session, key: int | str) -> Breach:
        query = select(Breach).options(selectinload(Breach.contacts),
                                       selectinload(Breach.decisions))
        if isinstance(key, int):
            breach = s.scalars(query.where(Breach.id == key)).one_or_none()
        else:
            breach = s.scalars(query.where(Breach.reference == key.strip().upper())).one_or_none()
        if breach is None:
            raise BreachNotFound(key)
        return breach

    @staticmethod
    def _row(b: Breach) -> BreachRow:
        return BreachRow(id=b.id, reference=b.reference, aware_at=b.aware_at, zone=b.zone,
                         summary=b.summary, people_count=b.people_count, status=b.status,
                         ico_decision=b.ico_decision, notified_at=b.notified_at,
                         people_decision=b.people_decision)

    def _detail(self, s: Session, b: Breach) -> BreachDetail:
        s.flush()
        s.refresh(b)
        return BreachDetail(
            row=self._row(b), occurred_at=b.occurred_at, discovery=b.discovery, cyber=b.cyber,
            data_categories=tuple(json.loads(b.data_categories)),
            subject_categories=tuple(json.loads(b.subject_categories)),
            records_count=b.records_count, consequences=b.consequences, measures=b.measures,
            ico_reference=b.ico_reference, closing_note=b.closing_note, officer=b.officer,
            contacts=tuple(LinkedPerson(c.id, c.name, c.email) for c in b.contacts),
            decisions=tuple(DecisionRecord(d.kind, d.outcome, d.reasons, d.delay_reasons,
                                           d.notified_at, d.at, d.officer)
                            for d in b.decisions),
        )
