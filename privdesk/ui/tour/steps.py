"""The tour itself: every window, area and dialog of privdesk on the demo store, in the
order an officer meets them. Each step opens the real widget through the real code path
(buttons and the methods they call), waits for its data, takes its picture and closes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from PySide6.QtWidgets import QDialog, QWidget

from privdesk.app import DesktopSession
from privdesk.services.authz import Permission
from privdesk.ui.contacts.editor import ContactEditorDialog
from privdesk.ui.contacts.import_dialog import ImportDialog
from privdesk.ui.main_window import MainWindow
from privdesk.ui.new_store_dialog import NewStoreDialog
from privdesk.ui.officers_area import AddOfficerDialog, OfficersArea, PassphraseDialog
from privdesk.ui.packs.document_dialog import DocumentDialog
from privdesk.ui.packs.preview_dialog import PackPreviewDialog
from privdesk.ui.request_action_dialog import ActionDialog
from privdesk.ui.requests.actions import ACTIONS
from privdesk.ui.requests.area import RequestsArea
from privdesk.ui.requests.new_request_dialog import NewRequestDialog
from privdesk.ui.retention.area import RetentionArea
from privdesk.ui.retention.erasure_dialog import ErasureDialog
from privdesk.ui.retention.hold_dialog import LegalHoldDialog
from privdesk.ui.settings_dialog import SettingsDialog
from privdesk.ui.tour.driver import Tour, Wait
from privdesk.ui.unlock_dialog import UnlockDialog

SAMPLE_CSV = ("First name,Last name,Email,Phone,Company,Source\n"
              "Ana,Novak,ana.novak@example.com,+44 7700 900123,Optex Europe,enquiry_form\n"
              "Jon,Reid,not-an-email,,Acme,phone_call\n")


def _idle(t: Tour, session: DesktopSession, what: str) -> Wait:
    return t.until(what, lambda: not session.tasks.busy)


def _dialog(t: Tour, kind: type, what: str, title: str = "") -> Wait:
    return t.until(what, lambda: t.top_level(kind, title) is not None)


def _close(widget: QWidget | None) -> None:
    if isinstance(widget, QDialog):
        widget.reject()
    elif widget is not None:
        widget.close()


def _shoot_dialog(t: Tour, session: DesktopSession, kind: type, name: str,
                  open_it: Callable[[], object], title: str = "") -> Iterator[Wait]:
    t.later(open_it)
    yield _dialog(t, kind, f"the {name} dialog", title)
    yield _idle(t, session, f"the {name} dialog's data")
    yield t.settle()
    dialog = t.top_level(kind, title)
    t.shot(dialog, name)  # type: ignore[arg-type]
    _close(dialog)
    yield t.settle(1)


def script(t: Tour, session: DesktopSession, demo: Path, work: Path) -> Iterator[Wait]:
    # -- unlock ----------------------------------------------------------------------------
    t.later(lambda: session.unlock(preselect=demo, demo=True))
    yield _dialog(t, UnlockDialog, "the unlock dialog")
    yield t.settle()
    unlock = t.top_level(UnlockDialog)
    assert isinstance(unlock, UnlockDialog)
    t.shot(unlock, "01-unlock")
    yield from _shoot_dialog(t, session, NewStoreDialog, "02-new-store",
                             lambda: NewStoreDialog(work, unlock).open())
    t.later(unlock.try_unlock)
    yield t.until("the main window", lambda: session.window is not None
                  and session.window.isVisible(), 120)
    window = session.window
    assert isinstance(window, MainWindow)

    # -- the five areas ----------------------------------------------------------------------
    for number, area in enumerate(a.key for a in window.areas):  # every area of the rail
        window.show_area(area)
        yield _idle(t, session, f"the {area} area's data")
        yield t.settle()
        t.shot(window, f"1{number}-area-{area}")

    yield from _contacts(t, session, window, work)
    yield from _requests(t, session, window)
    yield from _retention(t, session, window)
    yield from _officers(t, session, window)
    assert session.services is not None
    services = session.services
    yield from _shoot_dialog(t, session, SettingsDialog, "70-settings", lambda: SettingsDialog(
        services.settings, session.ctx, session.tasks, window, mail=services.mail).open())
    # Last, the lock and the cover over the window.
    t.later(lambda: session.lock("tour"))
    yield t.until("the lock dialog", lambda: session.lock_dialog is not None
                  and session.lock_dialog.isVisible())
    yield t.settle()
    t.shot(session.lock_dialog, "80-locked")  # type: ignore[arg-type]


def _contacts(t: Tour, session: DesktopSession, window: MainWindow, work: Path) -> Iterator[Wait]:
    window.show_area("contacts")
    area = window.area("contacts")
    yield _idle(t, session, "the contacts")
    t.later(lambda: area.edit_row(0))  # type: ignore[attr-defined]
    yield _dialog(t, ContactEditorDialog, "the contact editor")
    yield _idle(t, session, "the contact editor's data")
    editor = t.top_level(ContactEditorDialog)
    assert isinstance(editor, ContactEditorDialog)
    for i in range(editor.tabs.count()):
        editor.tabs.setCurrentIndex(i)
        yield t.settle()
        t.shot(editor, f"20-contact-editor-tab{i + 1}")
    editor.reject()
    yield from _shoot_dialog(t, session, ContactEditorDialog, "21-contact-new",
                             lambda: area.new_contact())  # type: ignore[attr-defined]
    sample = work / "contacts-to-import.csv"
    sample.write_text(SAMPLE_CSV, "utf-8")
    t.later(lambda: area.import_file())  # type: ignore[attr-defined]
    yield _dialog(t, ImportDialog, "the import dialog")
    importer = t.top_level(ImportDialog)
    assert isinstance(importer, ImportDialog)
    yield t.settle()
    t.shot(importer, "22-import")
    importer.load_file(sample)
    yield _idle(t, session, "the import file's preview")
    yield t.settle()
    t.shot(importer, "23-import-mapping")
    importer.check()
    yield _idle(t, session, "the import check")
    yield t.settle()
    t.shot(importer, "24-import-checked")
    importer.reject()


def _select_request(t: Tour, session: DesktopSession, area: RequestsArea, rtype: str) -> Iterator[Wait]:
    model = area.model
    for row in range(model.rowCount()):
        r = model.row(row)
        if r.type == rtype:
            area.select_request(r.id)
            break
    yield _idle(t, session, "the request's detail")
    yield t.settle()


def _requests(t: Tour, session: DesktopSession, window: MainWindow) -> Iterator[Wait]:
    window.show_area("requests")
    area = window.area("requests")
    assert isinstance(area, RequestsArea)
    area.status_filter.setCurrentIndex(1)  # all statuses: every type is in the demo
    yield _idle(t, session, "the queue")
    yield from _shoot_dialog(t, session, NewRequestDialog, "30-new-request", area.open_new_request)
    yield from _select_request(t, session, area, "access")
    t.shot(window, "31-request-detail")
    for name in ACTIONS:
        if area.detail.buttons[name].isEnabled():
            yield from _shoot_dialog(t, session, ActionDialog, f"32-action-{name}",
                                     lambda n=name: area.detail.open_action(n))  # type: ignore[misc]
    # letters, then the pack with a redaction and its email review
    for kind in ("acknowledgement", "id_request"):
        yield from _shoot_dialog(t, session, DocumentDialog, f"33-letter-{kind}",
                                 lambda k=kind: area.documents.open_letter(k))  # type: ignore[misc]
    t.later(area.documents.open_pack)
    yield _dialog(t, PackPreviewDialog, "the pack preview")
    yield _idle(t, session, "the pack preview's PDF")
    assert session.services is not None
    services = session.services
    pack = t.top_level(PackPreviewDialog)
    assert isinstance(pack, PackPreviewDialog)
    yield t.until("the pack's items", lambda: pack.model.rowCount() > 0)
    for old in services.packs.redactions(pack.reference):  # from an earlier tour (--home)
        services.packs.unredact(pack.reference, old.item_ref, "screenshot tour: start afresh")
    if services.packs.redactions(pack.reference) == [] and pack.model.withheld_count():
        pack.refresh()
        yield _idle(t, session, "the pack preview afresh")
    # Redact a note-like item (an interaction's summary): the reference or the name would
    # still show elsewhere in the pack, and the pack then refuses to build (rightly).
    rows = [r for r in range(pack.model.rowCount())
            if (item := pack.model.item(r)) is not None and item.section == "Interactions"]
    pack.table.selectRow(rows[0] if rows else pack.model.rowCount() - 1)
    pack.reason.setText("Names another customer")
    if pack.redact_button.isEnabled():
        pack.redact_button.click()
        yield _idle(t, session, "the redaction")
    yield t.settle()
    t.shot(pack, "34-pack-preview-redacted")
    assert session.services is not None
    if not session.services.settings.get("smtp.from"):  # the tour's own demo store
        session.services.settings.set("smtp.from", "Privacy Team <privacy@optex-europe.com>")
    if pack.email_button.isEnabled():
        t.later(pack.email_button.click)
        yield t.until("the email review", lambda: pack.flow.review is not None
                      and pack.flow.review.isVisible())
        yield t.settle()
        review = pack.flow.review
        assert review is not None
        t.shot(review, "35-email-review")
        review.reject()
        yield t.settle(1)
    pack.reject()
    yield from _select_request(t, session, area, "erasure")
    t.later(area.documents.open_erasure)
    yield t.until("the erasure preview", lambda: area.documents.erasure_dialog is not None
                  and area.documents.erasure_dialog.isVisible())
    yield t.settle()
    erasure = area.documents.erasure_dialog
    assert isinstance(erasure, ErasureDialog)
    t.shot(erasure, "36-erasure")
    erasure.reject()


def _retention(t: Tour, session: DesktopSession, window: MainWindow) -> Iterator[Wait]:
    window.show_area("retention")
    area = window.area("retention")
    assert isinstance(area, RetentionArea)
    yield _idle(t, session, "the retention lists")
    area.tabs.setCurrentWidget(area.overdue_list)
    yield t.settle()
    t.shot(window, "40-retention-overdue")
    listing = area.current_list()
    if listing.model.rowCount():
        listing.table.selectRow(0)
        t.later(area.edit_hold)
        yield _dialog(t, LegalHoldDialog, "the legal hold dialog")
        yield t.settle()
        hold = t.top_level(LegalHoldDialog)
        t.shot(hold, "41-legal-hold")  # type: ignore[arg-type]
        _close(hold)
    if session.ctx.can(Permission.PURGE):
        t.later(area.review_purge)
        yield t.until("the purge review", lambda: getattr(area, "purge_dialog", None)
                      is not None and area.purge_dialog.isVisible())
        yield _idle(t, session, "the purge review's data")
        yield t.settle()
        t.shot(area.purge_dialog, "42-purge-review")
        area.purge_dialog.reject()


def _officers(t: Tour, session: DesktopSession, window: MainWindow) -> Iterator[Wait]:
    window.show_area("officers")
    area = window.area("officers")
    assert isinstance(area, OfficersArea)
    yield _idle(t, session, "the officers")
    yield from _shoot_dialog(t, session, AddOfficerDialog, "50-add-officer",
                             lambda: AddOfficerDialog(area).open())
    yield from _shoot_dialog(t, session, PassphraseDialog, "51-change-passphrase",
                             lambda: PassphraseDialog(session.ctx.actor.name, area).open())
    window.show_area("audit")
    yield _idle(t, session, "the audit trail")
    yield t.settle()
    t.shot(window, "60-audit-after-tour")
