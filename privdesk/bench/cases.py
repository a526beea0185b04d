"""The benchmark cases. Each returns a BenchResult with its same-run baseline."""

from __future__ import annotations

import random
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import sqlcipher3

from privdesk.bench.harness import BENCH_PASSPHRASE, BenchData, BenchResult, export_plain, p95, timed
from privdesk.domain.identity import search_query
from privdesk.services.demo import DemoDataService
from privdesk.store.engine import Store, StoreKey

SEARCH_TERMS = ["smi", "smit", "smith", "jon", "jone", "jones", "07", "079", "0791", "07911",
                "mar", "mart", "marti", "acm", "ltd", "hol", "holt", "ann", "anne", "wil"]
FTS_SQL = ("SELECT c.id FROM contacts_fts JOIN contacts c ON c.id = contacts_fts.rowid "
           "WHERE contacts_fts MATCH ? LIMIT 200")


def _fts_phrase(text: str) -> str:
    return '"' + search_query(text).replace('"', '""') + '"'


def bench_search(data: BenchData, search: Callable[[str], Any] | None = None) -> BenchResult:
    """p95 of search-as-you-type queries through the service, beside the same FTS5 query
    on the plain twin."""
    queries = SEARCH_TERMS * 5
    with data.open_store() as store:
        if search is None:
            def search(text: str) -> Any:
                with store.engine.connect() as c:
                    return c.exec_driver_sql(FTS_SQL, (_fts_phrase(text),)).fetchall()
        search("warm up")
        ours = [timed(lambda q=q: search(q))[0] * 1000 for q in queries]
    plain = data.plain_connection()
    plain.execute(FTS_SQL, (_fts_phrase("warm up"),)).fetchall()
    base = [timed(lambda q=q: plain.execute(FTS_SQL, (_fts_phrase(q),)).fetchall())[0] * 1000
            for q in queries]
    plain.close()
    value = p95(ours)
    return BenchResult("search p95 (service)", round(value, 2), "ms", "< 20 ms",
                       round(p95(base), 2), value < 20)


RETENTION_SQL = ("SELECT id, name, retention_rule, retention_due FROM contacts "
                 "WHERE retention_due IS NOT NULL AND retention_due <= ? "
                 "ORDER BY retention_due LIMIT 500")


def bench_retention(data: BenchData, due_within: Callable[[int], Any] | None = None) -> BenchResult:
    """The retention list due in the next 30 days (first page, overdue included)."""
    horizon = "2026-12-24"
    with data.open_store() as store:
        if due_within is None:
            def due_within(days: int) -> Any:
                with store.engine.connect() as c:
                    return c.exec_driver_sql(RETENTION_SQL, (horizon,)).fetchall()
        due_within(30)
        ours = [timed(lambda: due_within(30))[0] * 1000 for _ in range(20)]
    plain = data.plain_connection()
    plain.execute(RETENTION_SQL, (horizon,)).fetchall()
    base = [timed(lambda: plain.execute(RETENTION_SQL, (horizon,)).fetchall())[0] * 1000
            for _ in range(20)]
    plain.close()
    value = p95(ours)
    return BenchResult("retention due in 30 days (p95)", round(value, 2), "ms", "< 50 ms",
                       round(p95(base), 2), value < 50)


def bench_open_store(data: BenchData) -> BenchResult:
    """Unlock to first query: SQLCipher key derivation included (the key slot work of
    Argon2 is not), beside opening the plain twin."""
    def open_and_count() -> None:
        with Store.open(data.encrypted, StoreKey.passphrase(BENCH_PASSPHRASE)) as s:
            s.table_counts(["contacts"])
    value, _ = timed(open_and_count)

    def plain_open() -> None:
        conn = sqlcipher3.connect(str(data.plain))
        conn.execute("SELECT count(*) FROM contacts").fetchone()
        conn.close()
    base, _ = timed(plain_open)
    return BenchResult("open store + count", round(value * 1000, 1), "ms", "< 1000 ms",
                       round(base * 1000, 1), value < 1.0)


def bench_demo_data(data: BenchData) -> BenchResult:
    """demo-data at this size, beside the same generator into plain SQLite."""
    with tempfile.TemporaryDirectory() as tmp:
        empty = Path(tmp) / "empty.privdesk"
        Store.create(empty, StoreKey.passphrase(BENCH_PASSPHRASE)).close()
        plain_path = Path(tmp) / "plain.sqlite"
        export_plain(empty, plain_path)
        conn = sqlcipher3.connect(str(plain_path), isolation_level=None)
        conn.execute("PRAGMA journal_mode = WAL")
        with Store.open(empty, StoreKey.passphrase(BENCH_PASSPHRASE)) as store:
            service = DemoDataService(data.context(store))
            base, _ = timed(lambda: service.load_contacts(conn, data.size))
        conn.close()
    value = data.build_seconds
    if value is None:  # the data already existed: build it again to measure
        with tempfile.TemporaryDirectory() as tmp:
            store = Store.create(Path(tmp) / "x.privdesk", StoreKey.passphrase(BENCH_PASSPHRASE))
            with store:
                value, _ = timed(lambda: DemoDataService(data.context(store)).generate(
                    contacts=data.size))
    target = 60.0 * data.size / 1_000_000
    return BenchResult(f"demo-data {data.size:,} contacts", round(value, 1), "s",
                       f"< {target:g} s", round(base, 1), value < target)


def sample_ids(size: int, n: int = 50, seed: int = 7) -> list[int]:
    rng = random.Random(seed)
    return [rng.randint(1, size) for _ in range(n)]
