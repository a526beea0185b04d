"""From a request to its paperwork: the pack preview, erasure, and letters."""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtWidgets import QApplication
from sqlalchemy import func, select

from privdesk.services.container import Services
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.request_records import NewRequest
from privdesk.store.models import Contact, Document
from privdesk.ui.packs import DocumentDialog, PackPreviewDialog
from tests.ui.test_requests_area import area_for
from tests.unit.pack_fixtures import make_request


def _top(kind: type) -> list[Any]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, kind) and w.isVisible()]


def test_access_request_opens_its_pack(qtbot: Any, services: Services) -> None:
    request_id = make_request(services.ctx)
    area, tasks = area_for(qtbot, services)
    area.select_request(request_id)
    qtbot.waitUntil(lambda: area.documents.detail is not None, timeout=5000)
    box = area.documents
    assert box.pack_button.isEnabled() and not box.erase_button.isEnabled()
    assert "erasure requests" in box.erase_button.toolTip()
    box.open_pack()
    qtbot.waitUntil(lambda: bool(_top(PackPreviewDialog)), timeout=10000)
    dialog = _top(PackPreviewDialog)[0]  # deletes itself on close
    tasks.wait()
    dialog.close()


def test_erasure_request_erases_then_offers_the_confirmation_letter(
        qtbot: Any, services: Services) -> None:
    make_request(services.ctx, reference="DSR-2026-0500", rtype="erasure")
    with services.ctx.store.session() as s:
        contact_id = s.scalar(select(Contact.id))
    area, tasks = area_for(qtbot, services)
    ref_id = services.requests.get("DSR-2026-0500").row.id
    area.select_request(ref_id)
    qtbot.waitUntil(lambda: area.documents.detail is not None, timeout=5000)
    box = area.documents
    assert box.erase_button.isEnabled() and not box.pack_button.isEnabled()
    box.open_erasure()
    qtbot.waitUntil(lambda: box.erasure_dialog is not None and box.erasure_dialog.isVisible(),
                    timeout=10000)
    with qtbot.waitSignal(box.erasure_dialog.erased, timeout=15000):
        box.erasure_dialog.understand.setChecked(True)
        box.erasure_dialog.run()
    qtbot.waitUntil(lambda: bool(_top(DocumentDialog)), timeout=15000)
    tasks.wait()
    for d in _top(DocumentDialog):  # delete themselves on close
        d.close()
    with services.ctx.store.session() as s:
        assert s.get(Contact, contact_id) is None
        # The confirmation letter is kept with the request, not with the erased person.
        assert s.scalar(select(func.count()).select_from(Document)) == 1


def test_viewer_sees_why_the_buttons_are_off(qtbot: Any, services: Services,
                                             ctx: ServiceContext) -> None:
    services.requests.create(NewRequest("access", date(2026, 11, 2), "Ada Lovelace"))
    ctx.actor = Actor("Jo Lewis", role="viewer")
    area, _ = area_for(qtbot, services)
    area.select_request(1)
    qtbot.waitUntil(lambda: area.documents.detail is not None, timeout=5000)
    assert not area.documents.pack_button.isEnabled()
    assert "viewer" in area.documents.pack_button.toolTip()
    assert not area.documents.letter_button.isEnabled()
