"""Which actions a request allows now (and, when not, why), and the dialog for each.

Whether an action may happen is decided by domain.request_rules, the same rule the
services and the CLI apply: the buttons only ask it."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from privdesk.domain.deadlines import fmt
from privdesk.domain.request_rules import why_not_now
from privdesk.services.request_records import (
    OPEN_STATUSES,
    REFUSAL_GROUNDS,
    RESPONSE_METHODS,
    RequestDetail,
)
from privdesk.services.requests import RequestService
from privdesk.ui.request_action_dialog import ActionSpec, ActionValues, respond_spec

ACTIONS: dict[str, str] = {
    "ask_id": "Ask for ID…",
    "verify_id": "Verify ID…",
    "pause": "Pause…",
    "resume": "Resume…",
    "extend": "Extend…",
    "assign": "Assign…",
    "respond": "Record response…",
    "refuse": "Refuse…",
    "withdraw": "Withdrawn…",
    "close": "Close…",
}
Submit = Callable[[ActionValues], RequestDetail]


def why_not(name: str, d: RequestDetail, today: date) -> str | None:
    """None when the action can be taken now; otherwise the reason, for the tooltip."""
    if d.state is None:
        return "The request could not be read."
    return why_not_now(name, d.state, today)


def dialog_for(name: str, d: RequestDetail, requests: RequestService,
               officers: list[str]) -> tuple[ActionSpec, Submit]:
    ref = d.reference
    if name == "ask_id":
        return (ActionSpec("Ask for proof of identity", f"{ref}: ask promptly. The time limit "
                           "then runs from the day the proof arrives, not from the day the "
                           "request was received.", "Record the request for ID", "Asked on",
                           text_label="Note", text_placeholder="What was asked for (optional)"),
                lambda v: requests.ask_id(ref, v.on, v.text))
    if name == "verify_id":
        return (ActionSpec("Proof of identity received", f"{ref}: the clock starts on the day "
                           "the proof arrives.", "Record ID", "Arrived on"),
                lambda v: requests.id_received(ref, v.on))
    if name == "pause":
        due = f" It cannot be stopped on or after the due date, {fmt(d.row.due)}." \
            if d.row.due else ""
        return (ActionSpec("Ask for clarification", f"{ref}: the clock stops from the day you "
                           f"ask until the day the answer arrives.{due}", "Stop the clock",
                           "Asked on", text_label="Question",
                           text_placeholder="What did you ask? (optional)"),
                lambda v: requests.pause(ref, v.on, v.text))
    if name == "resume":
        return (ActionSpec("Clarification answered", f"{ref}: the clock restarts on the day the "
                           "answer arrives; the paused days are added to the due date.",
                           "Restart the clock", "Answered on"),
                lambda v: requests.resume(ref, v.on))
    if name == "extend":
        by = f", {fmt(d.original_due)}" if d.original_due else ""
        return (ActionSpec("Extend to three months", f"{ref}: for a complex request, or several "
                           "from the same person. It must be decided, and the person told with "
                           f"the reasons, by the original due date{by}.", "Extend", "Decided on",
                           text_label="Reason", text_placeholder="Why more time is needed",
                           second_date_label="Person told on"),
                lambda v: requests.extend(ref, v.on, v.text, told_on=v.second))
    if name == "assign":
        choices = tuple((o, o) for o in officers)
        return (ActionSpec("Assign", f"{ref}: who works on this request.", "Assign", None,
                           "Officer", choices),
                lambda v: requests.assign(ref, v.choice or ""))
    if name == "respond":
        return respond_spec(d), lambda v: requests.respond(ref, v.on, v.choice or "email")
    if name == "refuse":
        # The refusal goes back the way the request came: by post to a letter, else email.
        method = "post" if d.row.channel == "post" else "email"
        return (ActionSpec("Refuse the request", f"{ref}: only a manifestly unfounded or "
                           "excessive request may be refused. The reply, sent by "
                           f"{RESPONSE_METHODS[method].lower()}, gives the reasons, the right to "
                           "complain to the ICO and to go to court, within the time limit.",
                           "Refuse", "Sent on", "Ground", tuple(REFUSAL_GROUNDS.items()),
                           "Reasons", "The reasons given to the person"),
                lambda v: requests.refuse(ref, v.on, v.choice or "", v.text, method))
    if name == "close":
        if d.row.status in OPEN_STATUSES:
            return (ActionSpec("Respond and close", f"{ref}: record when and how the response "
                               "was sent. A response after the due date is recorded as late.",
                               "Close", "Response sent on", "Sent by",
                               tuple(RESPONSE_METHODS.items())),
                    lambda v: requests.close(ref, v.on, v.choice))
        return (ActionSpec("Close", f"{ref}: file the request as closed.", "Close", "Closed on"),
                lambda v: requests.close(ref, v.on))
    if name == "withdraw":
        return (ActionSpec("Withdrawn by the requester", f"{ref}: the person no longer wants "
                           "the request dealt with.", "Record withdrawal", "Withdrawn on",
                           text_label="Note", text_placeholder="How they told us (optional)"),
                lambda v: requests.withdraw(ref, v.on, v.text))
    raise KeyError(name)
