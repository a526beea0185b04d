"""The electronic copy's formats (JSON, CSV) and how an item reads in the items list."""

from __future__ import annotations

import io
import json

from privdesk.domain.spreadsheet import SafeCsvWriter
from privdesk.reports.pack_model import PackTable
from privdesk.services.pack_data import TABLES, HeldItem


def item_text(item: HeldItem) -> str:
    if item.table == "contact":  # the field's name is already the item's label
        return item.cells[1]
    return " · ".join(c for c in item.cells if c)


def section_title(item: HeldItem) -> str:
    return next(t.title for t in TABLES if t.key == item.table)


def json_copy(reference: str, tables: tuple[PackTable, ...]) -> bytes:
    data: dict[str, object] = {"reference": reference}
    for t in tables:
        if t.key == "contact":  # field/value rows read best as one object
            data[t.key] = {r.cells[0]: r.cells[1] for r in t.rows}
            continue
        cols = [c.lower().replace(" ", "_") for c in t.columns]
        data[t.key] = [dict(zip(cols, r.cells, strict=True)) for r in t.rows]
    return json.dumps(data, indent=2, ensure_ascii=False).encode("utf-8")


def csv_copy(tables: tuple[PackTable, ...]) -> bytes:
    """One CSV: section, item, then the row's columns as column/value pairs, so every
    table fits one sheet without empty columns."""
    out = io.StringIO(newline="")
    writer = SafeCsvWriter(out)
    writer.row(["section", "item", "field", "value"])
    for t in tables:
        for r in t.rows:
            pairs = [(r.cells[0], r.cells[1])] if t.key == "contact" \
                else list(zip(t.columns, r.cells, strict=True))
            for col, cell in pairs:
                writer.row([t.title, r.ref, col, cell])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # BOM: Excel opens UTF-8 correctly

