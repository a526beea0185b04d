"""Fuzzing the retention domain (the deadline engine's neighbour, in place today): any
dates a hostile import could carry, any month count a policy could hold, never a crash,
and the answer is consistent with the rule."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from privdesk.domain.retention import (
    LEGAL_HOLD,
    RetentionFacts,
    RetentionRuleSpec,
    add_months,
    retention_due,
)
from tests.reliability.conftest import Figures

STATUSES = ["enquirer", "customer", "former_customer", "", "<b>x</b>", "\u202eremotsuc"]
RULES = st.lists(
    st.builds(RetentionRuleSpec, key=st.text(max_size=10), name=st.text(max_size=20),
              applies_to=st.sampled_from(STATUSES), basis=st.sampled_from(
                  ["last_activity", "ceased", "none"]),
              months=st.one_of(st.integers(0, 1200), st.integers(0, 10**9))),
    max_size=4,
).map(tuple)
FACTS = st.builds(RetentionFacts, status=st.sampled_from(STATUSES),
                  last_activity=st.none() | st.dates(), first_contact=st.none() | st.dates(),
                  ceased=st.none() | st.dates(), legal_hold=st.booleans(),
                  legal_hold_until=st.none() | st.dates())


def test_retention_due_never_raises(figures: Figures) -> None:
    @settings(max_examples=figures.size(500, 5_000), deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(facts=FACTS, rules=RULES)
    def check(facts: RetentionFacts, rules: tuple[RetentionRuleSpec, ...]) -> None:
        figures.trials += 1
        result = retention_due(facts, rules)
        rule = next((r for r in rules if r.applies_to == facts.status), None)
        if result.due is None or rule is None or rule.basis == "none":
            return
        basis = facts.ceased if rule.basis == "ceased" else (facts.last_activity
                                                             or facts.first_contact)
        assert basis is not None and result.due >= basis
        if result.rule_key == LEGAL_HOLD:
            assert result.due == facts.legal_hold_until

    check()


def test_add_months_at_the_ends_of_the_calendar() -> None:
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(9999, 12, 31), 84) == date.max  # never due, never a crash
    assert add_months(date(2026, 1, 1), 10**9) == date.max
