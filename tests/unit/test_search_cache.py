"""A keystroke's search reads no setting: the phone region is kept by ContactService, and
dropped when a setting changes through the same SettingsService (the app's one)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event

from privdesk.domain.contact_records import ContactInput, ContactQuery
from privdesk.services.container import Services


def test_searches_read_the_region_once_and_see_a_change(services: Services) -> None:
    services.contacts.create(ContactInput(name="Ann Lee", phone="07911 123456",
                                          source="enquiry_form"))
    seen: list[str] = []

    def watch(_c: Any, _cur: Any, statement: str, *_a: Any) -> None:
        seen.append(statement)

    engine = services.ctx.store.engine
    event.listen(engine, "before_cursor_execute", watch)
    try:
        for word in ("a", "an", "ann", "ann l", "07911"):
            assert services.contacts.search_ids(ContactQuery(text=word)).ids == (1,), word
        assert sum("settings" in s for s in seen) <= 1  # the first keystroke only
        services.settings.set("phone_region", "US")
        seen.clear()
        assert services.contacts.phone_region() == "US"
        assert any("settings" in s for s in seen)  # read again after the change
    finally:
        event.remove(engine, "before_cursor_execute", watch)
