"""Generating demo contacts fast: columns drawn in bulk from pre-built pools.

Names, companies, towns, sentences and every date the register can hold are built once
(Faker for the words, a table of ISO strings for dates); a chunk of people is then drawn
column by column with `Random.choices`, and each row is only glued together from those
columns. Dates are day counts back from today until they are looked up as text, and the
retention date is computed once per distinct set of facts. The rows stream straight into
one `executemany` per table (contacts, then interactions, then disclosures), so nothing
holds a million rows at once. The same seed always gives the same register.
"""

from __future__ import annotations

import random
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from faker import Faker

from privdesk.domain.identity import fold, join_search_parts
from privdesk.domain.retention import RetentionFacts, RetentionRule, retention_due, rule_for

OFFICER_NAMES = ("Alex Morgan", "Priya Shah", "Sam Okafor")
INTERACTION_KINDS = ("enquiry", "call", "email", "online_message", "meeting", "event")
# UK mobile ranges 074xx-075xx and 077xx-079xx: 070 (personal numbers) and 076 (pagers)
# would fail the register's own phone validation on re-import, and so would parts of
# 07700 (Ofcom's drama numbers) and 07911 (~1 demo person in 500 before they were left out).
MOBILE_BLOCKS = tuple(str(b) for b in (*range(400, 600), *range(701, 911), *range(912, 1000)))
LINES = range(100000, 1000000)
OLDEST = 5200  # days back: no generated date is older than this
CHUNK = 20_000
ENQUIRER, CUSTOMER, FORMER = 0, 1, 2
STATUS = ("enquirer", "customer", "former_customer")
DISCLOSURE_PURPOSE = "Order fulfilment and support"

Row = tuple[Any, ...]
Progress = Callable[[int], None]  # contacts generated so far


@dataclass(frozen=True)
class PeopleSpec:
    seed: int
    today: date
    now: str
    sources: tuple[str, ...]
    recipients: tuple[str, ...]
    rules: tuple[RetentionRule, ...]


class _Pools:
    """Everything drawn from, built once: words with their folded forms, and dates."""

    def __init__(self, spec: PeopleSpec) -> None:
        fake = Faker("en_GB")
        fake.seed_instance(spec.seed)
        first = list(dict.fromkeys(fake.first_name() for _ in range(1500)))
        last = list(dict.fromkeys(fake.last_name() for _ in range(1500)))
        companies = list(dict.fromkeys(fake.company() for _ in range(800)))
        self.towns = list(dict.fromkeys(fake.city() for _ in range(400)))
        self.sentences = [fake.sentence(nb_words=10) for _ in range(300)]
        # (as written, folded, folded without spaces for the email's local part)
        self.first = [(w, fold(w), fold(w).replace(" ", "")) for w in first]
        self.last = [(w, fold(w), fold(w).replace(" ", "")) for w in last]
        # Only letters and digits in a domain: "O'Connor and Sons" must not give an
        # invalid one.
        self.companies = [(c, fold(c), "".join(ch for ch in fold(c) if ch.isalnum())[:20]
                           or "example") for c in companies]
        today = spec.today
        self.iso = [(today - timedelta(days=back)).isoformat() for back in range(OLDEST + 1)]
        self._today, self._rules = today, spec.rules
        # The one date each status's rule runs from (every demo person has a last
        # activity, so a last-activity rule never falls back to the first contact).
        rules = {s: rule_for(name, spec.rules) for s, name in enumerate(STATUS)}
        self._basis = {s: r.basis if r else "none" for s, r in rules.items()}
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


