"""Letters from the editable templates, read back from real PDFs."""

from __future__ import annotations

from datetime import date

import pytest

from privdesk.reports.letters import LETTER_KINDS, TemplateError, load_template, placeholders
from privdesk.services.context import ServiceContext
from privdesk.services.letters import LetterService
from privdesk.services.pack_records import PackError
from privdesk.services.packs import PackService
from tests.unit.pack_fixtures import NAME, REF, make_request
from tests.unit.test_packs_service import pdf_text, poppler_text

ARGS: dict[str, dict[str, object]] = {
    "acknowledgement": {"due_on": date(2026, 12, 2)},
    "id_request": {},
    "clarification": {"questions": ["Which of your two email addresses did you use?"]},
    "extension": {"reasons": ["Your request covers records in four systems"],
                  "new_due_on": date(2027, 2, 2)},
    "refusal": {"reasons": ["The request repeats one answered on 1 October 2026"]},
    "erasure_confirmation": {"recipients": ["Optex Japan", "Optex Poland"]},
}
EXPECT = {
    "acknowledgement": ["2 December 2026", "received on 2 November 2026"],
    "id_request": ["passport", "confirm your identity"],
    "clarification": ["Which of your two email addresses did you use?", "paused"],
    "extension": ["Your request covers records in four systems", "2 February 2027",
                  "Information Commissioner's Office"],
    "refusal": ["The request repeats one answered", "Information Commissioner's Office",
                "0303 123 1113", "Wycliffe House", "courts"],
    "erasure_confirmation": ["Optex Japan", "Optex Poland", "erased"],
}


@pytest.mark.parametrize("kind", list(LETTER_KINDS))
def test_each_letter_reads_back(ctx: ServiceContext, kind: str) -> None:
    make_request(ctx)
    built = LetterService(ctx).build(REF, kind, **ARGS[kind])  # type: ignore[arg-type]
    for text in (pdf_text(built.content), poppler_text(built.content)):
        assert f"Dear {NAME}," in text
        assert LETTER_KINDS[kind] in text and "CONFIDENTIAL" in text and "Page 1 of" in text
        assert "Ref. SAR-2026-0101" in text and "12 Station Road" in text
        for phrase in EXPECT[kind]:
            assert phrase in text, phrase
    docs = PackService(ctx).documents(REF)
    assert [d.kind for d in docs] == [f"letter_{kind}"]


def test_hostile_reasons_render_literally(ctx: ServiceContext) -> None:
    make_request(ctx, name="a</para><img src=/etc/passwd>")
    built = LetterService(ctx).build(REF, "refusal", reasons=["<b>x</b> & {name}"])
    text = pdf_text(built.content)
    assert "<b>x</b> & {name}" in text and "Dear a</para><img src=/etc/passwd>," in text


def test_erasure_confirmation_with_nobody_told(ctx: ServiceContext) -> None:
    make_request(ctx, rtype="erasure")
    text = pdf_text(LetterService(ctx).build(REF, "erasure_confirmation", recipients=[]).content)
    assert "had not shared your data" in text


def test_missing_values_are_plain_errors(ctx: ServiceContext) -> None:
    make_request(ctx)
    letters = LetterService(ctx)
    with pytest.raises(PackError, match="due date"):
        letters.build(REF, "acknowledgement")
    with pytest.raises(PackError, match="at least one reason"):
        letters.build(REF, "refusal", reasons=["  "])
    with pytest.raises(PackError, match="Unknown letter"):
        letters.build(REF, "threat")


def test_templates_use_only_plain_placeholders() -> None:
    for kind in LETTER_KINDS:
        assert "name" in placeholders(load_template(kind))
    with pytest.raises(TemplateError, match="not allowed"):
        placeholders("{name.__class__}")
    with pytest.raises(TemplateError, match="not allowed"):
        placeholders("{name!r}")
