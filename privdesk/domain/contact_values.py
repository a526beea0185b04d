"""Reading the values CRMs write: yes/no flags, opt-out statuses, dates in ISO or
day-first/month-first order, placeholder phones, countries, and the sources and stages
that map onto the policy's sources and our statuses."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from functools import lru_cache

import phonenumbers

from privdesk.domain.dates import MONTHS, MONTHS_SHORT
from privdesk.domain.identity import fold

_TRUE = {"1", "true", "yes", "y", "x", "opted out", "unsubscribed", "t", "ja", "oui", "tak",
         "si", "on", "checked"}
_FALSE = {"", "0", "false", "no", "n", "f", "nein", "non", "nie", "off", "unchecked"}
# Opt-out status columns (Pipedrive "Marketing status", Mailchimp-like statuses).
_STATUS_OBJECTS = {"unsubscribed", "opted out", "cleaned", "do not email", "optout",
                   "opted-out", "unsubscribe", "blocked", "suppressed", "abgemeldet",
                   "desabonne", "wypisany"}
_STATUS_NEUTRAL = {"", "subscribed", "not subscribed", "no consent", "archived", "pending",
                   "transactional", "non subscribed", "never subscribed", "opted in",
                   "marketing contact", "non-marketing contact", "active"}
PHONE_PLACEHOLDERS = {"n/a", "na", "n.a.", "-", "--", "---", "none", "unknown", "tbc", "tba",
                      "null", "nil", ".", "?", "0", "no phone", "not known", "brak",
                      "keine", "aucun", "x"}


def parse_bool(value: str) -> bool | None:
    """True/False, or None when the text is not a yes/no."""
    v = fold(value)
    if v in _TRUE:
        return True
    if v in _FALSE:
        return False
    return None


def parse_opt_out_status(value: str) -> bool | None:
    """True for an objection ("Unsubscribed", "Cleaned"), False for a status that is
    not one, None when the status is not understood (the row then stops)."""
    v = fold(value).replace("_", " ")
    if v in _STATUS_OBJECTS:
        return True
    if v in _STATUS_NEUTRAL:
        return False
    return None


# -- dates ---------------------------------------------------------------------------
_NUMERIC = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{2}|\d{4})"
                      r"(?:[ T,]+(\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?\s*([AaPp][Mm])?)?$")
# "10 Mar 2024" forms. The English month name (and AM/PM) are turned into numbers first:
# strptime's month-name and AM/PM directives follow the desktop's locale once Qt has
# started (a Polish desktop reads no English month name at all).
_NAMED = ("%d %m %Y", "%m %d, %Y", "%d-%m-%Y", "%d %m %Y %H:%M", "%m %d, %Y %H:%M", "%d-%m-%y")
_WORD = re.compile(r"[A-Za-z]+\.?")
_MONTH_NUMBERS = {**{m.lower(): i for i, m in enumerate(MONTHS, 1)},
                  **{m.lower(): i for i, m in enumerate(MONTHS_SHORT, 1)}, "sept": 9}
_CLOCK_12 = re.compile(r"(\d{1,2}):(\d{2})\s*([AaPp])\.?[Mm]\.?$")


def _numeric_month(v: str) -> str | None:
    """"Mar 10, 2024 3:05 PM" -> "3 10, 2024 15:05"; None when no month name is in it."""
    found = False

    def month(m: re.Match[str]) -> str:
        nonlocal found
        number = _MONTH_NUMBERS.get(m.group(0).rstrip(".").lower())
        found = found or number is not None
        return str(number) if number is not None else m.group(0)

    def clock(m: re.Match[str]) -> str:
        hour = int(m.group(1)) % 12 + (12 if m.group(3).lower() == "p" else 0)
        return f"{hour}:{m.group(2)}"

    out = _WORD.sub(month, _CLOCK_12.sub(clock, v))
    return out if found else None
ORDERS = ("dmy", "mdy")


class AmbiguousDate(ValueError):
    """A dd/mm vs mm/dd date with no order decided for the file."""


def _year(y: str, today: date) -> int:
    if len(y) == 4:
        return int(y)
    n = int(y)
    return 2000 + n if 2000 + n <= today.year + 1 else 1900 + n


def parse_date(value: str, order: str | None = None, today: date | None = None) -> date | None:
    """ISO 8601 (a date-time's date part is accepted) first; then d/m/y or m/d/y with an
    optional time, in `order`; then "10 Mar 2024" forms. Raises ValueError (AmbiguousDate
    when the order is needed and not given)."""
    v = value.strip()
    if not v:
        return None
    try:
        return date.fromisoformat(v)
    except ValueError:
        pass
    try:
        return datetime.fromisoformat(v.replace("Z", "+00:00")).date()
    except ValueError:
        pass
    m = _NUMERIC.match(v)
    if m:
        a, b, y = int(m.group(1)), int(m.group(2)), _year(m.group(3), today or date.today())
        if order is None:
            if a > 12 >= b:
                order = "dmy"
            elif b > 12 >= a:
                order = "mdy"
            elif a == b:
                return date(y, a, b)
            else:
                raise AmbiguousDate(v)
        day, month = (a, b) if order == "dmy" else (b, a)
        return date(y, month, day)
    numeric = _numeric_month(v)
    if numeric is None:
        raise ValueError(v)
    for fmt in _NAMED:
        try:
            return datetime.strptime(numeric, fmt).date()
        except ValueError:
            continue
    raise ValueError(v)


def date_order_evidence(values: Iterable[str]) -> tuple[bool, bool, bool]:
    """(day-first seen, month-first seen, ambiguous seen) among numeric dates."""
    dmy = mdy = ambiguous = False
    for value in values:
        m = _NUMERIC.match(value.strip())
        if not m:
            continue
        a, b = int(m.group(1)), int(m.group(2))
        if a > 12 >= b:
            dmy = True
        elif b > 12 >= a:
            mdy = True
        elif a != b:
            ambiguous = True
    return dmy, mdy, ambiguous


# -- phones and countries ------------------------------------------------------------
def clean_phone(value: str | None) -> str | None:
    """None for an empty or placeholder phone ("n/a", "-", "unknown"…)."""
    if value is None:
        return None
    v = value.strip()
    if not v or fold(v) in PHONE_PLACEHOLDERS:
        return None
    return v


_COUNTRIES = {
    "united kingdom": "GB", "uk": "GB", "great britain": "GB", "britain": "GB",
    "england": "GB", "scotland": "GB", "wales": "GB", "northern ireland": "GB", "gb": "GB",
    "ireland": "IE", "republic of ireland": "IE", "eire": "IE", "germany": "DE",
    "deutschland": "DE", "france": "FR", "poland": "PL", "polska": "PL", "spain": "ES",
    "espana": "ES", "italy": "IT", "italia": "IT", "netherlands": "NL", "the netherlands": "NL",
    "holland": "NL", "nederland": "NL", "belgium": "BE", "belgique": "BE", "belgie": "BE",
    "luxembourg": "LU", "portugal": "PT", "austria": "AT", "osterreich": "AT",
    "switzerland": "CH", "schweiz": "CH", "suisse": "CH", "denmark": "DK", "danmark": "DK",
    "norway": "NO", "norge": "NO", "sweden": "SE", "sverige": "SE", "finland": "FI",
    "suomi": "FI", "iceland": "IS", "island": "IS", "czech republic": "CZ", "czechia": "CZ",
    "cesko": "CZ", "slovakia": "SK", "hungary": "HU", "magyarorszag": "HU", "romania": "RO",
    "bulgaria": "BG", "greece": "GR", "croatia": "HR", "hrvatska": "HR", "slovenia": "SI",
    "serbia": "RS", "turkey": "TR", "turkiye": "TR", "estonia": "EE", "latvia": "LV",
    "lithuania": "LT", "malta": "MT", "cyprus": "CY", "japan": "JP", "nippon": "JP",
    "china": "CN", "hong kong": "HK", "taiwan": "TW", "south korea": "KR", "korea": "KR",
    "india": "IN", "united states": "US", "usa": "US", "united states of america": "US",
    "us": "US", "canada": "CA", "australia": "AU", "new zealand": "NZ",
    "south africa": "ZA", "united arab emirates": "AE", "uae": "AE", "singapore": "SG",
    "日本": "JP", "中国": "CN",
}


def region_for_country(country: str | None) -> str | None:
    """A phone region code for a country name or ISO code, or None if unknown."""
    if not country:
        return None
    v = fold(country).strip(" .")
    code = _COUNTRIES.get(v)
    if code is None and len(v) == 2 and v.upper() in phonenumbers.SUPPORTED_REGIONS:
        code = v.upper()
    return code


# -- sources and statuses ------------------------------------------------------------
# Values whose meaning is plain; anything else is the officer's call (a dropdown).
AUTO_SOURCES = {
    "web": "enquiry_form", "website": "enquiry_form", "web form": "enquiry_form",
    "webform": "enquiry_form", "web site": "enquiry_form", "contact form": "enquiry_form",
    "online form": "enquiry_form", "form": "enquiry_form", "enquiry": "enquiry_form",
    "inquiry": "enquiry_form", "web inquiry": "enquiry_form", "web enquiry": "enquiry_form",
    "organic search": "enquiry_form", "direct traffic": "enquiry_form",
    "paid search": "enquiry_form", "phone inquiry": "call", "phone enquiry": "call",
    "cold call": "call", "phone": "call", "telephone": "call", "call": "call",
    "inbound call": "call", "outbound call": "call", "trade show": "event",
    "tradeshow": "event", "exhibition": "event", "conference": "event", "seminar": "event",
    "seminar - internal": "event", "seminar - partner": "event", "webinar": "event",
    "event": "event", "email": "email", "e-mail": "email", "email marketing": "email",
    "chat": "online_message", "live chat": "online_message", "social media": "online_message",
    "linkedin": "online_message", "meeting": "meeting", "in person": "meeting",
    "visit": "meeting",
}
AUTO_STATUSES = {
    "enquirer": "enquirer", "enquiry": "enquirer", "lead": "enquirer", "prospect": "enquirer",
    "subscriber": "enquirer", "marketing qualified lead": "enquirer",
    "sales qualified lead": "enquirer", "opportunity": "enquirer", "new": "enquirer",
    "open": "enquirer", "open - not contacted": "enquirer", "working - contacted": "enquirer",
    "contacted": "enquirer", "qualified": "enquirer", "hot lead": "enquirer",
    "warm lead": "enquirer", "cold lead": "enquirer", "customer": "customer",
    "client": "customer", "current customer": "customer", "closed - converted": "customer",
    "former customer": "former_customer", "former_customer": "former_customer",
    "former client": "former_customer", "ex customer": "former_customer",
    "past customer": "former_customer", "churned": "former_customer",
}


@lru_cache(maxsize=1024)
def value_key(value: str) -> str:
    """How a source or status value is compared: folded, spaces and dashes evened.
    Cached: a file repeats a handful of values on every row."""
    return " ".join(fold(value).replace("_", " ").split())


def map_value(value: str, direct: Mapping[str, str], chosen: Mapping[str, str],
              remembered: Mapping[str, str], auto: Mapping[str, str]) -> tuple[str | None, str]:
    """(key, how) for a source or status value: "direct" (it is a key or label),
    "chosen" (by the officer for this file), "remembered" (for this store), "auto"
    (obvious), or (None, "unmapped")."""
    k = value_key(value)
    for how, table in (("chosen", chosen), ("direct", direct), ("remembered", remembered),
                       ("auto", auto)):
        if k in table:
            return table[k], how
    return None, "unmapped"
