"""Audit events an officer reads in words, not in the trail's codes (QA walk, session 3:
'Request: respond', 'Breach: decide ico' and a purge's raw JSON were shown)."""

from __future__ import annotations

import json

import pytest

from privdesk.domain.audit_words import action_words, detail_words


@pytest.mark.parametrize("code", [
    "request.respond", "request.ask_id", "request.id_received", "request.link_contact",
    "breach.create", "breach.decide_ico", "breach.decide_people", "breach.ico_draft",
    "breach.letters", "breach.close", "demo.generate", "ropa.export", "report.export"])
def test_actions_read_as_words(code: str) -> None:
    words = action_words(code)
    assert "_" not in words and "." not in words and ":" not in words, words


def test_a_purge_detail_reads_as_a_sentence() -> None:
    stored = json.dumps({"due_by": "2026-11-29", "contacts": 119, "interactions": 224,
                         "disclosures": 1, "history": 0, "documents": 0})
    assert detail_words("retention.purge", stored) == (
        "119 contacts due by 29 Nov 2026 deleted, with 224 interactions, 1 disclosure, "
        "0 history entries, 0 stored documents")


@pytest.mark.parametrize("stored", ["", "not json", "{}", '{"due_by": "soon", "contacts": 1}'])
def test_an_unexpected_purge_detail_is_shown_as_recorded(stored: str) -> None:
    assert detail_words("retention.purge", stored) == stored


def test_settings_and_secrets_are_named_as_the_dialog_names_them() -> None:
    """QA walk: 'Setting #smtp.from' and 'Secret #suppression_hmac' in the Audit area."""
    from privdesk.domain.audit_words import target_words
    from privdesk.services.settings import DEFAULTS
    assert target_words("setting", "smtp.from") == "Setting: Email from address"
    assert target_words("secret", "suppression_hmac") == "Secret: Suppression list key"
    for key in DEFAULTS:
        assert "#" not in target_words("setting", key) and "_" not in target_words("setting", key)
    assert target_words("setting", "some.new_key") == "Setting #some.new_key"  # as recorded
