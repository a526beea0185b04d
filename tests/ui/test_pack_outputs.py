"""Save from the pack preview: busy while building, the file written, the pack kept on
the timeline as saved, then the offer to record the response; a refused pack (redacted
text still printed elsewhere) writes nothing and records nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox

from privdesk.services.container import Services
from privdesk.store.models import Document, RequestEvent
from privdesk.ui.areas import paperwork
from privdesk.ui.packs import open_pack_dialog
from privdesk.ui.tasks import TaskRunner
from tests.unit.pack_fixtures import REF, make_request


def _open(qtbot: Any, services: Services) -> Any:
    dialog = open_pack_dialog(None, paperwork(services), TaskRunner(), REF)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: dialog.model.rowCount() > 0 and dialog._pdf is not None,
                    timeout=20000)
    return dialog


def test_save_keeps_the_pack_and_offers_to_record_the_response(
        qtbot: Any, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_request(services.ctx)
    dialog = _open(qtbot, services)
    target = tmp_path / "pack.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.save_button.click()
    assert dialog.busy_text and not dialog.save_button.isEnabled()
    assert not dialog.email_button.isEnabled() and not dialog.print_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.response_dialog is not None
                    and dialog.response_dialog.isVisible(), timeout=20000)
    assert target.read_bytes().startswith(b"%PDF")
    assert dialog.save_button.isEnabled() and dialog.busy_text is None
    assert dialog.response_dialog.choice.currentData() == "secure_portal"
    with services.ctx.store.session() as s:
        (event,) = s.query(RequestEvent).filter_by(kind="pack_generated").all()
        assert "saved to a file (pack.pdf)" in event.detail
    dialog.response_dialog.choice.setCurrentIndex(dialog.response_dialog.choice.findData("post"))
    dialog.response_dialog.submit()
    qtbot.waitUntil(lambda: services.requests.get(REF).row.status == "responded", timeout=10000)
    assert services.requests.get(REF).response_method == "post"
    dialog._tasks.wait()


def test_a_refused_pack_writes_and_records_nothing(
        qtbot: Any, services: Services, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    make_request(services.ctx)
    services.packs.redact(REF, "contact:1:name", "redact", "test")  # the cover prints it
    dialog = _open(qtbot, services)
    target = tmp_path / "pack.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a: warned.append(text))
    dialog.save_button.click()
    qtbot.waitUntil(lambda: bool(warned), timeout=20000)
    assert "Contact record: name" in warned[0] and "Nothing was saved or sent" in warned[0]
    assert not target.exists() and dialog.save_button.isEnabled()
    assert dialog.response_dialog is None
    with services.ctx.store.session() as s:
        assert s.query(Document).count() == 0
    QApplication.processEvents()
