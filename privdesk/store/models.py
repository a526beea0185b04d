"""ORM tables. The schema itself is created and changed only by Alembic migrations.

Designed up front for every feature (register, requests, retention, packs, audit) so
that later work adds behaviour, not churn. Dates are calendar dates (ISO text in
SQLite); instants are naive UTC datetimes.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from privdesk.store.sealed import SealedBytes, SealedText


class Base(DeclarativeBase):
    pass


class Setting(Base):
    """Store-wide settings (JSON values): bank-holiday nation, auto-lock, SMTP host..."""

    __tablename__ = "settings"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class Secret(Base):
    """Keys that must never leave the encrypted store: audit and suppression HMAC keys,
    the SMTP password. Kept apart from settings so settings can be shown and exported."""

    __tablename__ = "secrets"
    name: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[bytes] = mapped_column(SealedBytes("secrets.value"))


class Officer(Base):
    __tablename__ = "officers"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))  # admin / officer / viewer
    created_at: Mapped[datetime] = mapped_column(DateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True, server_default=text("1"))


class Contact(Base):
    __tablename__ = "contacts"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(Text)
    phone: Mapped[str | None] = mapped_column(Text)
    company: Mapped[str | None] = mapped_column(Text)
    location: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(20))  # enquirer / customer / former_customer
    source: Mapped[str] = mapped_column(String(50))  # a policy source key
    first_contact: Mapped[date | None] = mapped_column(Date)
    customer_since: Mapped[date | None] = mapped_column(Date)
    ceased: Mapped[date | None] = mapped_column(Date)
    last_activity: Mapped[date | None] = mapped_column(Date)
    marketing_opt_out: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    opt_out_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(SealedText("contacts.notes"))
    legal_hold_reason: Mapped[str | None] = mapped_column(SealedText("contacts.legal_hold_reason"))
    legal_hold_until: Mapped[date | None] = mapped_column(Date)
    # Derived, kept current by the services so that lists and the 1M-row retention
    # query are index lookups: which rule applies and when the data falls due.
    retention_rule: Mapped[str | None] = mapped_column(String(50))
    retention_due: Mapped[date | None] = mapped_column(Date)
    # Normalised identifiers (domain.identity) for duplicate detection, and the folded
    # text the FTS5 trigram index is built from (see migration 0001's triggers).
    norm_email: Mapped[str | None] = mapped_column(Text)
    norm_phone: Mapped[str | None] = mapped_column(Text)
    norm_name: Mapped[str | None] = mapped_column(Text)
    search_text: Mapped[str] = mapped_column(Text, default="", server_default="")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    updated_at: Mapped[datetime] = mapped_column(DateTime)

    interactions: Mapped[list[Interaction]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", passive_deletes=True
    )
    disclosures: Mapped[list[Disclosure]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", passive_deletes=True
    )
    history: Mapped[list[ContactChange]] = relationship(
        back_populates="contact", cascade="all, delete-orphan", passive_deletes=True
    )

    __table_args__ = (
        Index("ix_contacts_status", "status"),
        Index("ix_contacts_source", "source"),
        Index("ix_contacts_retention_due", "retention_due"),
        Index("ix_contacts_norm_email", "norm_email"),
        Index("ix_contacts_norm_phone", "norm_phone"),
        Index("ix_contacts_name", "name"),
        # Sorting the register by email walks this (migration 0003); without it a click
        # on the header sorts a million rows (~1.5 s).
        Index("ix_contacts_email", "email"),
        # An import's similar-name check reads people by company from this index alone
        # (migration 0005), and sorting by company walks it (company, folded name, id:
        # migration 0013 dropped the company-only index).
        Index("ix_contacts_company_name", "company", "norm_name"),
    )


class Interaction(Base):
    __tablename__ = "interactions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(30))  # enquiry/call/email/online_message/meeting/event
    occurred_on: Mapped[date] = mapped_column(Date)
    summary: Mapped[str] = mapped_column(SealedText("interactions.summary"), default="", server_default="")
    officer: Mapped[str] = mapped_column(String(200), default="", server_default="")
    contact: Mapped[Contact] = relationship(back_populates="interactions")


class Disclosure(Base):
    __tablename__ = "disclosures"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(100))  # a policy recipient key
    purpose: Mapped[str] = mapped_column(SealedText("disclosures.purpose"), default="", server_default="")
    disclosed_on: Mapped[date] = mapped_column(Date)
    contact: Mapped[Contact] = relationship(back_populates="disclosures")


class ContactChange(Base):
    """Rectification history: one row per changed field."""

    __tablename__ = "contact_history"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contact_id: Mapped[int] = mapped_column(ForeignKey("contacts.id", ondelete="CASCADE"), index=True)
    field: Mapped[str] = mapped_column(String(50))
    old_value: Mapped[str | None] = mapped_column(SealedText("contact_history.old_value"))
    new_value: Mapped[str | None] = mapped_column(SealedText("contact_history.new_value"))
    officer: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime] = mapped_column(DateTime)
    contact: Mapped[Contact] = relationship(back_populates="history")


class RequestContact(Base):
    __tablename__ = "request_contacts"
    request_id: Mapped[int] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Request(Base):
    """A data-subject request. The due date is never stored: it is computed by
    domain.deadlines from these facts, so a rule fix corrects every open request."""

    __tablename__ = "requests"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    type: Mapped[str] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(30))
    requester_name: Mapped[str] = mapped_column(Text)
    requester_email: Mapped[str | None] = mapped_column(Text)
    requester_phone: Mapped[str | None] = mapped_column(Text)
    requester_address: Mapped[str | None] = mapped_column(SealedText("requests.requester_address"))
    received_on: Mapped[date] = mapped_column(Date)
    id_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    id_received_on: Mapped[date | None] = mapped_column(Date)
    id_asked_on: Mapped[date | None] = mapped_column(Date)  # 0004: None = at intake
    extended_on: Mapped[date | None] = mapped_column(Date)
    extension_told_on: Mapped[date | None] = mapped_column(Date)  # 0004
    extension_reason: Mapped[str | None] = mapped_column(SealedText("requests.extension_reason"))
    assignee: Mapped[str | None] = mapped_column(String(200))
    notes: Mapped[str | None] = mapped_column(SealedText("requests.notes"))
    refusal_reason: Mapped[str | None] = mapped_column(SealedText("requests.refusal_reason"))
    responded_on: Mapped[date | None] = mapped_column(Date)
    response_method: Mapped[str | None] = mapped_column(String(30))
    late: Mapped[bool | None] = mapped_column(Boolean)
    # JSON list, for erasure requests
    exemptions: Mapped[str | None] = mapped_column(SealedText("requests.exemptions"))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    pauses: Mapped[list[RequestPause]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestPause.paused_on"
    )
    events: Mapped[list[RequestEvent]] = relationship(
        back_populates="request", cascade="all, delete-orphan", order_by="RequestEvent.id"
    )
    contacts: Mapped[list[Contact]] = relationship(secondary="request_contacts")

    __table_args__ = (Index("ix_requests_status", "status"),)


class RequestPause(Base):
    """A stop of the clock while waiting for clarification."""

    __tablename__ = "request_pauses"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    paused_on: Mapped[date] = mapped_column(Date)
    resumed_on: Mapped[date | None] = mapped_column(Date)
    request: Mapped[Request] = relationship(back_populates="pauses")


class RequestEvent(Base):
    """The request's timeline."""

    __tablename__ = "request_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    on_date: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(40))
    detail: Mapped[str] = mapped_column(SealedText("request_events.detail"), default="", server_default="")
    officer: Mapped[str] = mapped_column(String(200), default="", server_default="")
    request: Mapped[Request] = relationship(back_populates="events")


