"""Realistic demo data (Faker en_GB, fixed seed), for the demo store and for benchmarks.

The people themselves come from demo_people (columns drawn in bulk from pre-built
pools by a seeded Random); this module streams them into one bulk insert per table,
builds the search index once at the end, and adds officers and requests. The same seed
always gives the same register.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Protocol

from privdesk.services.authz import Permission
from privdesk.services.context import ServiceContext, retention_specs
from privdesk.services.demo_breach import add_demo_breach
from privdesk.services.demo_officers import DEMO_OFFICERS as DEMO_OFFICERS  # re-exported
from privdesk.services.demo_officers import DEMO_PASSPHRASE as DEMO_PASSPHRASE  # re-exported
from privdesk.services.demo_people import People, PeopleSpec
from privdesk.services.demo_requests import REQUEST_STATES as REQUEST_STATES  # re-exported
from privdesk.services.demo_requests import insert_demo_requests
from privdesk.store.bulk import BulkLoader

LOADED_TABLES = ("contacts", "interactions", "disclosures")
INSERT_CONTACTS = (
    "INSERT INTO contacts (id, name, email, phone, company, location, status, source,"
    " first_contact, customer_since, ceased, last_activity, marketing_opt_out,"
    " opt_out_on, notes, retention_rule, retention_due, norm_email, norm_phone,"
    " norm_name, search_text, created_at, updated_at)"
    " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)")
# Where each contact row's search text is (the bulk loader indexes it beside the load).
SEARCH_TEXT_AT = [c.strip() for c in INSERT_CONTACTS.split("(")[1].split(")")[0].split(",")
                  ].index("search_text")
INSERT_INTERACTIONS = ("INSERT INTO interactions (contact_id, kind, occurred_on, summary, officer)"
                       " VALUES (?,?,?,?,?)")
INSERT_DISCLOSURES = ("INSERT INTO disclosures (contact_id, recipient, purpose, disclosed_on)"
                      " VALUES (?,?,?,?)")



class Progress(Protocol):
    """Told what is being done: (done, total, stage). Stages "contacts" and
    "interactions" count people; the others ("sorting the indexes on contacts",
    "building the search index", "saving to disk", "adding requests and a breach" ...)
    are single steps, told once each with (0, 0)."""

    def __call__(self, done: int, total: int, stage: str) -> None: ...


@dataclass(frozen=True)
class DemoCounts:
    contacts: int
    interactions: int
    disclosures: int
    requests: int
    breaches: int = 0

    def as_json(self) -> dict[str, int]:
        return {"contacts": self.contacts, "interactions": self.interactions,
                "disclosures": self.disclosures, "requests": self.requests,
                "breaches": self.breaches}


def _stamp(dt: datetime) -> str:
    return dt.strftime("%Y-%m-%d %H:%M:%S.%f")


class DemoDataService:
    def __init__(self, ctx: ServiceContext) -> None:
        self._ctx = ctx

    def generate(self, contacts: int = 2000, requests: int = 40, seed: int = 2018,
                 progress: Progress | None = None) -> DemoCounts:
        self._ctx.require(Permission.IMPORT, "demo.generate", "store", None)
        # Refused before anything is written: a non-empty store gets no demo officers.
        if self._ctx.store.table_counts(["contacts"])["contacts"]:
            raise RuntimeError("demo data goes into an empty store only")
        today = self._ctx.today()
        rng = random.Random(seed + 1)  # requests: independent of the contact stream
        with self._ctx.store.session() as s:
            self._ctx.record(s, "demo.generate", "store", None, detail=f"{contacts} contacts")
        self._officers(_stamp(self._ctx.now()))
        counts = self._ctx.store.run_raw(
            lambda raw: self.load_contacts(raw, contacts, seed, progress))
        if progress:
            progress(0, 0, "adding requests and a breach")
        made = self._requests(rng, requests, today, contacts)
        # One sample breach, so the Breaches area shows what a record looks like.
        add_demo_breach(self._ctx, rng, contacts)
        return DemoCounts(counts["contacts"], counts["interactions"], counts["disclosures"], made,
                          1)

    def load_contacts(self, raw: Any, contacts: int, seed: int = 2018,
                      progress: Progress | None = None) -> dict[str, int]:
        """Generate and insert contacts on a DB-API connection (also used by the
        benchmarks to load the same data into plain SQLite as a baseline)."""
        spec = PeopleSpec(
            seed=seed, today=self._ctx.today(), now=_stamp(self._ctx.now()),
            sources=tuple(s.key for s in self._ctx.policy.sources),
            recipients=tuple(r.key for r in self._ctx.policy.recipients[:7]),
            rules=retention_specs(self._ctx.policy),
        )
        cur = raw.cursor()
        cur.execute("BEGIN")
        if raw.execute("SELECT count(*) FROM contacts").fetchone()[0]:
            cur.execute("ROLLBACK")
            raise RuntimeError("demo data goes into an empty store only")
        made = People(spec, contacts)

        def told(stage: str) -> Callable[[int], None] | None:
            if progress is None:
                return None
            return lambda done: progress(done, contacts, stage)

        def step(stage: str) -> None:
            if progress is not None:
                progress(0, 0, stage)

        loader: BulkLoader | None = None
        try:
            try:
                loader = BulkLoader(raw, LOADED_TABLES, contacts, step, SEARCH_TEXT_AT)
                # One bulk insert per table, fed row by row from the generator; each
                # table's indexes built straight after it, the search index beside
                # (store.bulk).
                loader.load("contacts", INSERT_CONTACTS, made.contacts(told("contacts")))
                loader.load("interactions", INSERT_INTERACTIONS,
                            made.interactions(told("interactions")))
                loader.load("disclosures", INSERT_DISCLOSURES, made.disclosures())
                loader.finish()
                step("saving to disk")
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")
        finally:
            if loader is not None:
                loader.release()
        return dict(made.counts)

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
