from __future__ import annotations

from privdesk.domain.identity import (
    fold,
    normalise_email,
    normalise_phone,
    search_query,
    search_text,
)


def test_fold_removes_case_accents_spacing_and_invisibles() -> None:
    assert fold("  Zoë   ÅSTRÖM ") == "zoe astrom"
    assert fold("Jo\u200bhn\u202e") == "john"


def test_phone_forms_agree() -> None:
    assert normalise_phone("07911 123456") == normalise_phone("+44 7911 123456") == "+447911123456"
    text = search_text("Ann Lee", "Ann@X.com", "+44 7911 123456", "Acme")
    assert "07911123456" in text and "447911123456" in text and "ann@x.com" in text
    assert search_query("+44 7911 123456") == "07911123456"
    assert search_query("0044 7911 123456") == "07911123456"
    assert search_query("07911 123") == "07911123"
    assert search_query("Zoë") == "zoe"


def test_email_normalisation() -> None:
    assert normalise_email("  Ann.Lee@Example.COM ") == "ann.lee@example.com"
    assert normalise_email("   ") is None


def test_fts_phrase_is_one_literal_phrase() -> None:
    from privdesk.domain.identity import fts_phrase

    assert fts_phrase('a"b OR c*') == '"a""b OR c*"'
    assert fts_phrase("nul\x00byte") == '"nulbyte"'
