"""Turning one CSV record into a ContactInput, or into plain-words errors per field."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from privdesk.domain.contact_csv import parse_bool, parse_date, parse_status, unneutralise
from privdesk.domain.contact_records import ContactInput, FieldError
from privdesk.domain.contact_validation import clean_text, validate_contact
from privdesk.domain.identity import fold

DATE_FIELDS = ("first_contact", "customer_since", "ceased", "last_activity")


@dataclass(frozen=True)
class RowRules:
    """What a row is checked against: the policy's sources (key -> label), the phone
    region, today, and the source to use where a row gives none (None: required)."""

    sources: Mapping[str, str]
    region: str
    today: date
    default_source: str | None = None


def _values(cells: list[str], mapping: Mapping[int, str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for index, target in mapping.items():
        if index < len(cells):
            values[target] = unneutralise(cells[index].strip()).strip()
    return values


def _source(value: str, rules: RowRules) -> str | None:
    if not value:
        return rules.default_source
    wanted = fold(value).replace("-", "_").replace(" ", "_")
    for key, label in rules.sources.items():
        if wanted in (key, fold(label).replace(" ", "_")):
            return key
    return None


def row_to_input(cells: list[str], mapping: Mapping[int, str],
                 rules: RowRules) -> tuple[ContactInput | None, list[FieldError]]:
    v = _values(cells, mapping)
    errors: list[FieldError] = []
    name = v.get("name") or " ".join(p for p in (v.get("first_name"), v.get("last_name")) if p)
    location = v.get("location") or ", ".join(
        p for p in (v.get("city"), v.get("region"), v.get("country")) if p)
    status = parse_status(v["status"]) if v.get("status") else "enquirer"
    if status is None:
        errors.append(FieldError("status", f"Unknown status {v['status'][:40]!r}: use enquirer, "
                                           "customer or former_customer"))
    source = _source(v.get("source", ""), rules)
    if source is None:
        if v.get("source"):
            errors.append(FieldError("source", f"Unknown source {v['source'][:40]!r}: use one of "
                                               f"{', '.join(rules.sources)}"))
        else:
            errors.append(FieldError("source", "A source is required (where the data came from)"))
    dates: dict[str, date | None] = {}
    for field in DATE_FIELDS:
        try:
            dates[field] = parse_date(v.get(field, ""))
        except ValueError:
            errors.append(FieldError(field, f"Not a date: {v[field][:40]!r} (use YYYY-MM-DD)"))
            dates[field] = None
    opt_out = parse_bool(v.get("marketing_opt_out", ""))
    if opt_out is None:
        errors.append(FieldError("marketing_opt_out", "Use yes or no"))
    if status == "enquirer" and dates["first_contact"] is None and dates["last_activity"] is None:
        # Retention needs a date; the import is when we came to hold the data.
        dates["first_contact"] = rules.today
    data = ContactInput(
        name=clean_text(name) or "", email=clean_text(v.get("email")),
        phone=clean_text(v.get("phone")), company=clean_text(v.get("company")),
        location=clean_text(location), status=status or "enquirer",
        source=source or next(iter(rules.sources)), marketing_opt_out=bool(opt_out),
        notes=clean_text(v.get("notes")), first_contact=dates["first_contact"],
        customer_since=dates["customer_since"], ceased=dates["ceased"],
        last_activity=dates["last_activity"],
    )
    seen = {e.field for e in errors}
    errors += [e for e in validate_contact(data, tuple(rules.sources), rules.region, rules.today)
               if e.field not in seen]
    return (None if errors else data), errors
