"""Search at scale: p95 of register searches over a demo register (default 1M rows).

Run with `pytest -m bench tests/bench/test_contacts_search_bench.py`; set
PRIVDESK_BENCH_CONTACTS to try another size. Generating a million contacts takes a few
minutes; the measurement itself a few seconds.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from privdesk.domain.contact_records import ContactQuery
from privdesk.policy import load_policy
from privdesk.services.contacts import ContactService
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.demo import DemoDataService
from privdesk.store.engine import Store, StoreKey

pytestmark = pytest.mark.bench
QUERIES = ["smith", "ann lee", "jones", "07911", "+44 7911 1", "harris", "acme", "john.smith",
           "wright ltd", "zoe", "oliver", "li", "a", "mit", "taylor and", "07123 456", "brown",
           "clarke", "evans", "@hotmail"]


def test_search_p95_under_20ms(tmp_path: Path) -> None:
    n = int(os.environ.get("PRIVDESK_BENCH_CONTACTS", "1000000"))
    store = Store.create(tmp_path / "bench.privdesk", StoreKey.passphrase("bench"))
    ctx = ServiceContext(store=store, policy=load_policy(), actor=Actor("bench"))
    DemoDataService(ctx).generate(contacts=n, requests=0)
    contacts = ContactService(ctx)
    contacts.search(ContactQuery(text="warm up"), 0, 50)
    timings = []
    for _ in range(3):
        for q in QUERIES:
            start = time.perf_counter()
            contacts.search(ContactQuery(text=q), 0, 50)
            timings.append((time.perf_counter() - start) * 1000)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95)]
    print(f"\n{n:,} contacts: p50 {timings[len(timings) // 2]:.1f} ms, p95 {p95:.1f} ms")
    store.close()
    assert p95 < 20
