"""One rule for "may this action happen now?", for every face and every service.

The buttons of the request pane (greyed out, with the reason as a tooltip), the CLI and
the services (which refuse, changing nothing) all ask `why_not`: None means the action may
happen now, otherwise the reason in plain words. Each reason is a sentence an officer can
act on. Deletion (retention purge, erasure) asks `deletion_hold` (open requests, and for a
purge open breaches too).

Sources: UK GDPR Art. 12(3) (the time limit, extension within the first month), the ICO's
right-of-access guidance (clarification stops the clock; a limit that has run out cannot
be stopped; ID may be asked for after receipt), DPA 2018 s.173 (no deleting what a request
covers once it has arrived).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from privdesk.domain.deadlines import fmt

OPEN_STATUSES = frozenset({"new", "awaiting_id", "awaiting_clarification", "in_progress",
                           "extended"})
STATUS_WORDS = {"responded": "responded", "refused": "refused", "withdrawn": "withdrawn",
                "closed": "closed"}
DOING = {"verify_id": "changed", "ask_id": "changed", "pause": "paused", "resume": "resumed",
         "extend": "extended", "assign": "reassigned", "respond": "answered",
         "refuse": "refused", "withdraw": "withdrawn", "erase": "erased"}

ACTIONS: dict[str, str] = {
    "verify_id": "record proof of identity",
    "ask_id": "ask for proof of identity",
    "pause": "stop the clock for clarification",
    "resume": "restart the clock",
    "extend": "extend the time limit",
    "assign": "assign an officer",
    "respond": "record the response",
    "refuse": "refuse the request",
    "close": "close the request",
    "withdraw": "record a withdrawal",
    "erase": "erase the person's data",
    "link_contact": "link a contact record",
}


class RuleError(ValueError):
    """An action that may not happen now; the message says why in plain words."""


@dataclass(frozen=True)
class RequestState:
    """The facts of one request the rules look at (no ORM, no Qt)."""

    reference: str
    type: str
    status: str
    received: date
    id_requested: bool = False
    id_asked_on: date | None = None  # None: asked at intake (or not at all)
    id_received_on: date | None = None
    extended_on: date | None = None
    paused_since: date | None = None  # an open clarification pause
    last_resumed: date | None = None  # the latest answered clarification
    due: date | None = None  # the current due date (None: clock not running)
    original_due: date | None = None  # the one-month due date

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def awaiting_id(self) -> bool:
        return self.id_requested and self.id_received_on is None


def why_not(action: str, r: RequestState, on: date, today: date | None = None) -> str | None:
    """None when `action` may be taken on `on` (the day it happened); otherwise why not.
    `today`, when given, also refuses a date in the future."""
    if action not in ACTIONS:
        raise KeyError(action)
    if today is not None and on > today:
        return f"{fmt(on)} is in the future: record what has happened."
    if on < r.received:
        return f"{fmt(on)} is before the request was received ({fmt(r.received)})."
    if action == "close":
        return f"{r.reference} is already closed." if r.status == "closed" else None
    if action == "link_contact":  # the record of who asked may be completed at any time
        return None
    if not r.is_open:
        return (f"{r.reference} is {STATUS_WORDS.get(r.status, r.status)}: it cannot be "
                f"{DOING.get(action, 'changed')}.")
    rule = _RULES.get(action)
    return rule(r, on) if rule is not None else None


def why_not_now(action: str, r: RequestState, today: date) -> str | None:
    """For a button: None when the action may be recorded now, dated today or earlier
    (an officer records what happened, sometimes a day or two late: an extension decided
    in time is in time, whenever it is typed in). Otherwise the reason for today."""
    reason = why_not(action, r, today, today)
    if reason is None:
        return None
    earlier = [d for d in (r.received, r.last_resumed, r.paused_since, r.id_asked_on)
               if d is not None and d < today]
    if any(why_not(action, r, d, today) is None for d in earlier):
        return None
    return reason


def _verify_id(r: RequestState, on: date) -> str | None:
    if not r.id_requested:
        return ("Proof of identity has not been asked for; ask for it first if you need it "
                "(the clock then runs from the day it arrives).")
    if r.id_received_on is not None:
        return f"Proof of identity was already recorded as received on {fmt(r.id_received_on)}."
    if r.id_asked_on is not None and on < r.id_asked_on:
        return f"Proof of identity cannot arrive before it was asked for ({fmt(r.id_asked_on)})."
    return None


def _ask_id(r: RequestState, on: date) -> str | None:
    if r.id_requested:
        return ("Proof of identity was already asked for"
                + (f" and arrived on {fmt(r.id_received_on)}." if r.id_received_on else "."))
    if r.paused_since is not None:
        return "The request is waiting for clarification: restart the clock first."
    if r.extended_on is not None:
        return "The request was extended: ask for proof of identity before deciding that."
    if r.due is not None and on >= r.due:
        return (f"The time limit ran out on {fmt(r.due)}: proof of identity must be asked "
                "for promptly, not after the due date.")
    return None


def _pause(r: RequestState, on: date) -> str | None:
    if r.awaiting_id:
        return "The clock has not started (proof of identity is awaited): nothing to pause."
    if r.paused_since is not None:
        return f"{r.reference} is already waiting for clarification (since {fmt(r.paused_since)})."
    if r.last_resumed is not None and on < r.last_resumed:
        return (f"The previous clarification was answered on {fmt(r.last_resumed)}; a new one "
                "cannot be asked before that.")
    if r.due is not None and on >= r.due:
        return (f"The time limit ran out on {fmt(r.due)}: a clock that has run out cannot be "
                "stopped. Respond as soon as you can.")
    return None


def _resume(r: RequestState, on: date) -> str | None:
    if r.paused_since is None:
        return f"{r.reference} is not waiting for clarification."
    if on < r.paused_since:
        return f"The answer cannot arrive before the question was asked ({fmt(r.paused_since)})."
    return None


def _extend(r: RequestState, on: date) -> str | None:
    if r.extended_on is not None:
        return f"{r.reference} was already extended on {fmt(r.extended_on)}."
    if r.original_due is not None and on > r.original_due:
        return (f"Too late to extend: the original due date was {fmt(r.original_due)}. An "
                "extension must be decided, and the person told with reasons, within the "
                "first month.")
    return None


def _erase(r: RequestState, on: date) -> str | None:
    if r.type != "erasure":
        return f"{r.reference} is not an erasure request."
    return None


_RULES: dict[str, Callable[[RequestState, date], str | None]] = {
    "verify_id": _verify_id, "ask_id": _ask_id, "pause": _pause, "resume": _resume,
    "extend": _extend, "erase": _erase}


def check(action: str, r: RequestState, on: date, today: date | None = None) -> None:
    """Raise RuleError with the reason unless the action may happen."""
    reason = why_not(action, r, on, today)
    if reason is not None:
        raise RuleError(reason)


def extension_dates_refusal(decided: date, told: date | None,
                            original_due: date | None) -> str | None:
    """An extension must be decided and the person told by the original due date."""
    if told is not None and told < decided:
        return (f"The person cannot have been told ({fmt(told)}) before the extension was "
                f"decided ({fmt(decided)}).")
    if original_due is None:
        return None
    if decided > original_due:
        return (f"Too late to extend: it was decided on {fmt(decided)}, after the original due "
                f"date, {fmt(original_due)}.")
    if told is not None and told > original_due:
        return (f"Too late to extend: the person was told on {fmt(told)}, after the original "
                f"due date, {fmt(original_due)}. Art. 12(3) requires telling them, with "
                "reasons, within the first month.")
    return None


def deletion_hold(open_references: Iterable[str], own: str | None = None,
                  breaches: Iterable[str] = ()) -> str | None:
    """Why a person's data may not be deleted now: they are linked to an open request
    (other than `own`, the erasure request whose own action this is), or to an open
    personal-data breach (`breaches`, its references). None: no hold."""
    refs = sorted(set(open_references) - ({own} if own else set()))
    parts = []
    if refs:
        parts.append(f"held by open request{_plural(refs)} {_listed(refs)}: data a request "
                     "covers must be kept until the request is answered (DPA 2018 s.173)")
    held_by = sorted(set(breaches))
    if held_by:
        # Art. 34: the people a breach concerns may still have to be told; Art. 33(5): the
        # breach record (who it concerned) must stay whole until the breach is closed.
        parts.append(f"held by open breach{'es' if len(held_by) > 1 else ''} "
                     f"{_listed(held_by)}: the people a breach concerns are kept until it is "
                     "closed (UK GDPR Art. 33(5) and 34)")
    return "; and ".join(parts) or None


def _listed(refs: list[str]) -> str:
    return refs[0] if len(refs) == 1 else ", ".join(refs[:-1]) + " and " + refs[-1]


def _plural(refs: list[str]) -> str:
    return "s" if len(refs) > 1 else ""
