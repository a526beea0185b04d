"""Normalising names, emails and phone numbers, so that the same person is found and
matched however their details were typed (case, accents, spacing, +44 or 0)."""

from __future__ import annotations

import difflib
import re
import unicodedata
from functools import lru_cache
from typing import NamedTuple

import phonenumbers
from anyascii import anyascii

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
    if text.isascii():  # nothing to decompose or hide: most names, at import speed
        # split() and \s agree on ASCII whitespace (\x1c-\x1f included); faster than sub.
        return " ".join(text.lower().split())
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
    return phone_forms_of(parsed)


def phone_forms_of(parsed: phonenumbers.PhoneNumber) -> list[str]:
    """phone_search_forms of a number already parsed (an import parses each once)."""
    nsn = phonenumbers.national_significant_number(parsed)
    prefix = _national_prefix(parsed.country_code or 0)
    if prefix is None:
        national = re.sub(r"\D", "", phonenumbers.format_number(
            parsed, phonenumbers.PhoneNumberFormat.NATIONAL))
    else:
        national = prefix + nsn
    international = f"{parsed.country_code}{parsed.national_number}"
    return list(dict.fromkeys([national, international]))


# Countries whose national format is always trunk prefix + significant number (their
# NATIONAL formatting is the slowest part of building search text). Others are
# formatted by phonenumbers.
_SIMPLE_TRUNK = {44: "0", 353: "0", 49: "0", 33: "0", 31: "0", 32: "0", 41: "0", 43: "0",
                 46: "0", 48: "", 420: "", 421: "0", 45: "", 47: "", 358: "0", 354: "",
                 34: "", 351: "", 30: "", 36: "06", 90: "0", 81: "0", 61: "0",
                 64: "0", 27: "0", 971: "0", 65: ""}


def _national_prefix(country_code: int) -> str | None:
    return _SIMPLE_TRUNK.get(country_code)


class _LatinTable(dict[int, str]):
    """str.translate table folding Latin letters that do not decompose (ł ø þ ð æ œ đ ı)
    and typographic apostrophes/hyphens to ASCII with anyascii, built as characters
    are met. Every other script is left alone: anyascii would romanise 山田 as
    "shantian", which nobody types."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        name = unicodedata.name(ch, "")
        if code < 128 or not (name.startswith("LATIN") or code in _PUNCT):
            value = ch
        else:
            value = anyascii(ch).lower() or ch
        self[code] = value
        return value


_PUNCT = {0x2018, 0x2019, 0x201B, 0x02BC, 0x02B9, 0x2032, 0x00B4, 0x0060, 0x2010, 0x2011,
          0x2012, 0x2013, 0x2014, 0x2212}
_LATIN = _LatinTable()
_GERMAN = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"})
_CJK_RUN = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]+")
CJK_PAD = "~"  # pads a 1-2 character CJK query to a trigram ("太郎~")


def search_fold(text: str | None) -> str:
    """How search compares text: fold(), Latin letters to ASCII, apostrophes dropped
    (O'Connor, O’Connor -> oconnor), hyphens as spaces (Smith-Jones -> smith jones)."""
    latin = fold(text).translate(_LATIN)
    return " ".join(latin.replace("'", "").replace("-", " ").split())


def is_cjk(word: str) -> bool:
    return bool(_CJK_RUN.fullmatch(word))


def cjk_token(word: str) -> str:
    """A 1-2 character CJK word as the padded trigram the index holds for it."""
    return word + CJK_PAD * (3 - len(word))


def _search_forms(folded: str, raw: str | None = None) -> str:
    """Every form of a folded name or company that a search should find: as typed,
    joined (oconnor, smithjones), spaced (o connor), German ue/oe/ae spellings, and
    each CJK character and pair padded to a trigram (so 太郎 finds 山田 太郎)."""
    if not folded:
        return ""
    if folded.isascii() and "'" not in folded and "-" not in folded and (
            raw is None or raw.isascii()):
        # Every form below is the folded text itself (most names): ~3x faster at import.
        return " ".join(folded.lower().split())
    latin = folded.translate(_LATIN)
    forms = [search_fold(folded), " ".join(latin.replace("'", "").replace("-", "").split()),
             " ".join(latin.replace("'", " ").replace("-", " ").split())]
    if raw and raw.translate(_GERMAN) != raw:
        forms.append(search_fold(raw.translate(_GERMAN)))
    for run in _CJK_RUN.findall(latin):
        forms += [cjk_token(ch) for ch in run]
        forms += [cjk_token(run[i:i + 2]) for i in range(len(run) - 1)]
    return " ".join(dict.fromkeys(f for f in forms if f))


# A register has far fewer companies than people: an import folds each one once.
_company_forms = lru_cache(maxsize=4096)(_search_forms)


def search_text(
    name: str | None, email: str | None, phone: str | None, company: str | None,
    region: str = "GB",
) -> str:
    """The folded text the FTS5 trigram index holds for one contact."""
    return join_search_parts(fold(name), normalise_email(email),
                             phone_search_forms(phone, region), fold(company),
                             raw_name=name, raw_company=company)


def join_search_parts(folded_name: str, email: str | None, phone_forms: list[str],
                      folded_company: str, raw_name: str | None = None,
                      raw_company: str | None = None) -> str:
    """search_text from parts already normalised (bulk loaders that know them)."""
    parts = [_search_forms(folded_name, raw_name), email or "", *phone_forms,
             _company_forms(folded_company, raw_company)]
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
    return search_fold(raw)


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



class WordForms(NamedTuple):
    """One word of a name (or a several-word surname) as _search_forms sees it: its
    three whole-text forms (search-folded, joined, spaced), its German ue/oe/ae spelling
    search-folded, whether it has ä/ö/ü, and its CJK trigram tokens. Built once per word
    by bulk generators, then joined per person with join_word_forms."""

    forms: tuple[str, str, str]
    german: str
    umlaut: bool
    cjk: tuple[str, ...]

    @classmethod
    def of(cls, raw: str) -> WordForms:
        folded = fold(raw)
        latin = folded.translate(_LATIN)
        forms = (search_fold(folded), " ".join(latin.replace("'", "").replace("-", "").split()),
                 " ".join(latin.replace("'", " ").replace("-", " ").split()))
        if not all(forms):
            raise ValueError(f"{raw!r} has no searchable text")
        cjk: list[str] = []
        for run in _CJK_RUN.findall(latin):
            cjk += [cjk_token(ch) for ch in run]
            cjk += [cjk_token(run[i:i + 2]) for i in range(len(run) - 1)]
        german = raw.translate(_GERMAN)
        return cls(forms, search_fold(german), german != raw, tuple(cjk))


def join_word_forms(first: WordForms, second: WordForms) -> str:
    """_search_forms of the folded text "first second", from the two words' forms: each
    whole-text form is the words' forms joined by a space (both have text, so folding
    and splitting work word by word), and the CJK tokens come run by run."""
    forms = [f"{a} {b}" for a, b in zip(first.forms, second.forms, strict=True)]
    if first.umlaut or second.umlaut:
        forms.append(f"{first.german} {second.german}")
    return " ".join(dict.fromkeys([*forms, *first.cjk, *second.cjk]))
