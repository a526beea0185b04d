"""Fuzzing with hypothesis: the CSV importer (random bytes, encodings, headers and cells)
and the deadline engine over the whole calendar, including facts an officer should
never be able to enter.

The importer's documented behaviour: preview() raises only CsvError; validate() and
run() raise nothing for any bytes, report errors as (line, field, reason), and leave the
store exactly as it was unless they say they committed. The deadline engine raises only
DeadlineError. tests/unit/test_deadlines_properties.py already proves the clock's
properties on valid facts in 2025-2029; this adds any date, invalid facts, the
extension check and the countdown.
"""

from __future__ import annotations

import codecs
from datetime import date, timedelta

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from privdesk.domain.contact_csv import COLUMNS, CsvError, parse_table
from privdesk.domain.deadlines import (
    ClockFacts,
    ClockState,
    DeadlineError,
    Pause,
    WorkingDays,
    compute_due,
    countdown_text,
    days_left,
    original_due,
    urgency,
)
from privdesk.domain.request_rules import extension_dates_refusal
from privdesk.services.contacts_import import ContactImportService
from privdesk.services.context import ServiceContext
from tests.reliability.conftest import Figures
from tests.reliability.corpus import NAMES

HEADERS = st.one_of(st.sampled_from([*COLUMNS, "First Name", "Last Name", "E-mail", "Tel",
                                     "Organisation", "", "name", "NAME "]), st.text(max_size=12))
CELLS = st.one_of(st.text(max_size=40), st.sampled_from(list(NAMES.values())),
                  st.sampled_from(["ann@example.org", "+44 7911 123456", "customer",
                                   "former customer", "email", "2026-02-01", "yes", "=1+1",
                                   '"', '""', "\r\n", ",", ";", "\x00"]))
ENCODINGS = st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be",
                             "cp1252", "latin-1"])


@st.composite
def csv_files(draw: st.DrawFn) -> bytes:
    """Mostly CSV-shaped text in some encoding, sometimes damaged; sometimes pure noise."""
    kind = draw(st.integers(0, 4))
    if kind == 0:
        return draw(st.binary(max_size=3000))
    headers = draw(st.lists(HEADERS, min_size=0, max_size=8))
    width = max(1, len(headers))
    rows = draw(st.lists(st.lists(CELLS, min_size=0, max_size=width + 2), max_size=12))
    if kind in (1, 2):  # importable: any name and a known source (kind 1: then anything)
        extra = headers if kind == 1 else []
        headers = ["name", "source", *extra]
        rows = [[draw(st.one_of(st.text(min_size=1, max_size=40),
                                st.sampled_from(list(NAMES.values())))), "email",
                 *(r if extra else [])] for r in rows]
    sep = draw(st.sampled_from([",", ";", "\t"]))
    newline = draw(st.sampled_from(["\n", "\r\n", "\r"]))

    def line(cells: list[str]) -> str:
        quote = draw(st.booleans())
        return sep.join('"' + c.replace('"', '""') + '"' if quote else c for c in cells)

    content = newline.join(line(r) for r in [headers, *rows])
    encoding = draw(ENCODINGS)
    data = content.encode(encoding, errors="replace")
    if draw(st.booleans()):  # damage: cut, splice or prepend a BOM
        cut = draw(st.integers(0, len(data)))
        data = draw(st.sampled_from([data[:cut], data[:cut] + draw(st.binary(max_size=8))
                                     + data[cut:], codecs.BOM_UTF8 + data,
                                     codecs.BOM_UTF16_LE + data]))
    return data


def _count(ctx: ServiceContext) -> tuple[int, int, int]:
    with ctx.store.read_session() as s:
        return tuple(s.execute(text(  # type: ignore[return-value]
            "SELECT (SELECT count(*) FROM contacts), (SELECT count(*) FROM contact_history), "
            "(SELECT count(*) FROM audit_events)")).one())


