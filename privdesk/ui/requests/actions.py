"""Which actions a request allows now (and, when not, why), and the dialog for each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from privdesk.domain.deadlines import fmt
from privdesk.services.request_records import (
    OPEN_STATUSES,
    REFUSAL_GROUNDS,
    RESPONSE_METHODS,
    RequestDetail,
)
from privdesk.services.requests import RequestService
from privdesk.ui.requests.action_dialog import ActionSpec, ActionValues

ACTIONS: dict[str, str] = {
    "verify_id": "Verify ID…",
    "pause": "Pause…",
    "resume": "Resume…",
    "extend": "Extend…",
    "assign": "Assign…",
    "refuse": "Refuse…",
    "close": "Close…",
    "withdraw": "Withdrawn…",
}
Submit = Callable[[ActionValues], RequestDetail]


def why_not(name: str, d: RequestDetail, today: date) -> str | None:
    """None when the action can be taken now; otherwise the reason, for the tooltip."""
    is_open = d.row.status in OPEN_STATUSES
    paused = d.stopped_since is not None
    if name == "close":
        return "Already closed." if d.row.status == "closed" else None
    if not is_open:
        return f"The request is {d.row.status_label.lower()}."
    if name == "verify_id":
        if not d.id_requested:
            return "Proof of identity was not requested at intake."
        return f"ID already received on {fmt(d.id_received_on)}." if d.id_received_on else None
    if name == "pause":
        if d.id_requested and d.id_received_on is None:
            return "The clock has not started: proof of identity is awaited."
        return "Already waiting for clarification." if paused else None
    if name == "resume":
        return None if paused else "Not waiting for clarification."
    if name == "extend":
        if d.extended_on is not None:
            return f"Already extended on {fmt(d.extended_on)}."
        if d.original_due is not None and today > d.original_due:
            return (f"Too late: an extension had to be decided by the original due date, "
                    f"{fmt(d.original_due)}.")
    return None


def dialog_for(name: str, d: RequestDetail, requests: RequestService,
               officers: list[str]) -> tuple[ActionSpec, Submit]:
    ref = d.reference
    if name == "verify_id":
        return (ActionSpec("Proof of identity received", f"{ref}: the clock starts on the day "
                           "the proof arrives.", "Record ID", "Arrived on"),
                lambda v: requests.id_received(ref, v.on))
    if name == "pause":
        return (ActionSpec("Ask for clarification", f"{ref}: the clock stops from the day you "
                           "ask until the day the answer arrives.", "Stop the clock", "Asked on",
                           text_label="Question", text_placeholder="What did you ask? (optional)"),
                lambda v: requests.pause(ref, v.on, v.text))
    if name == "resume":
        return (ActionSpec("Clarification answered", f"{ref}: the clock restarts on the day the "
                           "answer arrives; the paused days are added to the due date.",
                           "Restart the clock", "Answered on"),
                lambda v: requests.resume(ref, v.on))
    if name == "extend":
        by = f" by {fmt(d.original_due)}" if d.original_due else ""
        return (ActionSpec("Extend to three months", f"{ref}: for a complex request, or several "
                           "from the same person. The person must be told, with the reasons, "
                           f"within the first month{by}.", "Extend", "Decided on",
                           text_label="Reason", text_placeholder="Why more time is needed"),
                lambda v: requests.extend(ref, v.on, v.text))
    if name == "assign":
        choices = tuple((o, o) for o in officers)
        return (ActionSpec("Assign", f"{ref}: who works on this request.", "Assign", None,
                           "Officer", choices),
                lambda v: requests.assign(ref, v.choice or ""))
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
