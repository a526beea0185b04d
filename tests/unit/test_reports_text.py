"""Fonts and escaping: hostile values render literally in a real PDF, in the right face."""

from __future__ import annotations

import io
from datetime import date

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from reportlab.platypus import Paragraph

from privdesk.reports.fonts import FALLBACK, KOREAN, register_fonts
from privdesk.reports.layout import DocMeta, make_styles, render
from privdesk.reports.text import clean, markup

HOSTILE = [
    "Anna <b>bold</b> & Co",
    "a</para>b",
    "<img src=/etc/passwd>",
    "<font name=Courier>x</font>",
    "Zoë Łukasiewicz-Żółć",
    "Дмитрий Шостакович",
    "Ελένη Παπαδοπούλου",
    "王小明 さくら 김민준",
    "\u202eevil\u202c name",
]


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_markup_escapes_and_never_passes_tags_through() -> None:
    assert markup("a</para>b") == "a&lt;/para&gt;b"
    assert markup("<img src=/etc/passwd>") == "&lt;img src=/etc/passwd&gt;"
    assert markup("x\ny") == "x<br/>y"


def test_cjk_runs_switch_to_the_fallback_face_and_latin_does_not() -> None:
    assert markup("Ann 王小明 Lee") == f'Ann <font name="{FALLBACK}">王小明 </font>Lee'
    assert "font" not in markup("Łukasz Дмитрий Ελένη")


def test_bidi_controls_are_dropped_so_nothing_reorders() -> None:
    assert clean("\u202eevil\u202c name\x00\x07") == "evil name"


def test_every_hostile_value_renders_literally_in_a_pdf() -> None:
    styles = make_styles()
    story = [Paragraph(markup(v), styles.body) for v in HOSTILE]
    pdf = render(story, DocMeta("SAR-1", "Test", "Controller")).content
    text = _text(pdf)
    for value in HOSTILE:
        assert clean(value) in text, value


def test_ten_thousand_characters_do_not_break_the_build() -> None:
    styles = make_styles()
    long_word = "x" * 10_000
    long_words = "word " * 2_000
    result = render([Paragraph(markup(long_word), styles.body),
                     Paragraph(markup(long_words), styles.body)],
                    DocMeta("SAR-1", "Test", "Controller"))
    assert result.pages >= 2
    assert _text(result.content).replace("\n", "").count("x") >= 10_000


@pytest.mark.parametrize("face", ["+DejaVuSans", "+DejaVuSans-Bold", "+DroidSansFallback", "+NanumSquareR"])
def test_fonts_are_registered_and_embedded(face: str) -> None:
    register_fonts()
    styles = make_styles()
    pdf = render([Paragraph(f"<b>{markup('Ł 王 김')}</b>", styles.body),
                  Paragraph(markup(f"Ł 王 김 {date(2026, 1, 1)}"), styles.body)],
                 DocMeta("R", "T", "C")).content
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {str(f["/BaseFont"]) for f in reader.pages[0]["/Resources"]["/Font"].values()
             if "/BaseFont" in f.get_object()}
    assert any(face in f for f in fonts), fonts


def test_korean_uses_its_own_face() -> None:
    assert markup("김민준") == f'<font name="{KOREAN}">김민준</font>'


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(min_size=1, max_size=200))
def test_any_text_lays_out_and_reads_back(value: str) -> None:
    """Whatever a person's name is, the build never fails and every visible letter of it
    is in the PDF."""
    styles = make_styles()
    pdf = render([Paragraph(markup(value), styles.body)], DocMeta("R", "T", "C")).content
    text = "".join(_text(pdf).split())
    for ch in clean(value):
        if not ch.isspace() and ch.isalnum() and ch.isascii():
            assert ch in text


@settings(deadline=None)  # the first call loads the fonts
@given(st.text(alphabet=st.characters(max_codepoint=0x7F), max_size=60))
def test_the_ascii_fast_path_escapes_exactly_like_the_general_one(value: str) -> None:
    """Plain ASCII skips the per-character face lookup; what comes out must be what the
    general path gives: escaped, controls dropped, tabs as spaces, breaks as <br/>."""
    from xml.sax.saxutils import escape

    expected = escape(clean(value)).replace("\n", "<br/>")
    assert markup(value) == expected
    assert "<" not in markup(value).replace("<br/>", "")
