"""Officer names: how they are compared, and which ones are refused.

A name is what the audit trail, the roster of signed roles and the unlock dialog show, so
one name must never pass for another: no control, bidi or invisible characters, and no
letters from two scripts in one name ("Aleх" with a Cyrillic х is refused; "山田 はな",
Han with Hiragana, is one writing system and allowed).
"""

from __future__ import annotations

import unicodedata

from confusable_homoglyphs import confusables

from privdesk.store.errors import StoreError

MAX_NAME = 200
# Scripts that are written together as one system (Japanese, Korean with Hanja).
_TOGETHER = ({"HAN", "HIRAGANA", "KATAKANA"}, {"HAN", "HANGUL"})


def normalise_officer(name: str) -> str:
    """Names are compared without case or surrounding spaces; stored as typed."""
    return " ".join(name.split()).casefold()


def scripts_of(name: str) -> set[str]:
    found = set()
    for char in name:
        alias = confusables.alias(char)
        if alias not in ("COMMON", "INHERITED"):
            found.add(alias)
    return found


def check_officer_name(name: str) -> str:
    clean = " ".join(name.split())
    if not clean:
        raise StoreError("Enter the officer's name.")
    if len(clean) > MAX_NAME:
        raise StoreError(f"An officer's name can be at most {MAX_NAME} characters.")
    # Control and format characters (bidi overrides, zero-width joiners...) would let one
    # name pass for another in the audit trail.
    if any(unicodedata.category(c) in ("Cc", "Cf", "Co", "Cs", "Cn") for c in clean):
        raise StoreError("An officer's name must not contain control, bidi or invisible "
                         "characters.")
    scripts = scripts_of(clean)
    if len(scripts) > 1 and not any(scripts <= group for group in _TOGETHER):
        raise StoreError(
            "An officer's name must be written in one script: this one mixes "
            f"{' and '.join(sorted(s.title() for s in scripts))} letters, so it could pass "
            "for another officer's name (a Cyrillic 'х' looks like a Latin 'x').")
    return clean
