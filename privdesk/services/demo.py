"""Realistic demo data (Faker en_GB, fixed seed), for the demo store and for benchmarks.

Faker is slow per call, so it fills pools of names, companies and towns once and a
seeded `random.Random` combines them: the same seed always gives the same register,
and a million contacts stay within a minute.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from faker import Faker

from privdesk.domain.identity import fold, normalise_email, normalise_phone, search_text
from privdesk.domain.retention import RetentionFacts, retention_due
from privdesk.services.context import ServiceContext, retention_specs
from privdesk.services.demo_requests import REQUEST_STATES as REQUEST_STATES  # re-exported
from privdesk.services.demo_requests import insert_demo_requests

DEMO_PASSPHRASE = "demo-only-not-secret"  # noqa: S105 (shown on screen by design)
DEMO_OFFICERS = [("Alex Morgan", "admin"), ("Priya Shah", "officer"), ("Sam Okafor", "officer"),
                 ("Jo Lewis", "viewer")]
INTERACTION_KINDS = ["enquiry", "call", "email", "online_message", "meeting", "event"]
BATCH = 20_000

Progress = Callable[[int, int], None]


@dataclass(frozen=True)
class DemoCounts:
    contacts: int
    interactions: int
    disclosures: int
    requests: int

    def as_json(self) -> dict[str, int]:
        return {"contacts": self.contacts, "interactions": self.interactions,
                "disclosures": self.disclosures, "requests": self.requests}


class _Pools:
    def __init__(self, seed: int) -> None:
        fake = Faker("en_GB")
        fake.seed_instance(seed)
        self.first = list(dict.fromkeys(fake.first_name() for _ in range(1500)))
        self.last = list(dict.fromkeys(fake.last_name() for _ in range(1500)))
        self.companies = list(dict.fromkeys(fake.company() for _ in range(800)))
        self.towns = list(dict.fromkeys(fake.city() for _ in range(400)))
        self.sentences = [fake.sentence(nb_words=10) for _ in range(300)]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None


def _stamp(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S.%f")


class DemoDataService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def generate(self, contacts: int = 2000, requests: int = 40, seed: int = 2018,
                 progress: Progress | None = None) -> DemoCounts:
        today = self._ctx.today()
        rng = random.Random(seed)
        pools = _Pools(seed)
        now = _stamp(self._ctx.now())
        self._officers(now)
        sources = [s.key for s in self._ctx.policy.sources]
        recipients = [r.key for r in self._ctx.policy.recipients[:7]]
        specs = retention_specs(self._ctx.policy)
        counts = {"contacts": 0, "interactions": 0, "disclosures": 0}

        def rows() -> Iterator[tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]]:
            for i in range(contacts):
                yield self._contact(i + 1, rng, pools, today, sources, recipients, specs, now)

        def load(raw: Any) -> None:
            cur = raw.cursor()
            cur.execute("BEGIN")
            start = raw.execute("SELECT coalesce(max(id), 0) FROM contacts").fetchone()[0]
            if start:
                raise RuntimeError("demo data goes into an empty store only")
            batch: list[Any] = []
            inter: list[Any] = []
            disc: list[Any] = []
            for contact, its, ds in rows():
                batch.append(contact)
                inter += its
                disc += ds
                if len(batch) >= BATCH:
                    self._flush(cur, batch, inter, disc, counts)
                    if progress:
                        progress(counts["contacts"], contacts)
            self._flush(cur, batch, inter, disc, counts)
            cur.execute("COMMIT")

        self._ctx.store.run_raw(load)
        if progress:
            progress(counts["contacts"], contacts)
        made = self._requests(rng, requests, today, contacts)
        return DemoCounts(counts["contacts"], counts["interactions"], counts["disclosures"], made)

    @staticmethod
    def _flush(cur: Any, batch: list[Any], inter: list[Any], disc: list[Any],
               counts: dict[str, int]) -> None:
        cur.executemany(
            "INSERT INTO contacts (id, name, email, phone, company, location, status, source,"
            " first_contact, customer_since, ceased, last_activity, marketing_opt_out,"
            " opt_out_on, notes, retention_rule, retention_due, norm_email, norm_phone,"
            " norm_name, search_text, created_at, updated_at)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", batch)
        cur.executemany("INSERT INTO interactions (contact_id, kind, occurred_on, summary, officer)"
                        " VALUES (?,?,?,?,?)", inter)
        cur.executemany("INSERT INTO disclosures (contact_id, recipient, purpose, disclosed_on)"
                        " VALUES (?,?,?,?)", disc)
        counts["contacts"] += len(batch)
        counts["interactions"] += len(inter)
        counts["disclosures"] += len(disc)
        batch.clear()
        inter.clear()
        disc.clear()

    def _contact(self, cid: int, rng: random.Random, pools: _Pools, today: date,
                 sources: list[str], recipients: list[str], specs: Any, now: str,
                 ) -> tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
        first, last = rng.choice(pools.first), rng.choice(pools.last)
        name = f"{first} {last}"
        company = rng.choice(pools.companies)
        domain = fold(company).replace(" ", "").replace(",", "").replace("-", "")[:20] or "example"
        email = f"{fold(first)}.{fold(last)}{cid}@{domain}.example.co.uk".replace(" ", "")
        phone = f"+44 7{rng.randint(100, 999)} {rng.randint(100000, 999999)}"
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
        result = retention_due(RetentionFacts(status, last_activity, first_contact, ceased), specs)
        officer = DEMO_OFFICERS[rng.randrange(3)][0]
        interactions = []
        when = first_contact
        for _ in range(rng.randint(1, 3)):
            interactions.append((cid, rng.choice(INTERACTION_KINDS), _iso(when),
                                 rng.choice(pools.sentences), officer))
            when = min(last_activity, when + timedelta(days=rng.randint(1, 60)))
        disclosures = []
        if status != "enquirer" and rng.random() < 0.3:
            disclosures.append((cid, rng.choice(recipients), "Order fulfilment and support",
                                _iso(customer_since)))
        row = (cid, name, email, phone, company, rng.choice(pools.towns), status,
               rng.choice(sources), _iso(first_contact), _iso(customer_since), _iso(ceased),
               _iso(last_activity), int(opt_out), _iso(last_activity) if opt_out else None, None,
               result.rule_key, _iso(result.due), normalise_email(email), normalise_phone(phone),
               fold(name), search_text(name, email, phone, company), now, now)
        return row, interactions, disclosures

    def _officers(self, now: str) -> None:
        def load(raw: Any) -> None:
            raw.execute("BEGIN")
            raw.executemany("INSERT OR IGNORE INTO officers (name, role, created_at, active)"
                            " VALUES (?,?,?,1)", [(n, r, now) for n, r in DEMO_OFFICERS])
            raw.execute("COMMIT")
        self._ctx.store.run_raw(load)

    def _requests(self, rng: random.Random, count: int, today: date, contacts: int) -> int:
        """Requests in every state, with their timelines (services.demo_requests)."""
        if not contacts:
            return 0

        def load(raw: Any) -> None:
            raw.execute("BEGIN")
            insert_demo_requests(raw, rng, count, today, contacts,
                                 [name for name, role in DEMO_OFFICERS if role != "viewer"])
            raw.execute("COMMIT")

        self._ctx.store.run_raw(load)
        return count
