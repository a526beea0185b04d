"""Asking the officer what to do when a save looks like a duplicate."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox, QWidget

from privdesk.domain.contact_records import DuplicateCandidate


def describe(d: DuplicateCandidate) -> str:
    who = ", ".join(p for p in (d.name[:80], d.email, d.phone, d.company) if p)
    return f"#{d.id}  {who}  ({d.reason_text})"


def choose_duplicate_action(parent: QWidget,
                            dups: list[DuplicateCandidate]) -> tuple[str, int | None]:
    """("save" | "merge" | "cancel", the duplicate to merge with)."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle("Possible duplicate")
    box.setTextFormat(Qt.TextFormat.PlainText)  # names are shown, never interpreted
    box.setText("This looks like someone already in the register:")
    box.setInformativeText("\n".join(describe(d) for d in dups[:5])
                           + ("\n…" if len(dups) > 5 else "")
                           + "\n\nMerging keeps every interaction, disclosure, history entry "
                             "and request of both records.")
    save = box.addButton("Save as a separate contact", QMessageBox.ButtonRole.AcceptRole)
    merge = box.addButton(f"Save and merge with #{dups[0].id}", QMessageBox.ButtonRole.YesRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)  # a merge cannot be undone: Return must not do it
    box.exec()
    clicked = box.clickedButton()
    if clicked is merge:
        return "merge", dups[0].id
    if clicked is save:
        return "save", None
    return "cancel", None