class Redaction(Base):
    """The redaction log kept with a request (Art. 15(4); DPA 2018 Sch. 2 para 16)."""

    __tablename__ = "redactions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("requests.id", ondelete="CASCADE"), index=True)
    item_ref: Mapped[str] = mapped_column(String(100))  # e.g. "interaction:42:summary"
    action: Mapped[str] = mapped_column(String(20))  # redact / exclude
    reason: Mapped[str] = mapped_column(SealedText("redactions.reason"))
    officer: Mapped[str] = mapped_column(String(200))
    at: Mapped[datetime] = mapped_column(DateTime)


class Document(Base):
    """A generated file kept inside the encrypted store (packs, letters, reports)."""

    __tablename__ = "documents"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    request_id: Mapped[int | None] = mapped_column(
        ForeignKey("requests.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int | None] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(40))
    filename: Mapped[str] = mapped_column(SealedText("documents.filename"))
    mime: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(SealedBytes("documents.content"))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    pages: Mapped[int | None] = mapped_column(Integer)
    protected: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("0"))
    author: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)


class Tombstone(Base):
    """What was deleted, when, by whom, under which rule; never any personal data."""

    __tablename__ = "tombstones"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    deleted_at: Mapped[datetime] = mapped_column(DateTime)
    officer: Mapped[str] = mapped_column(String(200))
    rule: Mapped[str] = mapped_column(String(100))
    request_reference: Mapped[str | None] = mapped_column(String(30))
    counts: Mapped[str] = mapped_column(Text)  # JSON: {"interactions": 3, ...}


