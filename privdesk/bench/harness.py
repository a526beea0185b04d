"""What a benchmark result is, and the shared data it runs on.

The data is built once per size with the demo generator into an encrypted store, and
copied to a plain (unencrypted) SQLite file with sqlcipher_export, so every SQLCipher
figure has a baseline over identical pages.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import sqlcipher3

from privdesk.policy import Policy, load_policy
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.demo import DemoDataService
from privdesk.store.engine import Store, StoreKey

SIZES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
BENCH_PASSPHRASE = "benchmark passphrase"  # noqa: S105 (throwaway data)


@dataclass(frozen=True)
class BenchResult:
    name: str
    value: float
    unit: str
    target: str
    baseline: float | None
    met: bool
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return round(self.value / self.baseline, 2)  # type: ignore[operator]

    def as_json(self) -> dict[str, Any]:
        out = asdict(self)
        out["ratio"] = self.ratio
        return out


def p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[18] if len(samples) >= 20 else max(samples)


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


@dataclass
class BenchData:
    """An encrypted store and its plain twin at one size."""

    size: int
    encrypted: Path
    plain: Path
    build_seconds: float | None
    plain_build_seconds: float | None
    policy: Policy

    def open_store(self) -> Store:
        return Store.open(self.encrypted, StoreKey.passphrase(BENCH_PASSPHRASE))

    def context(self, store: Store) -> ServiceContext:
        return ServiceContext(store=store, policy=self.policy, actor=Actor("bench"))

    def plain_connection(self) -> Any:
        conn = sqlcipher3.connect(str(self.plain), check_same_thread=False)
        conn.execute("PRAGMA cache_size = -65536")
        return conn


def prepare(folder: Path, size_name: str, log: Callable[[str], None] = print) -> BenchData:
    size = SIZES[size_name]
    folder.mkdir(parents=True, exist_ok=True)
    policy = load_policy()
    encrypted = folder / f"bench-{size_name}.privdesk"
    plain = folder / f"bench-{size_name}-plain.sqlite"
    build = None
    if not encrypted.exists():
        log(f"building {size:,} contacts (encrypted)…")
        store = Store.create(encrypted, StoreKey.passphrase(BENCH_PASSPHRASE))
        with store:
            build, _ = timed(lambda: DemoDataService(
                ServiceContext(store=store, policy=policy, actor=Actor("bench"))
            ).generate(contacts=size))
            store.checkpoint()
    plain_build = None
    if not plain.exists():
        log("exporting a plain SQLite twin for baselines…")
        plain_build, _ = timed(lambda: export_plain(encrypted, plain))
    return BenchData(size, encrypted, plain, build, plain_build, policy)


def export_plain(encrypted: Path, plain: Path) -> None:
    conn = sqlcipher3.connect(str(encrypted))
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.set_key(BENCH_PASSPHRASE.encode())
    conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
    conn.execute("SELECT sqlcipher_export('plain')")
    conn.execute("DETACH DATABASE plain")
    conn.close()
