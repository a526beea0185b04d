"""One click from any mention of a person or a request to its record.

Areas and dialogs never reach into each other: they ask the Navigator, and ui.areas wires
its signals to the Contacts area (open the contact's record) and the Requests area (show
the request), and the Session to the main window (switch to the Requests area).
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from PySide6.QtCore import QModelIndex, QObject, Signal
from PySide6.QtWidgets import QAbstractItemView

CONTACT_LINK, REQUEST_LINK = "contact:", "request:"


class Navigator(QObject):
    contact_wanted = Signal(int)  # a contact's id: open its record
    request_wanted = Signal(int)  # a request's id: show it in the Requests area
    area_wanted = Signal(str)  # an area's key: bring it to the front

    def open_contact(self, contact_id: int) -> None:
        self.contact_wanted.emit(int(contact_id))

    def open_request(self, request_id: int) -> None:
        self.area_wanted.emit("requests")
        self.request_wanted.emit(int(request_id))

    def open_link(self, href: str) -> None:
        """"contact:12" or "request:7", as written by `link()` into a label."""
        kind, _, number = href.partition(":")
        if not number.isdigit():
            return
        if f"{kind}:" == CONTACT_LINK:
            self.open_contact(int(number))
        elif f"{kind}:" == REQUEST_LINK:
            self.open_request(int(number))


def open_on_double_click(view: QAbstractItemView, navigator: Callable[[], Navigator | None],
                         role: int, kind: str = CONTACT_LINK) -> None:
    """Double-clicking a row opens the record whose id the model gives for `role`."""
    def opened(index: QModelIndex) -> None:
        nav, ident = navigator(), index.data(role)
        if nav is not None and ident is not None:
            nav.open_link(f"{kind}{ident}")

    view.doubleClicked.connect(opened)


def link(kind: str, ident: int, text: str) -> str:
    """Rich text for a QLabel: `text` (escaped) as a link that `open_link` follows."""
    return f'<a href="{kind}{int(ident)}">{escape(text)}</a>'
