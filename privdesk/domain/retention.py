"""When a contact's data falls due for deletion under the policy, and why.

The rules come from the policy file (`RetentionRule`s), never from code: the domain
only knows how to apply "N months from <basis date>" and the legal-hold override.

A legal hold suspends deletion: with no end date there is no due date at all; with an
end date the data falls due on the later of the rule's date and the hold's end, so a
hold can defer deletion but never bring it forward.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from dateutil.relativedelta import relativedelta

from privdesk.domain.dates import short_date

LEGAL_HOLD = "legal_hold"
LEGAL_HOLD_NAME = "Legal hold"
NO_RULE_NAME = "No rule"
BASES = ("last_activity", "ceased", "none")


@dataclass(frozen=True)
class RetentionRule:
    """One retention rule of the policy file (policy.Policy.retention holds these)."""

    key: str
    name: str
    applies_to: str  # contact status: enquirer / customer / former_customer
    basis: str  # the date the period runs from: last_activity / ceased / none
    months: int
    description: str = ""


RetentionRuleSpec = RetentionRule  # the name used before #18; kept for callers on other branches


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
    """`rule_key` is what governs the date now (LEGAL_HOLD while a hold defers or
    suspends it); `policy_rule_key` is always the policy rule for the contact's status,
    so a tombstone can name the rule even when an expired hold set the date."""

    rule_key: str | None
    rule_name: str
    due: date | None
    working: str
    policy_rule_key: str | None = None

    @property
    def held(self) -> bool:
        return self.rule_key == LEGAL_HOLD


@lru_cache(maxsize=8192)
def add_months(start: date, months: int) -> date:
    """Calendar months to the same day number, clamped to the month's last day
    (31 Jan + 1 month = 28/29 Feb; 29 Feb 2024 + 12 months = 28 Feb 2025).
    Cached: an import or a retention run meets the same few thousand dates again and
    again, and relativedelta is ~10 us a call.

    Past the end of the calendar (a date of 9999-12-01 from a bad import, or a policy
    with an absurd number of months) the answer is date.max, "never due", rather than a
    ValueError that would stop a whole import or retention run."""
    if months < 0:
        raise ValueError(f"months must not be negative, got {months}")
    try:
        result: date = start + relativedelta(months=months)
    except (ValueError, OverflowError):
        return date.max
    return result


def rule_for(status: str, rules: Sequence[RetentionRule]) -> RetentionRule | None:
    return next((r for r in rules if r.applies_to == status), None)


def rule_name(key: str | None, rules: Sequence[RetentionRule]) -> str:
    """The name to show for a stored rule key (contacts.retention_rule)."""
    if key is None:
        return NO_RULE_NAME
    if key == LEGAL_HOLD:
        return LEGAL_HOLD_NAME
    return next((r.name for r in rules if r.key == key), key)


def _months_text(months: int) -> str:
    if months % 12 == 0 and months >= 12:
        years = months // 12
        return f"{years} year{'s' if years != 1 else ''}"
    return f"{months} month{'s' if months != 1 else ''}"


def _basis(facts: RetentionFacts, rule: RetentionRule) -> tuple[date | None, str]:
    """The date a rule's period runs from, and what it is called."""
    if rule.basis == "ceased":
        return facts.ceased, "ceased"
    if rule.basis == "last_activity":
        # An enquiry with no later activity runs from the first contact.
        if facts.last_activity is not None:
            return facts.last_activity, "last contact"
        return facts.first_contact, "first contact"
    raise ValueError(f"unknown retention basis {rule.basis!r} (expected one of {BASES})")


def _rule_date(facts: RetentionFacts, rule: RetentionRule) -> tuple[date | None, str]:
    """The date the policy rule alone gives, and the working that shows why."""
    if rule.basis == "none":
        return None, f"{rule.name}: kept while the status is {facts.status}"
    basis_date, basis_label = _basis(facts, rule)
    if basis_date is None:
        return None, f"{rule.name}: no {rule.basis.replace('_', ' ')} date recorded, so no due date"
    due = add_months(basis_date, rule.months)
    return due, (f"{rule.name}: {basis_label} {short_date(basis_date)} "
                 f"+ {_months_text(rule.months)} = {short_date(due)}")


def due_only(facts: RetentionFacts, rules: Sequence[RetentionRule]) -> tuple[str | None, date | None]:
    """retention_due's (rule_key, due) without the working text: what a bulk import
    stores for each row (the working is shown per contact, when one is opened)."""
    rule = rule_for(facts.status, rules)
    if rule is None:
        return None, None
    due = None
    if rule.basis != "none":
        basis_date = _basis(facts, rule)[0]
        due = None if basis_date is None else add_months(basis_date, rule.months)
    if facts.legal_hold:
        if facts.legal_hold_until is None:
            return LEGAL_HOLD, None
        if due is not None and facts.legal_hold_until > due:
            return LEGAL_HOLD, facts.legal_hold_until
    return rule.key, due


def retention_due(facts: RetentionFacts, rules: Sequence[RetentionRule]) -> RetentionResult:
    """The due date under the policy's rules and any legal hold, with its working."""
    rule = rule_for(facts.status, rules)
    if rule is None:
        working = f"No retention rule for status {facts.status!r}"
        if facts.legal_hold:
            working += "; under a legal hold"
        return RetentionResult(None, NO_RULE_NAME, None, working)
    due, working = _rule_date(facts, rule)
    if facts.legal_hold:
        if facts.legal_hold_until is None:
            return RetentionResult(LEGAL_HOLD, LEGAL_HOLD_NAME, None,
                                   f"{working}; suspended by a legal hold with no end date",
                                   rule.key)
        if due is not None and facts.legal_hold_until > due:
            return RetentionResult(
                LEGAL_HOLD, LEGAL_HOLD_NAME, facts.legal_hold_until,
                f"{working}; deferred by a legal hold until {short_date(facts.legal_hold_until)}",
                rule.key,
            )
        if due is not None:
            working += f"; legal hold until {short_date(facts.legal_hold_until)} ends first"
    return RetentionResult(rule.key, rule.name, due, working, rule.key)