class Suppression(Base):
    """Keyed hashes (HMAC) of erased or objecting people's normalised identifiers."""

    __tablename__ = "suppression"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(10))  # email / phone
    digest: Mapped[str] = mapped_column(String(64))
    reason: Mapped[str] = mapped_column(String(30))  # erasure / objection
    added_on: Mapped[date] = mapped_column(Date)
    __table_args__ = (UniqueConstraint("kind", "digest"),)


class AuditEvent(Base):
    """Tamper-evident trail: each row's hmac covers its fields and the previous hmac."""

    __tablename__ = "audit_events"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime)
    officer: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    target_type: Mapped[str | None] = mapped_column(String(30))
    target_id: Mapped[str | None] = mapped_column(String(50))
    # ok / denied / failed
    outcome: Mapped[str] = mapped_column(String(20), default="ok", server_default="ok")
    detail: Mapped[str] = mapped_column(SealedText("audit_events.detail"), default="", server_default="")
    prev_hmac: Mapped[str] = mapped_column(String(64), default="", server_default="")
    hmac: Mapped[str] = mapped_column(String(64), default="", server_default="")
    # Ed25519 over the hmac, by `signer`'s key (listed in the signed roster); migration 0006
    signer: Mapped[str] = mapped_column(String(200), default="", server_default="")
    sig: Mapped[str] = mapped_column(String(128), default="", server_default="")
    __table_args__ = (Index("ix_audit_at", "at"),)


class BreachContact(Base):
    """People in the register a breach concerns (Art. 34 letters go to each)."""

    __tablename__ = "breach_contacts"
    breach_id: Mapped[int] = mapped_column(
        ForeignKey("breaches.id", ondelete="CASCADE"), primary_key=True
    )
    contact_id: Mapped[int] = mapped_column(
        ForeignKey("contacts.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Breach(Base):
    """A personal data breach (Art. 33(5) log), notified or not. The 72-hour deadline is
    never stored: it is computed by domain.breach_clock from `aware_at`."""

    __tablename__ = "breaches"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(30), unique=True)
    aware_at: Mapped[datetime] = mapped_column(DateTime)  # naive UTC
    occurred_at: Mapped[datetime | None] = mapped_column(DateTime)  # naive UTC, if known
    zone: Mapped[str] = mapped_column(String(60))  # the zone times were typed in
    summary: Mapped[str] = mapped_column(SealedText("breaches.summary"))  # what happened
    discovery: Mapped[str | None] = mapped_column(SealedText("breaches.discovery"))  # how the team found out
    cyber: Mapped[str] = mapped_column(String(10), default="unknown", server_default="unknown")
    data_categories: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")  # JSON
    subject_categories: Mapped[str] = mapped_column(Text, default="[]", server_default="[]")
    people_count: Mapped[int | None] = mapped_column(Integer)  # approximate
    records_count: Mapped[int | None] = mapped_column(Integer)  # approximate
    consequences: Mapped[str | None] = mapped_column(SealedText("breaches.consequences"))
    measures: Mapped[str | None] = mapped_column(SealedText("breaches.measures"))
    # The current decisions (their history is in breach_decisions).
    ico_decision: Mapped[str | None] = mapped_column(String(20))  # notify / not_notify
    notified_at: Mapped[datetime | None] = mapped_column(DateTime)  # naive UTC
    ico_reference: Mapped[str | None] = mapped_column(String(100))
    people_decision: Mapped[str | None] = mapped_column(String(20))  # tell / not_tell
    status: Mapped[str] = mapped_column(String(20), default="open", server_default="open")
    closing_note: Mapped[str | None] = mapped_column(SealedText("breaches.closing_note"))
    officer: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    contacts: Mapped[list[Contact]] = relationship(secondary="breach_contacts")
    decisions: Mapped[list[BreachDecision]] = relationship(
        back_populates="breach", cascade="all, delete-orphan", order_by="BreachDecision.id"
    )

    __table_args__ = (Index("ix_breaches_status", "status"),)


class BreachDecision(Base):
    """Every decision taken on a breach, kept: to notify the ICO or not (Art. 33), to
    tell the people or not (Art. 34), with reasons and, for a late notice, the delay."""

    __tablename__ = "breach_decisions"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    breach_id: Mapped[int] = mapped_column(ForeignKey("breaches.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(10))  # ico / people
    outcome: Mapped[str] = mapped_column(String(20))  # notify / not_notify / tell / not_tell
    reasons: Mapped[str] = mapped_column(SealedText("breach_decisions.reasons"))
    delay_reasons: Mapped[str | None] = mapped_column(SealedText("breach_decisions.delay_reasons"))
    notified_at: Mapped[datetime | None] = mapped_column(DateTime)
    at: Mapped[datetime] = mapped_column(DateTime)
    officer: Mapped[str] = mapped_column(String(200))
    breach: Mapped[Breach] = relationship(back_populates="decisions")
