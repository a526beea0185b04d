"""Kill during a backup: the previous backup stays whole and opens; the new one is
either absent (old backup still in place) or complete, never half-written.

TODO(after merge): drive privdesk/services/backup.py instead of writer_child.backup_to,
the stand-in that follows the same pattern (SQLite backup API to a temporary name, fsync,
os.replace)."""

from __future__ import annotations

import random
import signal
from pathlib import Path

from privdesk.store.engine import Store, StoreKey
from privdesk.store.errors import StoreError
from tests.reliability.conftest import Figures
from tests.reliability.helpers import PASSPHRASE, expected, read_contacts, run_and_kill, write_contacts
from tests.reliability.writer_child import backup_to

ENV = {"PRIVDESK_TEST_PASSPHRASE": PASSPHRASE}
ROWS, MORE = 2000, 40


def _backup_rows(dest: Path, figures: Figures, trial: int) -> int | None:
    try:
        backup = Store.open(dest, StoreKey.passphrase(PASSPHRASE), migrate=False)
    except StoreError as exc:
        figures.fail(f"trial {trial}: the backup does not open: {exc}")
        return None
    with backup:
        for problem in backup.integrity_check():
            figures.fail(f"trial {trial}: backup {problem}")
        rows = read_contacts(backup)
    if rows != {seq: expected(seq) for seq in range(1, len(rows) + 1)}:
        figures.fail(f"trial {trial}: the backup's rows differ from what was written")
    return len(rows)


def test_kill_during_backup_keeps_the_previous_backup(tmp_path: Path, figures: Figures) -> None:
    path, dest = tmp_path / "live.privdesk", tmp_path / "backup.privdesk"
    with Store.create(path, StoreKey.passphrase(PASSPHRASE)) as store:
        write_contacts(store, range(1, ROWS + 1))
        backup_to(store, dest)
    # Time one uninterrupted backup in a child, so the kills spread over the real thing.
    duration = run_and_kill(["backup", str(path), str(dest)], ENV, delay=30).took()
    figures.extra["backup_seconds"] = round(duration, 3)
    rng = random.Random(11)
    backed_up, total = ROWS, ROWS
    for trial in range(figures.size(4, 30)):
        with Store.open(path, StoreKey.passphrase(PASSPHRASE)) as store:
            write_contacts(store, range(total + 1, total + MORE + 1))
        total += MORE
        # Very early, late (around the swap), and anywhere, in turn.
        low, high = [(0.0, 0.02), (0.8 * duration, 1.3 * duration), (0.0, 1.3 * duration)][trial % 3]
        delay = rng.uniform(low, high)
        run = run_and_kill(["backup", str(path), str(dest)], ENV, delay=delay)
        figures.trials += 1
        if run.returncode not in (0, -signal.SIGKILL):
            figures.fail(f"trial {trial}: the backup failed: {run.stderr[-800:]}")
            continue
        rows = _backup_rows(dest, figures, trial)
        if rows is None:
            continue
        if "done" in run.lines and rows != total:
            figures.fail(f"trial {trial}: the backup returned but holds {rows} of {total} rows")
        elif rows not in (backed_up, total):
            figures.fail(f"trial {trial}: the backup holds {rows} rows: neither the previous "
                         f"({backed_up}) nor the new ({total})")
        figures.add("new_backup_complete" if rows == total else "previous_backup_kept")
        backed_up = rows
    with Store.open(path, StoreKey.passphrase(PASSPHRASE)) as store:
        assert store.integrity_check() == []
        assert len(read_contacts(store)) == total
    figures.check()
