"""Typing in the Contacts search box, as fast as it must feel: each result replaces the
rows in place (no model reset), the ids stay exactly the search service's, in its match
order, a selection never silently moves to another person, and the page cache gives
the right person for every row after pages were dropped."""

from __future__ import annotations

from typing import Any

from privdesk.domain.contact_records import ContactQuery
from privdesk.services.container import Services
from privdesk.services.demo import DemoDataService
from privdesk.ui.areas import contacts_services
from privdesk.ui.contacts.area import ContactsArea
from privdesk.ui.contacts.table_model import COL_EMAIL, COL_NAME, ContactTableModel
from privdesk.ui.tasks import TaskRunner
from tests.ui.test_contacts_ui import ANN, shoot, tasks  # noqa: F401 (fixture)


def _ids(model: ContactTableModel) -> list[int | None]:
    return [model.contact_id(r) for r in range(model.rowCount())]


def test_each_keystroke_replaces_rows_in_place_in_match_order(
        qtbot: Any, services: Services, tasks: TaskRunner) -> None:  # noqa: F811
    DemoDataService(services.ctx).generate(contacts=1500, requests=0)
    services.contacts.create(ANN)
    area = ContactsArea(contacts_services(services), tasks)
    qtbot.addWidget(area)
    area.resize(1110, 700)
    area.show()
    area.refresh()
    model = area.model
    qtbot.waitUntil(lambda: model.total == 1501 and not tasks.busy, timeout=10000)
    resets: list[bool] = []
    model.modelReset.connect(lambda: resets.append(True))
    for typed in ("sm", "smi", "smith", "a", "ann", "ann l", "ann lee"):
        area.search.setText(typed)
        qtbot.waitUntil(lambda t=typed: model.shown_query is not None  # type: ignore[misc]
                        and model.shown_query.text == t and not tasks.busy, timeout=5000)
        expected = services.contacts.search_ids(ContactQuery(text=typed), 0, 1000).ids
        assert _ids(model) == list(expected), typed
        for row in range(min(5, model.rowCount())):  # what is painted is that person
            record = services.contacts.rows([expected[row]])[0]
            assert model.index(row, COL_NAME).data() == record.name
            assert model.index(row, COL_EMAIL).data() == record.email
    assert resets == [], "a keystroke must not reset the model"
    assert "Ann Lee" in [model.index(r, COL_NAME).data() for r in range(model.rowCount())]
    shoot(area, "contacts-typed-ann-lee")
    # A selected row that now holds someone else is not left selected.
    for typed in ("jones", "smith"):
        area.search.setText(typed)
        qtbot.waitUntil(lambda t=typed: model.shown_query is not None  # type: ignore[misc]
                        and model.shown_query.text == t and not tasks.busy, timeout=5000)
        assert model.rowCount() > 2
        if typed == "jones":
            area.table.selectRow(1)
            assert area.selected_id() == model.contact_id(1) and area.edit_button.isEnabled()
    assert area.selected_id() is None and not area.edit_button.isEnabled()


def test_a_refresh_keeps_the_selection_on_the_same_person(
        qtbot: Any, services: Services, tasks: TaskRunner) -> None:  # noqa: F811
    DemoDataService(services.ctx).generate(contacts=300, requests=0)
    area = ContactsArea(contacts_services(services), tasks)
    qtbot.addWidget(area)
    area.resize(1110, 700)
    area.show()
    area.refresh()
    qtbot.waitUntil(lambda: area.model.total == 300 and not tasks.busy, timeout=10000)
    area.table.selectRow(2)
    chosen = area.selected_id()
    area.refresh()  # what saving in the editor does
    qtbot.waitUntil(lambda: not tasks.busy, timeout=5000)
    assert area.selected_id() == chosen and area.edit_button.isEnabled()


def test_rows_stay_right_when_the_page_cache_drops_pages(
        qtbot: Any, services: Services, tasks: TaskRunner) -> None:  # noqa: F811
    """A tiny cache (two pages of ten rows): reading rows far apart loads and drops
    pages; every row still shows its own person, never a neighbour's."""
    DemoDataService(services.ctx).generate(contacts=400, requests=0)
    model = ContactTableModel(services.contacts, tasks, services.ctx.policy.source_label,
                              services.ctx.today, page_size=10, max_pages=2)
    model.refresh()
    qtbot.waitUntil(lambda: model.rowCount() == 400 and not tasks.busy, timeout=10000)
    names = {r.id: r.name for r in services.contacts.rows(_ids(model))}  # type: ignore[arg-type]
    for row in (0, 5, 25, 47, 3, 120, 399, 11, 250, 0):
        model.index(row, COL_NAME).data()  # asks for the page when it is not held
        qtbot.waitUntil(lambda r=row: model.index(r, COL_NAME).data() != "…",  # type: ignore[misc]
                        timeout=5000)
        assert model.index(row, COL_NAME).data() == names[model.contact_id(row)]
        assert len(model._pages) <= 2  # noqa: SLF001 (the bound is the point)
