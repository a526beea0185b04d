"""Keep a contact's derived retention columns current. Every write path that changes
status, dates or a legal hold calls `apply_retention_fields`, so the retention calendar
(and its 1M-row query) is an index lookup that is never stale."""

from __future__ import annotations

from privdesk.domain.retention import RetentionFacts, RetentionResult, retention_due
from privdesk.policy import Policy
from privdesk.services.context import retention_specs
from privdesk.store.models import Contact


def retention_facts(contact: Contact) -> RetentionFacts:
    return RetentionFacts(
        status=contact.status,
        last_activity=contact.last_activity,
        first_contact=contact.first_contact,
        ceased=contact.ceased,
        legal_hold=bool(contact.legal_hold_reason),
        legal_hold_until=contact.legal_hold_until,
    )


def apply_retention_fields(policy: Policy, contact: Contact) -> RetentionResult:
    """Set contact.retention_rule and contact.retention_due from the policy; returns the
    result so callers can show its working."""
    result = retention_due(retention_facts(contact), retention_specs(policy))
    contact.retention_rule = result.rule_key
    contact.retention_due = result.due
    return result
