"""Normalising names, emails and phone numbers, so that the same person is found and
matched however their details were typed (case, accents, spacing, +44 or 0)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache

import phonenumbers

_SPACES = re.compile(r"\s+")
_PHONE_CHARS = re.compile(r"^[\d\s+().\-/]+$")
# Zero-width and bidi control characters: invisible, and used to disguise text.
_INVISIBLE = dict.fromkeys(
    [0x200B, 0x200C, 0x200D, 0x2060, 0xFEFF, 0x200E, 0x200F,
     *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)


def fold(text: str | None) -> str:
    """Lower-case, accent-free, single-spaced text for matching (not for display)."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text.translate(_INVISIBLE))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _SPACES.sub(" ", stripped.casefold()).strip()


def normalise_email(email: str | None) -> str | None:
    if not email or not email.strip():
        return None
    return email.strip().lower()


def parse_phone(phone: str | None, region: str = "GB") -> phonenumbers.PhoneNumber | None:
    if not phone or not phone.strip():
        return None
    try:
        return phonenumbers.parse(phone, region)
    except phonenumbers.NumberParseException:
        return None


@lru_cache(maxsize=8192)
def normalise_phone(phone: str | None, region: str = "GB") -> str | None:
    """E.164 (+447700900123) when the number parses, else its bare digits. Cached: an
    import normalises each row's number three times (checks, duplicates, stored form),
    and parsing is ~0.1 ms."""
    if not phone or not phone.strip():
        return None
    parsed = parse_phone(phone, region)
    if parsed is not None:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.E164)
    digits = re.sub(r"\D", "", phone)
    return digits or None


def phone_search_forms(phone: str | None, region: str = "GB") -> list[str]:
    """Digit strings a person might type for this number: national (07700900123) and
    international (447700900123)."""
    parsed = parse_phone(phone, region)
    if parsed is None:
        digits = re.sub(r"\D", "", phone or "")
        return [digits] if digits else []
    national = re.sub(
        r"\D", "", phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    )
    international = f"{parsed.country_code}{parsed.national_number}"
    return list(dict.fromkeys([national, international]))


def search_text(
    name: str | None, email: str | None, phone: str | None, company: str | None,
    region: str = "GB",
) -> str:
    """The folded text the FTS5 trigram index holds for one contact."""
    return join_search_parts(fold(name), normalise_email(email),
                             phone_search_forms(phone, region), fold(company))


def join_search_parts(folded_name: str, email: str | None, phone_forms: list[str],
                      folded_company: str) -> str:
    """search_text from parts already normalised (bulk loaders that know them)."""
    parts = [folded_name, email or "", *phone_forms, folded_company]
    return " | ".join(p for p in parts if p)


def search_query(text: str, region: str = "GB") -> str:
    """Fold what the officer typed the way search_text folds the register. Something that
    looks like a phone number becomes its national digits, so +44 7700 and 07700 agree."""
    raw = text.strip()
    if _PHONE_CHARS.match(raw) and sum(ch.isdigit() for ch in raw) >= 3:
        digits = re.sub(r"\D", "", raw)
        if raw.startswith("+") or raw.startswith("00"):
            digits = digits[2:] if raw.startswith("00") else digits
            parsed = parse_phone("+" + digits, region)
            if parsed is not None and parsed.country_code == phonenumbers.country_code_for_region(
                region
            ):
                return "0" + str(parsed.national_number) if parsed.national_number else digits
            if digits.startswith("44"):
                return "0" + digits[2:]
        return digits
    return fold(raw)


def name_similarity(a: str | None, b: str | None) -> float:
    """How alike two names are once folded (0..1), for spotting likely duplicates:
    "Jon Smith" and "John Smith" score about 0.95."""
    fa, fb = fold(a), fold(b)
    if not fa or not fb:
        return 0.0
    return difflib.SequenceMatcher(None, fa, fb).ratio()


def fts_phrase(query: str) -> str:
    """A safe FTS5 MATCH expression for a folded query: one quoted phrase, so what the
    officer typed (quotes, OR, NEAR, *, ^, col:) is searched for literally and never
    parsed as FTS syntax. NUL is dropped: FTS5's parser stops at it ("unterminated
    string") even inside quotes. Bind it as a parameter: `... MATCH :q`."""
    return '"' + query.replace("\x00", "").replace('"', '""') + '"'
