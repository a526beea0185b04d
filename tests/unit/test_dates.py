"""The one en-GB date formatter, checked under a Polish desktop locale."""

from __future__ import annotations

import locale
import shutil
import subprocess
from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

import pytest

from privdesk.domain.dates import date_time, day_date, long_date, short_date
from privdesk.domain.deadlines import fmt
from privdesk.services.context import ServiceContext
from privdesk.services.letters import LetterService
from tests.unit.pack_fixtures import REF, make_request
from tests.unit.test_packs_service import pdf_text


def test_every_form_is_en_gb() -> None:
    d = date(2026, 11, 29)
    assert long_date(d) == "29 November 2026"
    assert short_date(d) == "29 Nov 2026"
    assert day_date(d) == "Sun 29 Nov 2026" == fmt(d)
    assert date_time(datetime(2026, 3, 2, 9, 5, 7), seconds=True, weekday=True) == "Mon 2 Mar 2026 09:05:07"
    assert long_date(None) == short_date(None) == day_date(None) == ""


@pytest.fixture
def polish_locale(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A Polish desktop: the locale is compiled into tmp_path (no system change needed)."""
    if shutil.which("localedef") is None:
        pytest.skip("localedef is not installed")
    folder = tmp_path / "locales"
    folder.mkdir()
    subprocess.run(["localedef", "-i", "pl_PL", "-f", "UTF-8", str(folder / "pl_PL.UTF-8")],
                   check=False, capture_output=True)
    monkeypatch.setenv("LOCPATH", str(folder))
    old = locale.setlocale(locale.LC_TIME)
    try:
        locale.setlocale(locale.LC_TIME, "pl_PL.UTF-8")
    except locale.Error:
        pytest.skip("the Polish locale could not be built here")
    assert date(2026, 11, 29).strftime("%B") != "November"  # the trap is really set
    yield
    locale.setlocale(locale.LC_TIME, old)


@pytest.mark.usefixtures("polish_locale")
def test_formatter_ignores_a_polish_desktop() -> None:
    assert long_date(date(2026, 11, 29)) == "29 November 2026"
    assert day_date(date(2026, 11, 29)) == "Sun 29 Nov 2026"


@pytest.mark.usefixtures("polish_locale")
def test_letter_built_on_a_polish_desktop_is_en_gb(ctx: ServiceContext) -> None:
    make_request(ctx)
    built = LetterService(ctx).build(REF, "acknowledgement", due_on=date(2026, 12, 2))
    text = pdf_text(built.content)
    assert "2 December 2026" in text and "grudnia" not in text and "listopada" not in text


def test_no_platform_strftime_in_the_code() -> None:
    """%-d is glibc-only (raises on Windows) and %B/%b/%a follow the desktop's locale."""
    root = Path(__file__).resolve().parents[2] / "privdesk"
    offenders = []
    for path in root.rglob("*.py"):
        text = path.read_text("utf-8")
        for flag in ("%-d", "%B", "%b", "%a", "%A", ":%b", ":%a"):
            if flag in text and path.name != "dates.py":
                offenders.append(f"{path.relative_to(root)}: {flag}")
    assert not offenders, offenders


@pytest.mark.usefixtures("polish_locale")
def test_import_reads_english_month_names_on_a_polish_desktop() -> None:
    from privdesk.domain.contact_values import parse_date

    assert parse_date("10 Nov 2024") == date(2024, 11, 10)
    assert parse_date("Mar 10, 2024 3:05 PM") == date(2024, 3, 10)
