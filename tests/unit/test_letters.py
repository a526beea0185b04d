"""Letters from the editable templates, read back from real PDFs."""

from __future__ import annotations

from datetime import date

import pytest

from privdesk.reports.letters import LETTER_KINDS, TemplateError, load_template, placeholders
from privdesk.services.container import Services
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
    with pytest.raises(PackError, match="record the extension first"):
        letters.build(REF, "extension", reasons=["Complex"])
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


def _ack(ctx: ServiceContext) -> str:
    return pdf_text(LetterService(ctx).build(REF, "acknowledgement").content)


def test_acknowledgement_is_worded_for_every_state(services: Services) -> None:
    """Awaiting ID, paused, running, answered: the promise fits what is true."""
    ctx = services.ctx
    make_request(ctx)
    assert "reply by 2 December 2026 at the latest" in _ack(ctx)
    services.requests.ask_id(REF, date(2026, 11, 3))
    text = _ack(ctx)
    assert "within one month of the day we receive it" in text and "2 December" not in text
    services.requests.id_received(REF, date(2026, 11, 5))
    assert "reply by 7 December 2026 at the latest" in _ack(ctx)  # Sat 5 Dec -> Mon 7 Dec
    services.requests.pause(REF, date(2026, 11, 10))
    assert "paused until your answer arrives" in _ack(ctx)
    services.requests.resume(REF, date(2026, 11, 12))
    services.requests.respond(REF, date(2026, 11, 20), "email")
    assert "We responded to it on 20 November 2026" in _ack(ctx)


def test_extension_notice_warns_when_built_after_the_original_due_date(
        services: Services) -> None:
    ctx = services.ctx
    make_request(ctx)  # received 2 Nov 2026: original due Wed 2 Dec 2026
    services.requests.extend(REF, date(2026, 11, 20), "Four systems to search")
    on_time = LetterService(ctx).build(REF, "extension")
    assert on_time.warnings == ()
    assert "Four systems to search" in pdf_text(on_time.content)
    late = ServiceContext(ctx.store, ctx.policy, ctx.actor, today=lambda: date(2026, 12, 3))
    built = LetterService(late).build(REF, "extension")
    assert built.warnings and "after the original due date, 2 December 2026" in built.warnings[0]


def test_refusal_letter_prints_words_not_codes(services: Services) -> None:
    ctx = services.ctx
    make_request(ctx)
    detail = services.requests.refuse(REF, date(2026, 11, 20), "manifestly_excessive",
                                      "Fifth copy this month")
    text = pdf_text(LetterService(ctx).build(REF, "refusal",
                                             reasons=[detail.refusal_reason or ""]).content)
    assert "Manifestly excessive: Fifth copy this month" in text
    assert "manifestly_excessive" not in text
    old = LetterService(ctx).build(REF, "refusal", reasons=["manifestly_unfounded: Harassment"])
    assert "Manifestly unfounded: Harassment" in pdf_text(old.content)
