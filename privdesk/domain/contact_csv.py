"""CSV for the register: decoding what spreadsheets and CRMs write, mapping their
headers onto our columns, reading values, and neutralising formulas on the way out."""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime

from privdesk.domain.identity import fold
from privdesk.domain.spreadsheet import neutralise as neutralise  # re-exported
from privdesk.domain.spreadsheet import unneutralise as unneutralise  # re-exported

# Our own columns, in the template's order (documented in the README).
COLUMNS = ("name", "email", "phone", "company", "location", "status", "source",
           "first_contact", "customer_since", "ceased", "last_activity", "marketing_opt_out",
           "notes")
# Targets a CRM header can map to besides our columns; combined into name / location.
PARTS = ("first_name", "last_name", "city", "region", "country")
TARGETS = COLUMNS + PARTS

_ALIASES: dict[str, tuple[str, ...]] = {
    "name": ("name", "full name", "fullname", "contact name", "contact", "display name",
             "customer name", "person"),
    "first_name": ("first name", "firstname", "given name", "forename", "first"),
    "last_name": ("last name", "lastname", "surname", "family name", "last"),
    "email": ("email", "e mail", "email address", "e mail address", "work email",
              "primary email", "email 1", "business email", "mail"),
    "phone": ("phone", "phone number", "telephone", "telephone number", "tel", "mobile",
              "mobile phone", "mobile number", "work phone", "primary phone",
              "business phone", "phone 1"),
    "company": ("company", "company name", "organisation", "organization", "account",
                "account name", "employer", "business name", "organisation name",
                "organization name"),
    "location": ("location", "address", "company location", "mailing address"),
    "city": ("city", "town", "mailing city", "billing city", "town city"),
    "region": ("county", "state", "region", "province", "mailing state"),
    "country": ("country", "country region", "mailing country", "billing country"),
    "status": ("status", "contact status", "lifecycle stage", "contact type"),
    "source": ("source", "lead source", "original source", "contact source"),
    "first_contact": ("first contact", "first contacted", "created", "create date",
                      "created date", "date created", "created at"),
    "customer_since": ("customer since", "became a customer date", "customer start"),
    "ceased": ("ceased", "ceased on", "customer until", "churn date", "end date"),
    "last_activity": ("last activity", "last activity date", "last contacted",
                      "last contact", "last activity at"),
    "marketing_opt_out": ("marketing opt out", "opt out", "opted out", "email opt out",
                          "unsubscribed", "do not email", "marketing optout"),
    "notes": ("notes", "note", "description", "comments", "comment"),
}
_LOOKUP = {alias.replace(" ", ""): target for target, aliases in _ALIASES.items()
           for alias in aliases}
_TRUE = {"1", "true", "yes", "y", "x", "opted out", "unsubscribed"}
_FALSE = {"", "0", "false", "no", "n"}


def header_key(header: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(header).replace("_", " "))


def guess_target(header: str) -> str | None:
    return _LOOKUP.get(header_key(header))


def guess_mapping(headers: list[str]) -> dict[int, str]:
    """Column index -> target, first header wins when two map to the same target."""
    mapping: dict[int, str] = {}
    for i, header in enumerate(headers):
        target = guess_target(header)
        if target is not None and target not in mapping.values():
            mapping[i] = target
    return mapping


class CsvError(ValueError):
    """The file cannot be read as CSV at all; `line` is where (1-based)."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"Line {line}: {reason}")
        self.line = line
        self.reason = reason


def _strict(data: bytes, encoding: str, label: str) -> str:
    """Decode a file whose BOM promises an encoding: bytes that break the promise are a
    clear error at their line, not a UnicodeDecodeError (nor silently replaced text)."""
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(encoding, errors="replace").count("\n") + 1
        raise CsvError(line, f"The file starts with a {label} marker but is not valid "
                             f"{label} here ({exc.reason}); save it again as UTF-8") from exc


def decode(data: bytes) -> tuple[str, str]:
    """The text and the encoding it was in: UTF-8 (BOM or not), UTF-16 (BOM, or the
    telltale zero bytes of ASCII text), else Windows-1252 (Excel's "CSV" on Windows).
    Raises CsvError when a BOM's encoding does not fit the bytes after it."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", "UTF-8"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "UTF-16"), "utf-16"
    sample = data[:2000]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return data.decode("utf-16-le", errors="replace"), "utf-16-le"
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return data.decode("utf-16-be", errors="replace"), "utf-16-be"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        # cp1252 leaves five bytes undefined; latin-1 maps those rather than failing.
        try:
            return data.decode("cp1252"), "windows-1252"
        except UnicodeDecodeError:
            return data.decode("latin-1"), "latin-1"


@dataclass(frozen=True)
class CsvTable:
    encoding: str
    headers: list[str]
    rows: list[tuple[int, list[str]]]  # (line number of the record's start, cells)


def parse_table(data: bytes) -> CsvTable:
    """The header and the non-blank rows. Raises CsvError (never another error) when the
    bytes cannot be read as CSV: a broken BOM encoding, a cell over csv's size limit."""
    content, encoding = decode(data)
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(
            content[:5000], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(content, newline=""), dialect)
    headers: list[str] = []
    rows: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if not headers:
                headers = [h.strip() for h in cells]
            elif any(c.strip() for c in cells):
                rows.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:  # e.g. a 1 MB cell: "field larger than field limit"
        limit = csv.field_size_limit()
        reason = (f"a cell is longer than {limit:,} characters (often an unclosed quote)"
                  if "field limit" in str(exc) else f"not readable as CSV ({exc})")
        raise CsvError(start, reason) from exc
    return CsvTable(encoding, headers, rows)


def parse_bool(value: str) -> bool | None:
    """True/False, or None when the text is not a yes/no."""
    v = fold(value)
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    return None


def parse_date(value: str) -> date | None:
    """An ISO 8601 date (a date-time's date part is accepted); raises ValueError."""
    v = value.strip()
    if not v:
        return None
    try:
        return date.fromisoformat(v)
    except ValueError:
        return datetime.fromisoformat(v.replace("Z", "+00:00")).date()


_STATUS_WORDS = {
    "enquirer": "enquirer", "enquiry": "enquirer", "lead": "enquirer", "prospect": "enquirer",
    "customer": "customer", "client": "customer", "current customer": "customer",
    "former customer": "former_customer", "former_customer": "former_customer",
    "former client": "former_customer", "ex customer": "former_customer",
    "past customer": "former_customer", "churned": "former_customer",
}


def parse_status(value: str) -> str | None:
    """Our status key for what a file says ("Former customer", "Lead"...), or None."""
    return _STATUS_WORDS.get(fold(value).replace("-", " "))
