"""What the register stores beside an imported contact's own fields, worked out from
them: its retention rule and date, and the normalised email, folded name and search
text it is found by. Pure, so an import's worker processes work it out beside the row
checks and the importing process only writes it."""

from __future__ import annotations

from typing import NamedTuple

from privdesk.domain import identity
from privdesk.domain.contact_records import ContactInput
from privdesk.domain.retention import RetentionFacts, RetentionRule, due_only


class Derived(NamedTuple):
    rule_key: str | None
    due: str | None  # ISO date, as stored
    norm_email: str | None
    norm_name: str
    search_text: str


def derive(d: ContactInput, phone_forms: tuple[str, ...],
           specs: tuple[RetentionRule, ...]) -> Derived:
    rule, due = due_only(RetentionFacts(status=d.status, last_activity=d.last_activity,
                                        first_contact=d.first_contact, ceased=d.ceased,
                                        legal_hold=bool(d.legal_hold_reason),
                                        legal_hold_until=d.legal_hold_until), specs)
    email = identity.normalise_email(d.email)
    folded = identity.fold(d.name)
    search = identity.join_search_parts(folded, email, list(phone_forms),
                                        identity.fold(d.company), raw_name=d.name,
                                        raw_company=d.company)
    return Derived(rule, None if due is None else due.isoformat(), email, folded, search)
