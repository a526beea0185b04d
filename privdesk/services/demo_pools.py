"""What demo people are drawn from, built once per register: names in many scripts,
companies, towns, sentences, and every date the register can hold as ISO text.

A UK register is mostly British names with a share from everywhere else, so a person's
names come from one locale: en_GB for most, then Irish, European, Cyrillic, Greek,
Arabic, Hebrew, Persian, Indic and CJK names (family name first where that is the
custom). Each word keeps what the register derives from it - folded form, email local
part, search forms (domain.identity.WordForms) - so a person's columns are only glued
together, never folded again.
"""

from __future__ import annotations

import importlib
import random
from datetime import date, timedelta
from typing import NamedTuple

from anyascii import anyascii
from faker import Faker

from privdesk.domain.identity import WordForms, fold, join_search_parts, join_word_forms
from privdesk.domain.retention import RetentionFacts, RetentionRule, retention_due, rule_for

OLDEST = 5200  # days back: no generated date is older than this
STATUS = ("enquirer", "customer", "former_customer")
# (Faker locale, share of people, family name first). en_GB takes what is left.
LOCALES = (("ga_IE", 0.02, False), ("pl_PL", 0.02, False), ("de_DE", 0.01, False),
           ("fr_FR", 0.01, False), ("es_ES", 0.01, False), ("it_IT", 0.01, False),
           ("pt_PT", 0.01, False), ("tr_TR", 0.01, False), ("yo_NG", 0.01, False),
           ("ru_RU", 0.01, False), ("uk_UA", 0.005, False), ("el_GR", 0.005, False),
           ("ar_AA", 0.01, False), ("fa_IR", 0.005, False), ("he_IL", 0.005, False),
           ("hi_IN", 0.01, False), ("bn_BD", 0.005, False), ("zh_CN", 0.01, True),
           ("ja_JP", 0.005, True), ("ko_KR", 0.005, True))


# Interaction summaries read like an officer's notes (Faker's sentences are Latin filler,
# which then shows in every subject-access pack built from the demo store).
_TOPICS = ("the renewal quote", "an invoice query", "delivery dates for the spring order",
           "the price list", "their trial account", "the annual maintenance contract",
           "a brochure", "a site visit", "a change of billing address",
           "the product demonstration", "a late payment", "their newsletter preferences",
           "a warranty claim", "onboarding for two new users", "the contract terms",
           "a replacement part", "the training day", "a discount for a larger order")
_OPENINGS = ("Asked about {}", "Followed up on {}", "Discussed {}", "Sent details of {}",
             "Chased {}", "Confirmed {}", "Answered a question on {}", "Called about {}")
_ENDINGS = ("; will call back next week.", "; no further action.",
            "; wants a written summary.", "; passed to accounts.", ".",
            "; prefers email from now on.", "; meeting booked.", "; waiting for their reply.")


def _summaries(rng: random.Random, n: int) -> list[str]:
    return [rng.choice(_OPENINGS).format(rng.choice(_TOPICS)) + rng.choice(_ENDINGS)
            for _ in range(n)]


class Word(NamedTuple):
    raw: str
    folded: str
    local: str  # for the email's local part: ASCII letters and digits (and ')
    forms: WordForms
    simple: str | None  # the one search form, when the word has just one

    @classmethod
    def of(cls, raw: str) -> Word:
        forms = WordForms.of(raw)
        local = "".join(ch for ch in anyascii(fold(raw)).lower()
                        if ch.isascii() and (ch.isalnum() or ch == "'")).strip("'")
        one = len(set(forms.forms)) == 1 and not forms.umlaut and not forms.cjk
        return cls(raw, fold(raw), local or "contact", forms, forms.forms[0] if one else None)


def name_forms(a: Word, b: Word) -> str:
    """The name's search forms, as domain.identity.search_text makes them."""
    if a.simple is not None and b.simple is not None:
        return f"{a.simple} {b.simple}"
    return join_word_forms(a.forms, b.forms)


def _words(fake: Faker, make: str, count: int) -> list[Word]:
    return [Word.of(w) for w in dict.fromkeys(getattr(fake, make)() for _ in range(count))]


def _locale_words(locale: str, rng: random.Random, count: int) -> tuple[list[Word], list[Word]]:
    """Up to `count` first and last names from Faker's name lists for the locale, read
    straight from its person provider (a Faker instance per locale costs ~50 ms)."""
    provider = importlib.import_module(f"faker.providers.person.{locale}").Provider

    def pick(*attributes: str) -> list[Word]:
        for attribute in attributes:
            names = list(dict.fromkeys(getattr(provider, attribute, ())))
            if len(names) > 5:  # pl_PL's last_names is a placeholder ("Doe")
                return [Word.of(n) for n in rng.sample(names, min(count, len(names)))]
        raise ValueError(f"Faker has no {attributes[0]} for {locale}")

    return pick("first_names", "first_names_male"), pick("last_names", "male_last_names")


class Pools:
    """Everything drawn from, built once: words with their derived forms, and dates."""

    def __init__(self, seed: int, today: date, rules: tuple[RetentionRule, ...]) -> None:
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.first = _words(fake, "first_name", 1500)
        self.last = _words(fake, "last_name", 1500)
        # Other locales: (first names, last names, family name first), with cumulative
        # shares for drawing a locale per person (index 0: en_GB).
        self.foreign: list[tuple[list[Word], list[Word], bool]] = []
        self.cum_shares = [1.0 - sum(share for _, share, _ in LOCALES)]
        for i, (locale, share, family_first) in enumerate(LOCALES):
            firsts, lasts = _locale_words(locale, random.Random(seed + i), 100)
            self.foreign.append((firsts, lasts, family_first))
            self.cum_shares.append(self.cum_shares[-1] + share)
        companies = list(dict.fromkeys(fake.company() for _ in range(800)))
        self.towns = list(dict.fromkeys(fake.city() for _ in range(400)))
        self.sentences = _summaries(random.Random(seed), 300)
        # (as written, folded, domain, search forms). Only letters and digits in a
        # domain: "O'Connor and Sons" must not give an invalid one.
        self.companies = [(c, fold(c), "".join(ch for ch in fold(c) if ch.isalnum())[:20]
                           or "example", join_search_parts(fold(c), None, [], "", raw_name=c))
                          for c in companies]
        self.iso = [(today - timedelta(days=back)).isoformat() for back in range(OLDEST + 1)]
        self._today, self._rules = today, rules
        # The one date each status's rule runs from (every demo person has a last
        # activity, so a last-activity rule never falls back to the first contact).
        by_status = {s: rule_for(name, rules) for s, name in enumerate(STATUS)}
        self._basis = {s: r.basis if r else "none" for s, r in by_status.items()}
        self._retention: dict[tuple[int, int], tuple[str | None, str | None]] = {}

    def retention(self, status: int, last: int, first: int, ceased: int) -> tuple[str | None, str | None]:
        """(rule key, due date as ISO text) for facts given as days back (-1: none),
        computed by domain.retention once per status and basis date."""
        basis = self._basis[status]
        key = (status, last if basis == "last_activity" else ceased if basis == "ceased" else -1)
        hit = self._retention.get(key)
        if hit is None:
            day = self._today
            facts = RetentionFacts(STATUS[status], day - timedelta(days=last),
                                   day - timedelta(days=first),
                                   day - timedelta(days=ceased) if ceased >= 0 else None)
            result = retention_due(facts, self._rules)
            hit = (result.rule_key, result.due.isoformat() if result.due else None)
            self._retention[key] = hit
        return hit
