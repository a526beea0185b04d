"""What a benchmark result is, and the shared data it runs on.

The data is built once per size with the demo generator into an encrypted store, and
copied to a plain (unencrypted) SQLite file with sqlcipher_export, so every SQLCipher
figure has a baseline over identical pages.
"""

from __future__ import annotations

import contextlib
import hashlib
import resource
import statistics
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, cast

import sqlcipher3
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

from privdesk.policy import Policy, load_policy
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.demo import DemoDataService
from privdesk.store.engine import Store, StoreKey
from privdesk.store.sqlcipher import CACHE_KIB

OVERHEAD_TARGET = 1.3  # SQLCipher within 1.3x of plain SQLite on every query case

SIZES = {"2k": 2_000, "10k": 10_000, "100k": 100_000, "1m": 1_000_000}
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
    load: float | None = None  # 1-minute load average when the case finished

    @property
    def ratio(self) -> float | None:
        if self.baseline in (None, 0):
            return None
        return round(self.value / self.baseline, 2)

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


def cpu_seconds() -> float:
    """This process's CPU time so far, user + system (all threads, SQLite's included):
    steadier than wall time on a shared machine."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def timed_cpu(fn: Callable[[], Any]) -> tuple[float, float, Any]:
    """(wall seconds, CPU seconds, result)."""
    cpu = cpu_seconds()
    wall, result = timed(fn)
    return wall, cpu_seconds() - cpu, result


@dataclass
class BenchData:
    """An encrypted store and its plain twin at one size."""

    size: int
    encrypted: Path
    plain: Path
    build_seconds: float | None
    plain_build_seconds: float | None
    policy: Policy
    build_cpu: float | None = None  # CPU seconds of the build, when this run built it

    def open_store(self) -> Store:
        return Store.open(self.encrypted, StoreKey.passphrase(BENCH_PASSPHRASE))

    def context(self, store: Store) -> ServiceContext:
        return ServiceContext(store=store, policy=self.policy, actor=Actor("bench"))

    def open_raw(self) -> Store:
        """The store opened with its key already derived (what the vault hands over after
        the officer's key slot is unlocked): the open costs no PBKDF2."""
        return Store.open(self.encrypted, derived_key(self.encrypted))

    def plain_connection(self) -> Any:
        conn = sqlcipher3.connect(str(self.plain), check_same_thread=False)
        conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        return conn

    def plain_context(self, plain: PlainStore) -> ServiceContext:
        """A context whose store is the plain twin: the very same service code and SQL,
        minus the encryption, which is what the SQLCipher overhead is measured against."""
        return ServiceContext(store=cast(Store, plain), policy=self.policy, actor=Actor("bench"))


class PlainStore:
    """The parts of Store the read services use (session, run_raw), over the plain twin
    with the same pragmas and page cache as the encrypted store."""

    def __init__(self, path: Path) -> None:
        def creator() -> Any:
            conn = sqlcipher3.connect(str(path), check_same_thread=False)
            for pragma in ("foreign_keys = ON", "journal_mode = WAL", "temp_store = MEMORY",
                           f"cache_size = -{CACHE_KIB}"):
                conn.execute(f"PRAGMA {pragma}")
            return conn

        self.path = path
        self.engine: Engine = create_engine("sqlite://", creator=creator)

        @event.listens_for(self.engine, "connect")
        def _no_driver_transactions(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None

        @event.listens_for(self.engine, "begin")
        def _begin(conn: Any) -> None:
            conn.exec_driver_sql("BEGIN")

        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextlib.contextmanager
    def session(self) -> Iterator[Session]:
        with self._sessions() as s, s.begin():
            yield s

    def run_raw(self, fn: Callable[[Any], Any]) -> Any:
        with self.engine.connect() as c:
            return fn(c.connection.dbapi_connection)

    def close(self) -> None:
        self.engine.dispose()

    def __enter__(self) -> PlainStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def derived_key(path: Path, passphrase: str = BENCH_PASSPHRASE) -> StoreKey:
    """SQLCipher 4's own derivation (PBKDF2-HMAC-SHA512, 256,000 rounds, the file's salt),
    done once here so that timings start after the key is derived."""
    with path.open("rb") as f:
        salt = f.read(16)
    return StoreKey.raw(hashlib.pbkdf2_hmac("sha512", passphrase.encode(), salt, 256_000, 32))


def prepare(folder: Path, size_name: str, log: Callable[[str], None] = print) -> BenchData:
    size = SIZES[size_name]
    folder.mkdir(parents=True, exist_ok=True)
    policy = load_policy()
    encrypted = folder / f"bench-{size_name}.privdesk"
    plain = folder / f"bench-{size_name}-plain.sqlite"
    build = build_cpu = None
    if not encrypted.exists():
        log(f"building {size:,} contacts (encrypted)…")
        store = Store.create(encrypted, StoreKey.passphrase(BENCH_PASSPHRASE))
        with store:
            build, build_cpu, _ = timed_cpu(lambda: DemoDataService(
                ServiceContext(store=store, policy=policy, actor=Actor("bench"))
            ).generate(contacts=size))
            store.checkpoint()
    # Bring a reused store up to the current schema (new indexes) before the twin is
    # taken from it, and take the twin again when the store changed since.
    Store.open(encrypted, derived_key(encrypted)).close()
    plain_build = None
    if not plain.exists() or plain.stat().st_mtime < encrypted.stat().st_mtime:
        log("exporting a plain SQLite twin for baselines…")
        for stale in (plain, plain.with_name(plain.name + "-wal"), plain.with_name(plain.name + "-shm")):
            stale.unlink(missing_ok=True)
        plain_build, _ = timed(lambda: export_plain(encrypted, plain))
    return BenchData(size, encrypted, plain, build, plain_build, policy, build_cpu)


def export_plain(encrypted: Path, plain: Path) -> None:
    conn = sqlcipher3.connect(str(encrypted))
    conn.execute("PRAGMA cipher_log_level = NONE")
    conn.set_key(BENCH_PASSPHRASE.encode())
    conn.execute("ATTACH DATABASE ? AS plain KEY ''", (str(plain),))
    conn.execute("SELECT sqlcipher_export('plain')")
    conn.execute("DETACH DATABASE plain")
    conn.close()
