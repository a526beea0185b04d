"""Generating demo contacts fast: columns drawn in bulk from pre-built pools.

Names (in many scripts), companies, towns, sentences and every date the register can
hold are built once (demo_pools: Faker for the words, each word's folded and search
forms worked out once, a table of ISO strings for dates); a chunk of people is then drawn
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
from datetime import date
from typing import Any

from privdesk.domain.retention import RetentionRule
from privdesk.services.demo_pools import STATUS, Pools, name_forms

OFFICER_NAMES = ("Alex Morgan", "Priya Shah", "Sam Okafor")
INTERACTION_KINDS = ("enquiry", "call", "email", "online_message", "meeting", "event")
# UK mobile ranges 074xx-075xx and 077xx-079xx: 070 (personal numbers) and 076 (pagers)
# would fail the register's own phone validation on re-import, and so would parts of
# 07700 (Ofcom's drama numbers) and 07911 (~1 demo person in 500 before they were left out).
MOBILE_BLOCKS = tuple(str(b) for b in (*range(400, 600), *range(701, 911), *range(912, 1000)))
LINES = range(100000, 1000000)
CHUNK = 20_000
ENQUIRER, CUSTOMER, FORMER = 0, 1, 2
DISCLOSURE_PURPOSE = "Order fulfilment and support"

Row = tuple[Any, ...]
Progress = Callable[[int], None]  # people done so far (contacts, then interactions)


@dataclass(frozen=True)
class PeopleSpec:
    seed: int
    today: date
    now: str
    sources: tuple[str, ...]
    recipients: tuple[str, ...]
    rules: tuple[RetentionRule, ...]


class People:
    """Demo people in three streams of rows, one per table. Iterate `contacts()` first:
    it keeps, per person, the few facts (in compact arrays) that the interactions and
    disclosures drawn afterwards depend on."""

    def __init__(self, spec: PeopleSpec, count: int) -> None:
        self.spec, self.count = spec, count
        self.pools = Pools(spec.seed, spec.today, spec.rules)
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
        iso, now, random_, choice = pools.iso, spec.now, rng.random, rng.choice
        firsts, lasts = rng.choices(pools.first, k=n), rng.choices(pools.last, k=n)
        locales = rng.choices(range(len(pools.cum_shares)), cum_weights=pools.cum_shares, k=n)
        companies, towns = rng.choices(pools.companies, k=n), rng.choices(pools.towns, k=n)
        sources = rng.choices(spec.sources, k=n)
        blocks, lines = rng.choices(MOBILE_BLOCKS, k=n), rng.choices(LINES, k=n)
        rows: list[Row] = []
        for i in range(n):
            cid = start + i + 1
            a, b = firsts[i], lasts[i]
            if locales[i]:  # not en_GB: both names from that locale
                first_pool, last_pool, family_first = pools.foreign[locales[i] - 1]
                a, b = choice(first_pool), choice(last_pool)
                if family_first:
                    a, b = b, a
            company, folded_company, domain, company_forms = companies[i]
            email = f"{a.local}.{b.local}{cid}@{domain}.example.co.uk"
            block, line = blocks[i], lines[i]
            national = f"07{block}{line}"
            # Days back, drawn as a + int(random() * span): randint is ~8x slower.
            roll = random_()
            since = ceased = -1
            if roll < 0.5:
                status = ENQUIRER
                # Spread so that some fell due already and some fall due in the coming weeks.
                fc = 20 + int(random_() * 401)
                la = max(0, fc - int(random_() * 31))
            elif roll < 0.8:
                status = CUSTOMER
                fc = 200 + int(random_() * 3801)
                since = fc - 10 - int(random_() * 111)
                la = int(random_() * 181)
            else:
                status = FORMER
                fc = 2000 + int(random_() * 3001)
                since = fc - 10 - int(random_() * 111)
                # Ceasing comes after becoming a customer: fewer days back.
                ceased = la = 300 + int(random_() * (min(2620, since - 1) - 299))
            opt_out = random_() < 0.08
            rule, due = pools.retention(status, la, fc, ceased)
            self._first.append(fc)
            self._last.append(la)
            self._since.append(since)
            self._status.append(status)
            rows.append((
                cid, f"{a.raw} {b.raw}", email, f"+44 7{block} {line}", company, towns[i],
                STATUS[status], sources[i], iso[fc], iso[since] if since >= 0 else None,
                iso[ceased] if ceased >= 0 else None, iso[la], int(opt_out),
                iso[la] if opt_out else None, None, rule, due, email, "+44" + national[1:],
                f"{a.folded} {b.folded}",
                f"{name_forms(a, b)} | {email} | {national} | 44{national[1:]} | {company_forms}",
                now, now))
        return rows

    # -- what depends on them ----------------------------------------------------------
    def interactions(self, progress: Progress | None = None) -> Iterator[Row]:
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
            if progress:
                progress(start + n)

    def disclosures(self) -> Iterator[Row]:
        """About three in ten customers' data went to a recipient when they signed up."""
        rng = random.Random(self.spec.seed + 3)
        iso, recipients = self.pools.iso, self.spec.recipients
        for person, status in enumerate(self._status):
            if status != ENQUIRER and rng.random() < 0.3:
                self.counts["disclosures"] += 1
                yield (person + 1, rng.choice(recipients), DISCLOSURE_PURPOSE,
                       iso[self._since[person]])
