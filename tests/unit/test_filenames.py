from __future__ import annotations

import pytest

from privdesk.domain.filenames import MAX_NAME, safe_filename


@pytest.mark.parametrize(("name", "expected"), [
    ("SAR-2026-0001 pack.pdf", "SAR-2026-0001 pack.pdf"),
    ("../../etc/passwd", "_._etc_passwd"),
    ("a/b\\c.eml", "a_b_c.eml"),
    ("CON", "_CON"),
    ("con.pdf", "_con.pdf"),
    ("LPT1.txt.pdf", "_LPT1.txt.pdf"),
    ("report...", "report"),
    ("name. . .", "name"),
    ("..", "document"),
    ("", "document"),
    ("\u202efdp.exe", "fdp.exe"),
    ('a<b>:"c"|?*.pdf', "a_b_c_.pdf"),
])
def test_safe_filename(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_length_is_capped_and_extension_kept() -> None:
    name = safe_filename("x" * 500 + ".pdf")
    assert len(name) == MAX_NAME and name.endswith(".pdf")
