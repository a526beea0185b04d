"""A passphrase strength estimate for the meter in the new-store dialog.

Deliberately simple and explainable: estimated entropy from length and character
classes, with penalties for repetition and common words. It guides; it never forbids
(the minimum length is enforced separately).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

MIN_LENGTH = 10
_COMMON = ("password", "passwort", "123456", "qwerty", "letmein", "welcome", "admin", "privdesk",
           "optex", "iloveyou", "monkey", "dragon")


@dataclass(frozen=True)
class Strength:
    score: int  # 0..4
    bits: float
    label: str
    advice: str


def estimate(passphrase: str) -> Strength:
    if not passphrase:
        return Strength(0, 0.0, "Empty", f"Use at least {MIN_LENGTH} characters.")
    pool = 0
    pool += 26 if any(c.islower() for c in passphrase) else 0
    pool += 26 if any(c.isupper() for c in passphrase) else 0
    pool += 10 if any(c.isdigit() for c in passphrase) else 0
    pool += 33 if any(not c.isalnum() and c.isascii() for c in passphrase) else 0
    pool += 100 if any(not c.isascii() for c in passphrase) else 0
    distinct = len(set(passphrase))
    effective_length = min(len(passphrase), distinct * 2)
    bits = effective_length * math.log2(max(pool, 2))
    lowered = passphrase.lower()
    if any(word in lowered for word in _COMMON):
        bits *= 0.5
    if len(passphrase) < MIN_LENGTH:
        return Strength(0, bits, "Too short", f"Use at least {MIN_LENGTH} characters.")
    for score, limit, label in ((1, 40, "Weak"), (2, 60, "Fair"), (3, 80, "Good")):
        if bits < limit:
            return Strength(score, bits, label,
                            "Longer is stronger: try four or five unrelated words.")
    return Strength(4, bits, "Strong", "")


def new_passphrase_problem(passphrase: str) -> str | None:
    """The rule every face applies to a new passphrase (the GUI's dialogs and `privdesk
    init` alike), in plain words; None when it is acceptable."""
    if len(passphrase) < MIN_LENGTH:
        return (f"The passphrase needs at least {MIN_LENGTH} characters "
                f"({len(passphrase)} given). Longer is stronger: try four or five unrelated words.")
    return None