def test_fuzz_the_csv_importer(ctx: ServiceContext, figures: Figures) -> None:
    importer = ContactImportService(ctx)

    @settings(max_examples=figures.size(150, 3_000), deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(data=csv_files(), skip_invalid=st.booleans())
    def check(data: bytes, skip_invalid: bool) -> None:
        figures.trials += 1
        try:
            importer.preview(data)
        except CsvError as exc:
            assert exc.line >= 1 and exc.reason
            figures.add("unreadable")
        before = _count(ctx)
        result = importer.run(data, skip_invalid=skip_invalid)
        after = _count(ctx)
        for e in result.errors:
            if e.line < 1 or not e.field or not e.reason:
                figures.fail(f"unclear error {e!r} for {data[:80]!r}")
        if result.committed:
            figures.add("imported")
            if after[0] - before[0] != result.imported:
                figures.fail(f"said {result.imported} imported, store grew {after[0] - before[0]}")
        else:
            figures.add("rejected")
            if after != before:
                figures.fail(f"rejected but the store changed: {before} -> {after}")

    check()
    figures.check()


def test_parse_table_raises_only_csv_error(figures: Figures) -> None:
    @settings(max_examples=figures.size(500, 10_000), deadline=None, database=None)
    @given(st.one_of(st.binary(max_size=500), csv_files()))
    def check(data: bytes) -> None:
        figures.trials += 1
        try:
            table = parse_table(data)
        except CsvError:
            figures.add("csv_errors")
            return
        assert all(line >= 1 for line, _ in table.rows)

    check()
    figures.check()


# -- the deadline engine ----------------------------------------------------------------
CALENDARS = {n: WorkingDays(n) for n in ("ENG", "SCT", "NIR")}
ANY_DAY = st.dates()  # 0001-01-01 .. 9999-12-31
NEAR_DAY = st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31))
EDGE_DAY = st.one_of(st.dates(max_value=date(1, 3, 31)), st.dates(min_value=date(9999, 8, 1)))
DAY = st.one_of(NEAR_DAY, NEAR_DAY, ANY_DAY, EDGE_DAY)


@st.composite
def any_facts(draw: st.DrawFn) -> ClockFacts:
    """Facts with no ordering guaranteed: pauses may overlap, run backwards, stay open."""
    received = draw(DAY)
    id_requested = draw(st.booleans())
    pauses = tuple(Pause(draw(DAY), draw(st.one_of(st.none(), DAY)))
                   for _ in range(draw(st.integers(0, 3))))
    return ClockFacts(received, id_requested, draw(st.one_of(st.none(), DAY)) if id_requested
                      else None, draw(st.one_of(st.none(), DAY)), pauses)


@st.composite
def near(draw: st.DrawFn, base: date) -> date:
    """A date within a few months of `base`, clamped into the calendar."""
    offset = draw(st.integers(-40, 140))
    try:
        return base + timedelta(days=offset)
    except OverflowError:
        return base


def test_fuzz_the_deadline_engine(figures: Figures) -> None:
    @settings(max_examples=figures.size(1_000, 20_000), deadline=None, database=None)
    @given(facts=any_facts(), nation=st.sampled_from(sorted(CALENDARS)), data=st.data())
    def check(facts: ClockFacts, nation: str, data: st.DataObject) -> None:
        figures.trials += 1
        cal = CALENDARS[nation]
        try:
            result = compute_due(facts, cal)
        except DeadlineError:
            figures.add("refused")
            return
        if result.state is ClockState.RUNNING:
            assert result.due is not None and result.unrolled is not None
            if not cal.is_working_day(result.due):
                figures.fail(f"{facts}: due {result.due} is not a working day")
            if result.due < result.unrolled:
                figures.fail(f"{facts}: rolled backwards")
            assert result.working and result.working[-1].startswith("Due ")
        else:
            assert result.due is None
        on = data.draw(near(facts.received), label="extension decided on")
        try:
            # The rule the service asks (domain.request_rules): not twice, not before the
            # request arrived, decided by the original due date.
            refusal = ("refused" if facts.extended_on is not None or on < facts.received else
                       extension_dates_refusal(on, None, original_due(facts, cal, on)))
        except DeadlineError:
            refusal = "refused"
        if refusal is not None:
            figures.add("extension_refused")
            return
        first = original_due(facts, cal, on)
        if first is not None and on > first:
            figures.fail(f"{facts}: extension on {on} allowed after the original due {first}")
        extended = ClockFacts(facts.received, facts.id_requested, facts.id_received, on,
                              facts.pauses)
        try:
            longer = compute_due(extended, cal)
        except DeadlineError:
            figures.add("extended_refused")
            return
        if result.due is not None and longer.due is not None and longer.due < result.due:
            figures.fail(f"{facts}: the extension on {on} brought the due date earlier")
        figures.add("extended")

    check()
    figures.check()


def test_fuzz_the_countdown(figures: Figures) -> None:
    @settings(max_examples=figures.size(500, 10_000), deadline=None, database=None,
              suppress_health_check=[HealthCheck.filter_too_much])
    @given(due=DAY, offset=st.integers(-4000, 4000), nation=st.sampled_from(sorted(CALENDARS)))
    def check(due: date, offset: int, nation: str) -> None:
        try:  # counting is day by day: keep the gap bounded
            today = due + timedelta(days=offset)
        except OverflowError:
            assume(False)
        figures.trials += 1
        left = days_left(due, today, CALENDARS[nation])
        assert isinstance(countdown_text(left), str) and countdown_text(left)
        urgency(left)
        if (left.calendar_days < 0) != (due < today):
            figures.fail(f"{due} vs {today}: overdue sign wrong")

    check()
    figures.check()
