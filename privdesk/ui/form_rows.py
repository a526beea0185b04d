"""Emptying a QFormLayout whose rows are rebuilt for each record shown."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout


def clear_rows(form: QFormLayout) -> None:
    """takeRow + deleteLater, never removeRow: removeRow deletes the row's widgets at once,
    and a label Qt is still handling an event for (a link hovered, a paint) crashed the
    officer-walk test in the request pane about one run in three (segfault, on main too)."""
    while form.rowCount():
        taken = form.takeRow(0)
        for item in (taken.labelItem, taken.fieldItem):
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.hide()
                widget.deleteLater()
