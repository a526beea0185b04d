"""Turning one CSV record into a ContactInput, or into plain-words errors per field."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

import phonenumbers
from phonenumbers import phonenumberutil as _pnu
from phonenumbers import re_util as _re_util

from privdesk.domain import identity
from privdesk.domain.contact_csv import unneutralise
from privdesk.domain.contact_records import STATUSES, ContactInput, FieldError
from privdesk.domain.contact_validation import MAX_LENGTH, clean_text, validate_contact
from privdesk.domain.contact_values import (
    AUTO_SOURCES,
    AUTO_STATUSES,
    AmbiguousDate,
    clean_phone,
    map_value,
    parse_bool,
    parse_date,
    parse_opt_out_status,
    region_for_country,
    value_key,
)
from privdesk.domain.identity import fold
from privdesk.domain.retention import RetentionRule

# phonenumbers compiles a metadata pattern on every use unless told to keep them
# (re.compile's cache look-up was ~8% of an import); the patterns are a bounded set.
# (enable_pattern_cache is in phonenumbers 9; older versions simply go without.)
_keep_patterns = getattr(_re_util, "enable_pattern_cache", None)
if _keep_patterns is not None:
    _keep_patterns()

DATE_FIELDS = ("first_contact", "customer_since", "ceased", "last_activity")
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]")


@dataclass(frozen=True)
class RowRules:
    """What a row is checked against: the policy's sources (key -> label), the phone
    region, today, the source for rows that give none (None: required), the officer's
    and the store's value maps (folded value -> key), the file's date order, and
    whether every row of the file is an objection (a Mailchimp unsubscribed export)."""

    sources: Mapping[str, str]
    region: str
    today: date
    default_source: str | None = None
    source_map: Mapping[str, str] = field(default_factory=dict)
    status_map: Mapping[str, str] = field(default_factory=dict)
    remembered_sources: Mapping[str, str] = field(default_factory=dict)
    remembered_statuses: Mapping[str, str] = field(default_factory=dict)
    date_order: str | None = None
    all_objections: bool = False
    specs: tuple[RetentionRule, ...] = ()  # given: the import works out retention and search too

    def direct_sources(self) -> dict[str, str]:
        cached: dict[str, str] | None = self.__dict__.get("_direct")
        if cached is None:
            cached = {value_key(k): k for k in self.sources}
            cached.update({value_key(label): k for k, label in self.sources.items()})
            object.__setattr__(self, "_direct", cached)
        return cached


_STATUS_KEYS = {s: s for s in STATUSES}


# phonenumbers' own "does the number match any type's pattern" with the likeliest types
# (mobile, fixed line) tried first: is_valid_number_for_region tries eight rarer types
# first, so a mobile number matched ten patterns. Same answer for every number
# (tests/unit/test_import_speed.py compares the two); ~4x less matching.
_RARE_TYPES = ("premium_rate", "toll_free", "shared_cost", "voip", "personal_number", "pager",
               "uan", "voicemail")
# A private helper of phonenumbers: should a release drop or rename it, the public call
# is used instead (slower, same answer), never an import error.
_matches = getattr(_pnu, "_is_number_matching_desc", None)


def valid_for_region(parsed: phonenumbers.PhoneNumber, region: str | None) -> bool:
    """phonenumbers.is_valid_number_for_region, the common types tried first."""
    code = parsed.country_code
    if region is None or code is None:  # phonenumbers: False for both
        return False
    if _matches is None:
        return bool(phonenumbers.is_valid_number_for_region(parsed, region))
    metadata = phonenumbers.PhoneMetadata.metadata_for_region_or_calling_code(code, region.upper())
    if metadata is None or (region != phonenumbers.REGION_CODE_FOR_NON_GEO_ENTITY
                            and code != phonenumbers.country_code_for_valid_region(region)):
        return False
    nsn = phonenumbers.national_significant_number(parsed)
    if not _matches(nsn, metadata.general_desc):
        return False
    if not metadata.same_mobile_and_fixed_line_pattern and _matches(nsn, metadata.mobile):
        return True
    return _matches(nsn, metadata.fixed_line) or any(
        _matches(nsn, getattr(metadata, kind)) for kind in _RARE_TYPES)


def valid_number(parsed: phonenumbers.PhoneNumber) -> bool:
    """phonenumbers.is_valid_number, the same way."""
    return valid_for_region(parsed, phonenumbers.region_code_for_number(parsed))


@lru_cache(maxsize=4096)
def check_phone(phone: str | None, region: str
                ) -> tuple[FieldError | None, str | None, tuple[str, ...]]:
    """(error, E.164, search digit forms) from one parse: phonenumbers' parse and
    validity check are most of an import's cost, so each row's number is read once, and
    a number the file repeats (a switchboard, a shared office line) only once a file."""
    if not phone:
        return None, None, ()
    if len(phone) > MAX_LENGTH["phone"]:
        return FieldError("phone", f"Too long: at most {MAX_LENGTH['phone']:,} characters"), None, ()
    try:
        parsed = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return FieldError("phone", "Not a phone number"), None, ()
    # Valid for the row's own region settles it in one region's patterns; only
    # otherwise is every region sharing the country code tried (+44: GB, JE, GG, IM).
    if not (valid_for_region(parsed, region) or valid_number(parsed)):
        return FieldError("phone", f"Not a valid phone number (for a number outside {region}, "
                                   "start with +)"), None, ()
    return (None, phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164),
            tuple(identity.phone_forms_of(parsed)))


@dataclass(frozen=True, slots=True)
class RowExtras:
    """What the import reports or stores beside the ContactInput."""

    opt_out_on: date | None = None
    source_value: str = ""
    status_value: str = ""
    norm_phone: str | None = None  # E.164, from the one parse of the row's phone
    phone_forms: tuple[str, ...] = ()  # the digits search finds it by


def _values(cells: list[str], mapping: Mapping[int, str]
            ) -> tuple[dict[str, list[str]], dict[str, str]]:
    """Each target's cells, and its first non-empty one ("" when all are empty)."""
    many: dict[str, list[str]] = {}
    first: dict[str, str] = {}
    count = len(cells)
    for index, target in mapping.items():
        if index < count:
            cell = cells[index].strip()
            if cell[:1] == "'":  # only such a cell can be a neutralised formula
                cell = unneutralise(cell).strip()
            found = many.get(target)
            if found is None:
                many[target] = [cell]
                first[target] = cell
            else:
                found.append(cell)
                if not first[target]:
                    first[target] = cell
    return many, first


