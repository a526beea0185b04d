"""kill -9 during thousands of committed transactions (WAL, synchronous=FULL).

A child process commits small transactions on a real encrypted store and reports each
committed id only after commit returned; the parent SIGKILLs it at a random moment,
reopens the store and checks: integrity (SQLite + SQLCipher page HMACs + FTS5), every
reported row present with exactly the bytes written, no row that was never written.
"""

from __future__ import annotations

import random
from pathlib import Path

from privdesk.store.engine import Store, StoreKey
from privdesk.store.errors import StoreError
from tests.reliability.conftest import Figures
from tests.reliability.helpers import PASSPHRASE, expected, fts_problems, read_contacts, run_and_kill
from tests.reliability.writer_child import updated_text

ENV = {"PRIVDESK_TEST_PASSPHRASE": PASSPHRASE}
FRESH_STORE_EVERY = 40  # keeps the file (and each trial's full read-back) small


def _verify(path: Path, promised: set[int], updated: set[int], trial: int,
            figures: Figures) -> int:
    """Check the store after a kill; return how many committed-but-unreported rows the
    kill left behind (a commit that returned just before the kill, before its report),
    and add them to `promised`."""
    try:
        store = Store.open(path, StoreKey.passphrase(PASSPHRASE))
    except StoreError as exc:
        figures.fail(f"trial {trial}: the store does not open after the kill: {exc}")
        return 0
    with store:
        for problem in store.integrity_check() + fts_problems(store):
            figures.fail(f"trial {trial}: {problem}")
        rows = read_contacts(store)
    lost = promised - rows.keys()
    if lost:
        figures.fail(f"trial {trial}: {len(lost)} committed rows lost, e.g. {sorted(lost)[:5]}")
        figures.add("lost_committed_rows", len(lost))
    for seq, row in rows.items():
        name, email, company, notes, search = expected(seq)
        want_search = {search, updated_text(seq)} - ({search} if seq in updated else set())
        if row[:4] != (name, email, company, notes) or row[4] not in want_search:
            figures.fail(f"trial {trial}: row {seq} reads back different from what was written")
    extra = rows.keys() - promised
    # Rows that survived a reopen are durable from now on: later trials must keep them too.
    promised.update(extra)
    return len(extra)


def test_kill9_during_committed_writes(tmp_path: Path, figures: Figures) -> None:
    trials = figures.size(5, 200)
    rng = random.Random(20261124)
    promised: set[int] = set()
    updated: set[int] = set()
    path = tmp_path / "none"
    for trial in range(trials):
        if trial % FRESH_STORE_EVERY == 0:
            path = tmp_path / f"crash-{trial}.privdesk"
            Store.create(path, StoreKey.passphrase(PASSPHRASE)).close()
            promised, updated = set(), set()
        # One kill in ten lands while the child is still starting or opening the store.
        early = rng.random() < 0.1
        run = run_and_kill(["write", str(path)], ENV, delay=rng.uniform(0.0, 1.0),
                           after_ready=not early)
        figures.trials += 1
        if not run.killed:
            figures.fail(f"trial {trial}: the writer stopped by itself ({run.returncode}): "
                         f"{run.stderr[-800:]}")
            continue
        figures.add("kills_before_ready", int("ready" not in run.lines))
        for line in run.lines:
            kind, _, ids = line.partition(" ")
            if kind == "c":
                figures.add("transactions_reported")
                promised.update(int(i) for i in ids.split())
                figures.add("rows_reported", len(ids.split()))
            elif kind == "u":
                updated.add(int(ids))
            elif kind != "ready":
                figures.fail(f"trial {trial}: unexpected report {line!r}")
        figures.add("unreported_commits_found", _verify(path, promised, updated, trial, figures))
    figures.extra.setdefault("lost_committed_rows", 0)
    figures.check()
