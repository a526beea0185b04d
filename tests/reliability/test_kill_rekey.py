"""Kill during a rekey: afterwards the store opens with exactly one of the two keys, passes
integrity and holds every row; if the rekey had returned, it is the new key."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from privdesk.store.engine import Store, StoreKey
from privdesk.store.errors import StoreError
from tests.reliability.conftest import Figures
from tests.reliability.helpers import (
    PASSPHRASE,
    REPO,
    expected,
    read_contacts,
    run_and_kill,
    write_contacts,
)

NEW = "a completely different passphrase"
ENV = {"PRIVDESK_TEST_PASSPHRASE": PASSPHRASE, "PRIVDESK_TEST_NEW_PASSPHRASE": NEW}
ROWS = 2000


def _opens_with(path: Path, passphrase: str, figures: Figures, trial: int) -> bool:
    try:
        store = Store.open(path, StoreKey.passphrase(passphrase))
    except StoreError:
        return False
    with store:
        for problem in store.integrity_check():
            figures.fail(f"trial {trial}: {problem}")
        rows = read_contacts(store)
    if rows != {seq: expected(seq) for seq in range(1, ROWS + 1)}:
        figures.fail(f"trial {trial}: the rows differ after the rekey ({len(rows)} read back)")
    return True


def _delay(rng: random.Random, trial: int, duration: float) -> float:
    """Very early, very late, and anywhere in between, in turn."""
    kind = trial % 4
    if kind == 0:
        return rng.uniform(0.0, 0.02)
    if kind == 1:
        return rng.uniform(0.8 * duration, 1.3 * duration)
    return rng.uniform(0.0, 1.1 * duration)


def test_kill_during_rekey_leaves_exactly_one_key(tmp_path: Path, figures: Figures) -> None:
    base = tmp_path / "base.privdesk"
    with Store.create(base, StoreKey.passphrase(PASSPHRASE)) as store:
        write_contacts(store, range(1, ROWS + 1))
    # Time one uninterrupted rekey in a child, so the kills spread over the real thing.
    timing = tmp_path / "timing.privdesk"
    shutil.copyfile(base, timing)
    duration = run_and_kill(["rekey", str(timing)], ENV, delay=30).took()
    figures.extra["rekey_seconds"] = round(duration, 3)
    rng = random.Random(9)
    for trial in range(figures.size(4, 50)):
        path = tmp_path / f"rekey-{trial}.privdesk"
        shutil.copyfile(base, path)
        run = run_and_kill(["rekey", str(path)], ENV, delay=_delay(rng, trial, duration))
        figures.trials += 1
        if run.returncode not in (0, -signal.SIGKILL):
            figures.fail(f"trial {trial}: the rekey failed: {run.stderr[-800:]}")
            continue
        old_ok = _opens_with(path, PASSPHRASE, figures, trial)
        new_ok = _opens_with(path, NEW, figures, trial)
        if old_ok == new_ok:
            figures.fail(f"trial {trial}: opens with {'both' if old_ok else 'neither'} key(s)")
        elif "done" in run.lines and not new_ok:
            figures.fail(f"trial {trial}: the rekey returned but the old key still opens it")
        figures.add("ended_under_new_key" if new_ok else "ended_under_old_key")
        leftovers = sorted(p.name for p in tmp_path.glob(path.name + "-*"))
        if leftovers:
            figures.fail(f"trial {trial}: files left beside the store: {leftovers}")
        path.unlink()
    figures.check()


CRASH_MID_TRANSACTION = """
import os, signal, sqlcipher3, sys
conn = sqlcipher3.connect(sys.argv[1], isolation_level=None)
conn.execute("PRAGMA cipher_log_level = NONE")
conn.set_key(sys.argv[2].encode())
conn.execute("PRAGMA journal_mode = DELETE")
conn.execute("PRAGMA cache_size = 5")  # a tiny cache spills changed pages to the file
conn.execute("BEGIN")
conn.execute("UPDATE contacts SET notes = 'half-done ' || notes")
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_store_opens_after_a_crash_that_left_a_hot_journal(tmp_path: Path,
                                                           figures: Figures) -> None:
    """Regression: the read-only key check could not replay a hot rollback journal, so a
    crash mid-transaction in journal mode (as the old in-place rekey ran) left a store
    that refused every key."""
    path = tmp_path / "hot.privdesk"
    with Store.create(path, StoreKey.passphrase(PASSPHRASE)) as store:
        write_contacts(store, range(1, 501))
    subprocess.run([sys.executable, "-c", CRASH_MID_TRANSACTION, str(path), PASSPHRASE],
                   cwd=REPO, env={**os.environ}, check=False, timeout=60)
    assert path.with_name(path.name + "-journal").exists(), "the crash left no hot journal"
    figures.trials = 1
    with Store.open(path, StoreKey.passphrase(PASSPHRASE)) as store:
        assert store.integrity_check() == []
        assert read_contacts(store) == {seq: expected(seq) for seq in range(1, 501)}
    assert not path.with_name(path.name + "-journal").exists()
