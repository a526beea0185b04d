"""One service shape (#18): a service is one class built with the context (and what it
needs), whose public methods are found in one place; helpers are plain functions or
collaborators, never base classes to read through."""

from __future__ import annotations

import dataclasses
import functools
import inspect
from datetime import date

import pytest
from sqlalchemy import func, select

import privdesk.services.requests as requests_module
from privdesk.domain.contact_records import ContactInput
from privdesk.services.contacts import ContactMergeError
from privdesk.services.container import Services
from privdesk.services.errors import ServiceError
from privdesk.services.requests import RequestService
from privdesk.store.models import AuditEvent, ContactChange

ANN = ContactInput(name="Ann Lee", email="ann.lee@acme.example", company="Acme Widgets",
                   status="enquirer", source="enquiry_form", first_contact=date(2026, 3, 1))


def test_every_service_is_built_from_the_context_first(services: Services) -> None:
    names = [f.name for f in dataclasses.fields(Services) if f.name != "ctx"]
    names += [n for n, v in vars(Services).items() if isinstance(v, functools.cached_property)]
    assert len(names) > 15
    for name in names:
        cls = type(getattr(services, name))  # built on first use (container.py)
        first = next(iter(inspect.signature(cls).parameters))
        assert first == "ctx", f"{cls.__name__} takes {first!r} first, not the context"


def test_request_service_inherits_nothing_and_defines_every_public_method() -> None:
    assert RequestService.__mro__ == (RequestService, object)
    public = [n for n, _ in inspect.getmembers(RequestService, inspect.isfunction)
              if not n.startswith("_")]
    assert {"create", "pause", "resume", "extend", "respond", "refuse", "close", "withdraw",
            "assign", "ask_id", "id_received", "link_contact", "queue", "stats",
            "search_contacts", "export_log", "get", "officers", "calendar"} <= set(public)
    for name in public:
        assert inspect.getmodule(getattr(RequestService, name)) is requests_module, name


def test_merging_a_contact_into_itself_is_refused_in_words_and_changes_nothing(
        services: Services) -> None:
    ann = services.contacts.create(ANN)
    with services.ctx.store.session() as s:
        before = (s.scalar(select(func.count()).select_from(ContactChange)),
                  s.scalar(select(func.count()).select_from(AuditEvent)))
    with pytest.raises(ContactMergeError, match="cannot be merged into itself") as err:
        services.contacts.merge(ann.id, ann.id)
    assert isinstance(err.value, ServiceError) and isinstance(err.value, ValueError)
    with services.ctx.store.session() as s:
        after = (s.scalar(select(func.count()).select_from(ContactChange)),
                 s.scalar(select(func.count()).select_from(AuditEvent)))
    assert after == before
    assert services.contacts.get(ann.id).data == ann.data