def _name(first: str, middle: str, last: str) -> str:
    if _CJK.search(first + last) and not middle:
        # East Asian names: family name first (山田 太郎), never "太郎 山田".
        return " ".join(p for p in (last, first) if p)
    return " ".join(p for p in (first, middle, last) if p)


def _phone(value: str | None, region: str, home: str) -> str | None:
    """The number as given, or in international form when it belongs to the row's
    country rather than the store's, so it is never read with the wrong region."""
    phone = clean_phone(value)
    if phone is None or region == home or phone.lstrip().startswith(("+", "00")):
        return phone
    try:
        parsed = phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return phone
    # Valid for the row's own region settles it in one region's patterns; only
    # otherwise is every region sharing the country code tried (+44: GB, JE, GG, IM).
    if not (valid_for_region(parsed, region) or valid_number(parsed)):
        return phone
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def row_to_input(cells: list[str], mapping: Mapping[int, str], rules: RowRules
                 ) -> tuple[ContactInput | None, list[FieldError], RowExtras]:
    many, v = _values(cells, mapping)
    errors: list[FieldError] = []
    name = v.get("name") or _name(v.get("first_name", ""), v.get("middle_name", ""),
                                  v.get("last_name", ""))
    location = v.get("location") or ", ".join(
        p for p in (v.get("city"), v.get("region"), v.get("country")) if p)
    region = region_for_country(v.get("country")) or rules.region
    status: str | None = "enquirer"
    if v.get("status"):
        status, _how = map_value(v["status"], _STATUS_KEYS, rules.status_map,
                                 rules.remembered_statuses, AUTO_STATUSES)
        if status is None:
            errors.append(FieldError("status", f"Unknown status {v['status'][:40]!r}: map it to "
                                               "enquirer, customer or former_customer"))
    source: str | None = rules.default_source
    if v.get("source"):
        source, _how = map_value(v["source"], rules.direct_sources(), rules.source_map,
                                 rules.remembered_sources, AUTO_SOURCES)
        if source is None:
            errors.append(FieldError("source", f"Unknown source {v['source'][:40]!r}: map it to "
                                               f"one of {', '.join(rules.sources)}"))
    elif source is None:
        errors.append(FieldError("source", "A source is required (where the data came from)"))
    dates: dict[str, date | None] = {}
    for name_ in (*DATE_FIELDS, "opt_out_date"):
        try:
            dates[name_] = parse_date(v.get(name_, ""), rules.date_order, rules.today)
        except AmbiguousDate:
            errors.append(FieldError(name_, f"{v[name_][:40]!r} could be day/month or "
                                            "month/day: choose the file's date order"))
            dates[name_] = None
        except ValueError:
            errors.append(FieldError(name_, f"Not a date: {v[name_][:40]!r} "
                                            "(use YYYY-MM-DD, or dd/mm/yyyy with a date order)"))
            dates[name_] = None
    opt_out = rules.all_objections or bool(v.get("opt_out_date"))
    for value in many.get("marketing_opt_out", []):
        flag = parse_bool(value)
        if flag is None:
            errors.append(FieldError("marketing_opt_out", f"{value[:40]!r} is not yes or no"))
        opt_out = opt_out or bool(flag)
    for value in many.get("opt_out_status", []):
        flag = parse_opt_out_status(value)
        if flag is None:
            errors.append(FieldError("marketing_opt_out", f"Marketing status {value[:40]!r} "
                                                          "is not understood"))
        opt_out = opt_out or bool(flag)
    phone, mobile = _phone(v.get("phone"), region, rules.region), _phone(v.get("mobile"),
                                                                          region, rules.region)
    notes = v.get("notes") or ""
    if phone is None:
        phone = mobile
    elif mobile and fold(mobile) != fold(phone):
        notes = f"{notes}\nMobile: {mobile}".strip()
    if status == "enquirer" and dates["first_contact"] is None and dates["last_activity"] is None:
        # Retention needs a date; the import is when we came to hold the data.
        dates["first_contact"] = rules.today
    data = ContactInput(
        name=clean_text(name) or "", email=clean_text(v.get("email")),
        phone=clean_text(phone), company=clean_text(v.get("company")),
        location=clean_text(location), status=status or "enquirer",
        source=source or next(iter(rules.sources)), marketing_opt_out=opt_out,
        notes=clean_text(notes), first_contact=dates["first_contact"],
        customer_since=dates["customer_since"], ceased=dates["ceased"],
        last_activity=dates["last_activity"],
    )
    phone_error, norm_phone, forms = check_phone(data.phone, region)
    if phone_error is not None:
        errors.append(phone_error)
    seen = {e.field for e in errors}
    # The phone is checked above, once; validate_contact sees everything else.
    errors += [e for e in validate_contact(data, rules.sources, region, rules.today,
                                           phone_checked=True) if e.field not in seen]
    extras = RowExtras(opt_out_on=(dates["opt_out_date"] or rules.today) if opt_out else None,
                       source_value=v.get("source", ""),
                       status_value=v.get("status", ""), norm_phone=norm_phone,
                       phone_forms=forms)
    return (None if errors else data), errors, extras

