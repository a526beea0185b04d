"""The retention rules, as the policy file states them, applied to contacts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from privdesk.domain.retention import (
    LEGAL_HOLD,
    RetentionFacts,
    RetentionRuleSpec,
    add_months,
    retention_due,
    rule_name,
)
from privdesk.policy import Policy, parse_policy
from privdesk.services.context import retention_specs


@pytest.fixture
def rules(policy: Policy) -> tuple[RetentionRuleSpec, ...]:
    return retention_specs(policy)


def enquirer(last: date | None, first: date | None = None, **kw: object) -> RetentionFacts:
    return RetentionFacts("enquirer", last, first, None, **kw)  # type: ignore[arg-type]


def former(ceased: date | None, **kw: object) -> RetentionFacts:
    return RetentionFacts("former_customer", None, date(2010, 1, 1), ceased, **kw)  # type: ignore[arg-type]


@pytest.mark.parametrize(("start", "months", "expected"), [
    (date(2026, 1, 31), 1, date(2026, 2, 28)),
    (date(2028, 1, 31), 1, date(2028, 2, 29)),  # leap year
    (date(2024, 2, 29), 12, date(2025, 2, 28)),
    (date(2024, 2, 29), 48, date(2028, 2, 29)),
    (date(2024, 2, 29), 84, date(2031, 2, 28)),
    (date(2025, 8, 31), 84, date(2032, 8, 31)),
    (date(2025, 3, 31), 12, date(2026, 3, 31)),
    (date(2025, 5, 31), 1, date(2025, 6, 30)),
    (date(2025, 12, 15), 12, date(2026, 12, 15)),
    (date(2025, 12, 31), 2, date(2026, 2, 28)),
])
def test_add_months_clamps_to_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


def test_add_months_rejects_negative() -> None:
    with pytest.raises(ValueError, match="negative"):
        add_months(date(2026, 1, 1), -1)


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 1, 1)),
       st.integers(min_value=0, max_value=240))
def test_add_months_lands_on_same_day_or_month_end(start: date, months: int) -> None:
    due = add_months(start, months)
    assert (due.year * 12 + due.month) - (start.year * 12 + start.month) == months
    assert due.day == start.day or (due.day < start.day and (due + timedelta(days=1)).day == 1)


def test_enquirer_is_due_twelve_months_after_last_contact(rules: tuple[RetentionRuleSpec, ...]) -> None:
    result = retention_due(enquirer(date(2025, 11, 24), date(2025, 10, 1)), rules)
    assert result.rule_key == "enquiry" == result.policy_rule_key
    assert result.rule_name == "Enquiry, no contract (12 months)"
    assert result.due == date(2026, 11, 24)
    assert "last contact 24 Nov 2025 + 1 year = 24 Nov 2026" in result.working


def test_enquirer_without_later_activity_runs_from_first_contact(
        rules: tuple[RetentionRuleSpec, ...]) -> None:
    result = retention_due(enquirer(None, date(2024, 2, 29)), rules)
    assert result.due == date(2025, 2, 28)
    assert "first contact 29 Feb 2024" in result.working


def test_enquirer_with_no_dates_has_no_due_date(rules: tuple[RetentionRuleSpec, ...]) -> None:
    result = retention_due(enquirer(None, None), rules)
    assert result.due is None and result.rule_key == "enquiry"
    assert "no last activity date recorded" in result.working


def test_current_customer_is_kept(rules: tuple[RetentionRuleSpec, ...]) -> None:
    result = retention_due(RetentionFacts("customer", date(2020, 1, 1), date(2019, 1, 1), None), rules)
    assert result.due is None
    assert result.rule_name == "Current customer (kept while a customer)"
    assert "kept while the status is customer" in result.working


def test_former_customer_is_due_seven_years_after_ceasing(rules: tuple[RetentionRuleSpec, ...]) -> None:
    result = retention_due(former(date(2020, 2, 29)), rules)
    assert result.due == date(2027, 2, 28)
    assert result.rule_name == "Former customer (7 years)"
    assert "ceased 29 Feb 2020 + 7 years = 28 Feb 2027" in result.working


def test_former_customer_without_ceased_date(rules: tuple[RetentionRuleSpec, ...]) -> None:
    assert retention_due(former(None), rules).due is None


def test_unknown_status_has_no_rule(rules: tuple[RetentionRuleSpec, ...]) -> None:
    result = retention_due(RetentionFacts("prospect", None, None, None), rules)
    assert result.rule_key is None and result.rule_name == "No rule" and result.due is None


def test_open_ended_legal_hold_suspends(rules: tuple[RetentionRuleSpec, ...]) -> None:
    result = retention_due(enquirer(date(2020, 1, 1), legal_hold=True), rules)
    assert result.rule_key == LEGAL_HOLD and result.held
    assert result.policy_rule_key == "enquiry"
    assert result.due is None
    assert "suspended by a legal hold" in result.working


def test_legal_hold_defers_but_never_advances(rules: tuple[RetentionRuleSpec, ...]) -> None:
    deferred = retention_due(
        enquirer(date(2025, 1, 10), legal_hold=True, legal_hold_until=date(2027, 6, 30)), rules)
    assert deferred.due == date(2027, 6, 30) and deferred.held
    assert deferred.rule_name == "Legal hold" and deferred.policy_rule_key == "enquiry"
    earlier = retention_due(
        enquirer(date(2025, 1, 10), legal_hold=True, legal_hold_until=date(2025, 3, 1)), rules)
    assert earlier.due == date(2026, 1, 10) and not earlier.held
    assert "ends first" in earlier.working


def test_legal_hold_on_a_current_customer_keeps_no_date(rules: tuple[RetentionRuleSpec, ...]) -> None:
    facts = RetentionFacts("customer", None, None, None, True, date(2030, 1, 1))
    assert retention_due(facts, rules).due is None


def test_rules_come_from_the_policy_file(policy: Policy) -> None:
    """Change the number in the policy text and the due date follows; no code change."""
    from importlib import resources

    text = resources.files("privdesk.resources").joinpath("policy/default.toml").read_text("utf-8")
    changed = parse_policy(text.replace("months = 12\n", "months = 6\n", 1)
                           .replace("Enquiry, no contract (12 months)", "Enquiry (6 months)"))
    result = retention_due(enquirer(date(2025, 8, 31)), retention_specs(changed))
    assert result.due == date(2026, 2, 28)
    assert result.rule_name == "Enquiry (6 months)"


def test_rule_names(rules: tuple[RetentionRuleSpec, ...]) -> None:
    assert rule_name("former_customer", rules) == "Former customer (7 years)"
    assert rule_name(LEGAL_HOLD, rules) == "Legal hold"
    assert rule_name(None, rules) == "No rule"
    assert rule_name("retired_rule", rules) == "retired_rule"


def test_unknown_basis_is_a_clear_error() -> None:
    rule = RetentionRuleSpec("x", "X", "enquirer", "birthday", 12)
    with pytest.raises(ValueError, match="unknown retention basis 'birthday'"):
        retention_due(enquirer(date(2025, 1, 1)), (rule,))
