"""The one passphrase rule, for the GUI and the command line alike, and the strength
meter in the dialogs.

Rule: at least MIN_LENGTH characters, and a zxcvbn strength score of at least MIN_SCORE
(zxcvbn estimates how many guesses an attacker who knows common passwords, words,
names, keyboard patterns, dates and repeats would need; score 3 is about 10^8 guesses,
"safely unguessable" for an offline attack on a slow hash such as our Argon2id). The
officer's own name and the store's name count as known words. Four or five unrelated
words pass easily.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from zxcvbn import zxcvbn

MIN_LENGTH = 10
MIN_SCORE = 3
MAX_CHECKED = 100  # zxcvbn's cost grows with length; its docs advise truncating
_LABELS = ("Very weak", "Weak", "Fair", "Good", "Strong")


@dataclass(frozen=True)
class Strength:
    score: int  # 0..4 (zxcvbn)
    bits: float  # log2 of the estimated guesses
    label: str
    advice: str


def estimate(passphrase: str, user_inputs: Sequence[str] = ()) -> Strength:
    if not passphrase:
        return Strength(0, 0.0, "Empty", f"Use at least {MIN_LENGTH} characters.")
    result = zxcvbn(passphrase[:MAX_CHECKED], user_inputs=[u for u in user_inputs if u])
    score = int(result["score"])
    bits = float(result["guesses_log10"]) * math.log2(10)
    feedback = result.get("feedback") or {}
    advice = str(feedback.get("warning") or "") or " ".join(feedback.get("suggestions") or [])
    if len(passphrase) < MIN_LENGTH:
        return Strength(min(score, 1), bits, "Too short", f"Use at least {MIN_LENGTH} characters.")
    if score < MIN_SCORE and not advice:
        advice = "Longer is stronger: try four or five unrelated words."
    return Strength(score, bits, _LABELS[score], "" if score >= MIN_SCORE else advice)


def check_new_passphrase(passphrase: str, user_inputs: Sequence[str] = ()) -> str:
    """'' when the passphrase may be used; otherwise why not, in plain words."""
    if len(passphrase) < MIN_LENGTH:
        return f"The passphrase needs at least {MIN_LENGTH} characters."
    if passphrase.strip() != passphrase and not passphrase.strip():
        return "The passphrase cannot be only spaces."
    strength = estimate(passphrase, user_inputs)
    if strength.score < MIN_SCORE:
        advice = f" {strength.advice.rstrip('.')}." if strength.advice else ""
        return (f"That passphrase is too easy to guess ({strength.label.lower()}).{advice} "
                "Try four or five unrelated words.")
    return ""
