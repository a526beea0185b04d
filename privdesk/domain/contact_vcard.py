"""vCard 3.0 / 4.0 files (Apple Contacts, Outlook, Google, Thunderbird "Export as vCard")
read with vobject into the same header/rows shape as a CSV, so the rest of the import
(mapping, checks, duplicates) is one path."""

from __future__ import annotations

from typing import Any

import vobject

HEADERS = ["Full name", "First name", "Last name", "Email", "Phone", "Mobile", "Company",
           "City", "Region", "Country", "Notes"]


def is_vcard(text: str) -> bool:
    return text.lstrip("\ufeff \r\n\t")[:11].upper() == "BEGIN:VCARD"


def _value(card: Any, name: str) -> str:
    items = card.contents.get(name) or []
    if not items:
        return ""
    value = items[0].value
    if isinstance(value, list):  # ORG is a list of units
        return " ".join(str(v) for v in value if v)
    return str(value).strip()


def _phones(card: Any) -> tuple[str, str]:
    main = mobile = ""
    for tel in card.contents.get("tel") or []:
        types = {t.lower() for p in tel.params.get("TYPE", []) for t in str(p).split(",")}
        number = str(tel.value).strip()
        if number.lower().startswith("tel:"):
            number = number[4:]
        if "cell" in types and not mobile:
            mobile = number
        elif not main:
            main = number
    return main, mobile


def read_vcards(text: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Headers and (line, cells) rows, one per card. Raises ValueError with the line of
    a card vobject cannot read."""
    rows: list[tuple[int, list[str]]] = []
    starts = [n for n, line in enumerate(text.splitlines(), 1)
              if line.strip().upper() == "BEGIN:VCARD"]
    try:
        cards = list(vobject.readComponents(text, ignoreUnreadable=True))
    except Exception as exc:  # vobject raises its own ParseError and others
        raise ValueError(f"not a readable vCard ({exc})") from exc
    for n, card in enumerate(cards):
        if card.name.upper() != "VCARD":
            continue
        first = last = ""
        if card.contents.get("n"):
            parts = card.n.value
            first, last = str(parts.given or ""), str(parts.family or "")
        city = region = country = ""
        if card.contents.get("adr"):
            adr = card.adr.value
            city, region, country = str(adr.city or ""), str(adr.region or ""), str(adr.country or "")
        main, mobile = _phones(card)
        cells = [_value(card, "fn"), first, last, _value(card, "email"), main, mobile,
                 _value(card, "org"), city, region, country, _value(card, "note")]
        rows.append((starts[n] if n < len(starts) else n + 1, cells))
    return list(HEADERS), rows