class People:
    """Demo people in three streams of rows, one per table. Iterate `contacts()` first:
    it keeps, per person, the few facts (in compact arrays) that the interactions and
    disclosures drawn afterwards depend on."""

    def __init__(self, spec: PeopleSpec, count: int) -> None:
        self.spec, self.count = spec, count
        self.pools = _Pools(spec)
        self._first = array("h")  # days back of the first contact
        self._last = array("h")  # days back of the last activity
        self._since = array("h")  # days back of becoming a customer (-1: never)
        self._status = array("b")
        self.counts = {"contacts": 0, "interactions": 0, "disclosures": 0}

    # -- contacts ----------------------------------------------------------------------
    def contacts(self, progress: Progress | None = None) -> Iterator[Row]:
        rng = random.Random(self.spec.seed)
        for start in range(0, self.count, CHUNK):
            rows = self._contact_chunk(rng, start, min(CHUNK, self.count - start))
            self.counts["contacts"] += len(rows)
            yield from rows
            if progress:
                progress(self.counts["contacts"])

    def _contact_chunk(self, rng: random.Random, start: int, n: int) -> list[Row]:
        pools, spec = self.pools, self.spec
        iso, now, randint, random_ = pools.iso, spec.now, rng.randint, rng.random
        firsts, lasts = rng.choices(pools.first, k=n), rng.choices(pools.last, k=n)
        companies, towns = rng.choices(pools.companies, k=n), rng.choices(pools.towns, k=n)
        sources = rng.choices(spec.sources, k=n)
        blocks, lines = rng.choices(MOBILE_BLOCKS, k=n), rng.choices(LINES, k=n)
        rows: list[Row] = []
        for i in range(n):
            cid = start + i + 1
            first, folded_first, local_first = firsts[i]
            last, folded_last, local_last = lasts[i]
            company, folded_company, domain = companies[i]
            folded_name = f"{folded_first} {folded_last}"
            email = f"{local_first}.{local_last}{cid}@{domain}.example.co.uk"
            block, line = blocks[i], lines[i]
            national = f"07{block}{line}"
            roll = random_()
            since = ceased = -1
            if roll < 0.5:
                status = ENQUIRER
                # Spread so that some fell due already and some fall due in the coming weeks.
                fc = randint(20, 420)
                la = max(0, fc - randint(0, 30))
            elif roll < 0.8:
                status = CUSTOMER
                fc = randint(200, 4000)
                since = fc - randint(10, 120)
                la = randint(0, 180)
            else:
                status = FORMER
                fc = randint(2000, 5000)
                since = fc - randint(10, 120)
                ceased = la = randint(300, 2620)
            opt_out = random_() < 0.08
            rule, due = pools.retention(status, la, fc, ceased)
            self._first.append(fc)
            self._last.append(la)
            self._since.append(since)
            self._status.append(status)
            rows.append((
                cid, f"{first} {last}", email, f"+44 7{block} {line}", company, towns[i],
                STATUS[status], sources[i], iso[fc], iso[since] if since >= 0 else None,
                iso[ceased] if ceased >= 0 else None, iso[la], int(opt_out),
                iso[la] if opt_out else None, None, rule, due, email, "+44" + national[1:],
                folded_name,
                join_search_parts(folded_name, email, [national, "44" + national[1:]],
                                  folded_company),
                now, now))
        return rows

    # -- what depends on them ----------------------------------------------------------
    def interactions(self) -> Iterator[Row]:
        """One to three per person, from their first contact towards their last."""
        rng = random.Random(self.spec.seed + 2)
        iso, sentences = self.pools.iso, self.pools.sentences
        for start in range(0, len(self._first), CHUNK):
            n = min(CHUNK, len(self._first) - start)
            per_person = rng.choices((1, 2, 3), k=n)
            officers = rng.choices(OFFICER_NAMES, k=n)
            total = sum(per_person)
            kinds = rng.choices(INTERACTION_KINDS, k=total)
            said = rng.choices(sentences, k=total)
            steps = rng.choices(range(1, 61), k=total)
            rows: list[Row] = []
            k = 0
            for i in range(n):
                person = start + i
                back, last, officer = self._first[person], self._last[person], officers[i]
                for _ in range(per_person[i]):
                    rows.append((person + 1, kinds[k], iso[back], said[k], officer))
                    back = max(last, back - steps[k])
                    k += 1
            self.counts["interactions"] += len(rows)
            yield from rows

    def disclosures(self) -> Iterator[Row]:
        """About three in ten customers' data went to a recipient when they signed up."""
        rng = random.Random(self.spec.seed + 3)
        iso, recipients = self.pools.iso, self.spec.recipients
        for person, status in enumerate(self._status):
            if status != ENQUIRER and rng.random() < 0.3:
                self.counts["disclosures"] += 1
                yield (person + 1, rng.choice(recipients), DISCLOSURE_PURPOSE,
                       iso[self._since[person]])
