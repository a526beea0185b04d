"""Generating demo contacts fast: pools from Faker, combined by a seeded Random.

At large sizes the generation runs in a second process while the first inserts
(a pipeline over the machine's two cores); the rows are identical either way because
one seeded Random produces them all, in order.
"""

from __future__ import annotations

import functools
import multiprocessing
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from faker import Faker

from privdesk.domain.identity import fold, join_search_parts
from privdesk.domain.retention import RetentionFacts, RetentionResult, RetentionRuleSpec, retention_due

OFFICER_NAMES = ("Alex Morgan", "Priya Shah", "Sam Okafor")
INTERACTION_KINDS = ("enquiry", "call", "email", "online_message", "meeting", "event")
MOBILE_BLOCKS = (*range(400, 600), *range(700, 1000))
BACKGROUND_FROM = 50_000  # below this a second process costs more than it saves

Row = tuple[Any, ...]
Batch = tuple[list[Row], list[Row], list[Row]]  # contacts, interactions, disclosures


@dataclass(frozen=True)
class PeopleSpec:
    seed: int
    today: date
    now: str
    sources: tuple[str, ...]
    recipients: tuple[str, ...]
    rules: tuple[RetentionRuleSpec, ...]


class _Pools:
    def __init__(self, seed: int) -> None:
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.first = list(dict.fromkeys(fake.first_name() for _ in range(1500)))
        self.last = list(dict.fromkeys(fake.last_name() for _ in range(1500)))
        self.companies = list(dict.fromkeys(fake.company() for _ in range(800)))
        self.towns = list(dict.fromkeys(fake.city() for _ in range(400)))
        self.sentences = [fake.sentence(nb_words=10) for _ in range(300)]
        # Folded once here, not a million times in the loop.
        self.folded = {w: fold(w) for w in (*self.first, *self.last, *self.companies)}


@functools.lru_cache(maxsize=65536)
def _retention(facts: RetentionFacts, rules: tuple[RetentionRuleSpec, ...]) -> RetentionResult:
    return retention_due(facts, rules)


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _person(cid: int, rng: random.Random, pools: _Pools, spec: PeopleSpec,
            ) -> tuple[Row, list[Row], list[Row]]:
    today = spec.today
    first, last = rng.choice(pools.first), rng.choice(pools.last)
    folded_name = f"{pools.folded[first]} {pools.folded[last]}"
    company = rng.choice(pools.companies)
    folded_company = pools.folded[company]
    # Only letters and digits: "O'Connor and Sons" must not give an invalid domain.
    domain = "".join(ch for ch in folded_company if ch.isalnum())[:20] or "example"
    email = f"{pools.folded[first]}.{pools.folded[last]}{cid}@{domain}.example.co.uk".replace(" ", "")
    # A UK mobile number whose normalised forms are known without parsing it again
    # (phonenumbers would be two thirds of the time at a million contacts).
    # UK mobile ranges 074xx-075xx and 077xx-079xx: 070 (personal numbers) and 076
    # (pagers) would fail the register's own phone validation on re-import.
    block, line = rng.choice(MOBILE_BLOCKS), rng.randint(100000, 999999)
    national = f"07{block}{line}"
    roll = rng.random()
    customer_since = ceased = None
    if roll < 0.5:
        status = "enquirer"
        # Spread so that some fell due already and some fall due in the coming weeks.
        first_contact = today - timedelta(days=rng.randint(20, 420))
        last_activity = min(today, first_contact + timedelta(days=rng.randint(0, 30)))
    elif roll < 0.8:
        status = "customer"
        first_contact = today - timedelta(days=rng.randint(200, 4000))
        customer_since = first_contact + timedelta(days=rng.randint(10, 120))
        last_activity = today - timedelta(days=rng.randint(0, 180))
    else:
        status = "former_customer"
        first_contact = today - timedelta(days=rng.randint(2000, 5000))
        customer_since = first_contact + timedelta(days=rng.randint(10, 120))
        ceased = today - timedelta(days=rng.randint(300, 2620))
        last_activity = ceased
    opt_out = rng.random() < 0.08
    result = _retention(RetentionFacts(status, last_activity, first_contact, ceased), spec.rules)
    officer = OFFICER_NAMES[rng.randrange(3)]
    interactions = []
    when = first_contact
    for _ in range(rng.randint(1, 3)):
        interactions.append((cid, rng.choice(INTERACTION_KINDS), _iso(when),
                             rng.choice(pools.sentences), officer))
        when = min(last_activity, when + timedelta(days=rng.randint(1, 60)))
    disclosures = []
    if status != "enquirer" and rng.random() < 0.3:
        disclosures.append((cid, rng.choice(spec.recipients), "Order fulfilment and support",
                            _iso(customer_since)))
    row = (cid, f"{first} {last}", email, f"+44 7{block} {line}", company,
           rng.choice(pools.towns), status, rng.choice(spec.sources), _iso(first_contact),
           _iso(customer_since), _iso(ceased), _iso(last_activity), int(opt_out),
           _iso(last_activity) if opt_out else None, None, result.rule_key, _iso(result.due),
           email, "+44" + national[1:], folded_name,
           join_search_parts(folded_name, email, [national, "44" + national[1:]], folded_company),
           spec.now, spec.now)
    return row, interactions, disclosures


def generate_batches(spec: PeopleSpec, count: int, batch_size: int) -> Iterator[Batch]:
    rng = random.Random(spec.seed)
    pools = _Pools(spec.seed)
    batch: Batch = ([], [], [])
    for i in range(count):
        row, its, ds = _person(i + 1, rng, pools, spec)
        batch[0].append(row)
        batch[1].extend(its)
        batch[2].extend(ds)
        if len(batch[0]) >= batch_size:
            yield batch
            batch = ([], [], [])
    if batch[0]:
        yield batch


def _produce(spec: PeopleSpec, count: int, batch_size: int, conn: Any) -> None:
    for batch in generate_batches(spec, count, batch_size):
        conn.send(batch)
    conn.send(None)
    conn.close()


def people(spec: PeopleSpec, count: int, batch_size: int) -> Iterator[Batch]:
    """Batches of demo people; generated in a second process for large counts."""
    if count < BACKGROUND_FROM:
        yield from generate_batches(spec, count, batch_size)
        return
    ctx = multiprocessing.get_context("spawn")  # never fork a process that may run Qt
    receive, send = ctx.Pipe(duplex=False)
    worker = ctx.Process(target=_produce, args=(spec, count, batch_size, send), daemon=True)
    worker.start()
    send.close()
    try:
        while (batch := receive.recv()) is not None:
            yield batch
    finally:
        receive.close()
        worker.join(timeout=5)
        if worker.is_alive():
            worker.terminate()
