"""When a contact's data falls due for deletion under the policy, and why.

The rules come from the policy file (`RetentionRuleSpec`s), never from code: the domain
only knows how to apply "N months from <basis date>" and the legal-hold override.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from dateutil.relativedelta import relativedelta

LEGAL_HOLD = "legal_hold"


@dataclass(frozen=True)
class RetentionRuleSpec:
    key: str
    name: str
    applies_to: str  # contact status
    basis: str  # last_activity / ceased / none
    months: int


@dataclass(frozen=True)
class RetentionFacts:
    status: str
    last_activity: date | None
    first_contact: date | None
    ceased: date | None
    legal_hold: bool = False
    legal_hold_until: date | None = None


@dataclass(frozen=True)
class RetentionResult:
    rule_key: str | None
    rule_name: str
    due: date | None
    working: str


def add_months(start: date, months: int) -> date:
    """Calendar months to the same day number, clamped to the month's last day.

    Past the end of the calendar (a date of 9999-12-01 from a bad import, or a policy
    with an absurd number of months) the answer is date.max, "never due", rather than a
    ValueError that would stop a whole import or retention run."""
    try:
        result: date = start + relativedelta(months=months)
    except (ValueError, OverflowError):
        return date.max
    return result


def retention_due(facts: RetentionFacts, rules: tuple[RetentionRuleSpec, ...]) -> RetentionResult:
    rule = next((r for r in rules if r.applies_to == facts.status), None)
    if rule is None:
        return RetentionResult(None, "No rule", None, f"No retention rule for status {facts.status!r}")
    if rule.basis == "none":
        due = None
        working = f"{rule.name}: kept while the status is {facts.status}"
    else:
        basis_date = facts.ceased if rule.basis == "ceased" else (
            facts.last_activity or facts.first_contact
        )
        if basis_date is None:
            return RetentionResult(rule.key, rule.name, None,
                                   f"{rule.name}: no {rule.basis.replace('_', ' ')} date recorded")
        due = add_months(basis_date, rule.months)
        working = (f"{rule.name}: {rule.basis.replace('_', ' ')} {basis_date.isoformat()} "
                   f"+ {rule.months} months = {due.isoformat()}")
    if facts.legal_hold:
        if facts.legal_hold_until is None:
            return RetentionResult(LEGAL_HOLD, "Legal hold", None,
                                   f"{working}; suspended by a legal hold with no end date")
        if due is not None and facts.legal_hold_until > due:
            return RetentionResult(
                LEGAL_HOLD, "Legal hold", facts.legal_hold_until,
                f"{working}; deferred by a legal hold until {facts.legal_hold_until.isoformat()}",
            )
    return RetentionResult(rule.key, rule.name, due, working)
