"""A full disk: `privdesk init`, `demo-data` and writes give a clear error (no traceback),
exit non-zero, leave nothing half-made, and the existing store keeps every committed row.

Two ways to fill a disk: a real 2 MiB tmpfs (needs root; skipped otherwise), and an
injected one that works anywhere: RLIMIT_FSIZE on the child process (the kernel refuses
to grow a file past the limit, as on a full disk) and an OSError(ENOSPC) from the copy
a rekey makes.
"""

from __future__ import annotations

import errno
import getpass
import os
import random
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from privdesk.store import keyslots as ks
from privdesk.store import vault
from privdesk.store.engine import Store, StoreKey
from privdesk.store.errors import DiskFullError
from privdesk.store.failures import is_disk_full
from tests.reliability.conftest import Figures
from tests.reliability.helpers import (
    PASSPHRASE,
    REPO,
    expected,
    read_contacts,
    run_cli,
    write_contacts,
)

KEPT = 200  # committed rows that must survive every failure
DEMO = 1500  # demo-data contacts: one transaction, so all or none


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    disk = tmp_path / "disk"
    disk.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)],
                          capture_output=True, check=False)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.decode().strip()}")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


@pytest.fixture(scope="module")
def kept_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("kept") / "kept.privdesk"
    with Store.create(path, StoreKey.passphrase(PASSPHRASE)) as store:
        write_contacts(store, range(1, KEPT + 1))
    return path


def fill(disk: Path, leave: int) -> Path:
    """Fill the disk, then give back `leave` bytes."""
    filler = disk / "filler"
    # Unbuffered: a buffered file keeps the bytes a full disk refused and raises ENOSPC
    # again when it is closed (seen as a flaky failure once the store's size shifted).
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(b"\0" * 65536)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    with open(filler, "rb+") as fh:
        fh.truncate(max(0, filler.stat().st_size - leave))
    return filler


def check_kept(path: Path, figures: Figures, label: str, extra_rows: tuple[int, ...]) -> None:
    """The store opens, passes integrity, keeps the committed rows exactly; any other
    contacts came in whole transactions (counts in `extra_rows`)."""
    # The CLI upgrades a store made without officers in place (its passphrase becomes its
    # first admin's, the login name): open it the way the CLI now does.
    if ks.sidecar_path(path).exists():
        opened = vault.open_store(path, getpass.getuser(), PASSPHRASE)
    else:
        opened = Store.open(path, StoreKey.passphrase(PASSPHRASE))
    with opened as store:
        problems = store.integrity_check()
        rows = read_contacts(store)
        with store.read_session() as s:
            contacts = s.execute(text("SELECT count(*) FROM contacts")).scalar_one()
    for problem in problems:
        figures.fail(f"{label}: {problem}")
    if any(rows.get(seq) != expected(seq) for seq in range(1, KEPT + 1)):
        figures.fail(f"{label}: committed rows lost or changed")
    if contacts - KEPT not in extra_rows:
        figures.fail(f"{label}: {contacts - KEPT} extra contacts: a half-written transaction")


def clear_error(result: subprocess.CompletedProcess[str], figures: Figures, label: str) -> None:
    if result.returncode == 0:
        return  # the operation fitted in the space left: fine, checked by the caller
    figures.add("clear_errors")
    if "Traceback" in result.stderr or not result.stderr.startswith("privdesk: "):
        figures.fail(f"{label}: not a clear error: {result.stderr[-600:]}")


def test_full_tmpfs(small_disk: Path, kept_store: Path, tmp_path: Path, figures: Figures) -> None:
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    rng = random.Random(6)
    operations = ["init", "demo-data", "writes"]
    for trial in range(figures.size(3, 24)):
        op = operations[trial % 3]
        # Completely full on the first round, then a random sliver of space.
        leave = 0 if trial < 3 else rng.randrange(0, 600_000)
        label = f"trial {trial} ({op}, {leave} bytes free)"
        store = small_disk / "kept.privdesk"
        shutil.copyfile(kept_store, store)
        opened = Store.open(store, StoreKey.passphrase(PASSPHRASE)) if op == "writes" else None
        filler = fill(small_disk, leave)
        figures.trials += 1
        if op == "init":
            new = small_disk / "new.privdesk"
            result = run_cli("init", "--store", str(new), "--passphrase-file", str(pw))
            clear_error(result, figures, label)
            if result.returncode != 0 and any(small_disk.glob("new.privdesk*")):
                figures.fail(f"{label}: a half-made store was left behind")
            for leftover in small_disk.glob("new.privdesk*"):
                leftover.unlink()
        elif op == "demo-data":
            result = run_cli("demo-data", "--store", str(store), "--passphrase-file", str(pw),
                             "--contacts", str(DEMO))
            clear_error(result, figures, label)
        else:
            assert opened is not None
            try:
                write_contacts(opened, range(KEPT + 1, KEPT + 5001), per_transaction=100)
            except Exception as exc:
                figures.add("clear_errors")
                if not is_disk_full(exc) and not isinstance(exc, DiskFullError):
                    figures.fail(f"{label}: unexpected {exc!r}")
            opened.close()
        filler.unlink()
        if op == "writes":
            # Writes commit 100 rows at a time: whatever got in came in whole batches.
            check_kept(store, figures, label, tuple(range(0, 5001, 100)))
        else:
            check_kept(store, figures, label, (0, DEMO))
        for f in small_disk.iterdir():
            f.unlink()
    figures.check()


def _limit_file_size(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the writer
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def test_injected_full_disk_without_mount(kept_store: Path, tmp_path: Path,
                                          figures: Figures) -> None:
    """RLIMIT_FSIZE in the child: `privdesk demo-data` and `privdesk init` hit the limit."""
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE + "\n")
    rng = random.Random(7)
    size = kept_store.stat().st_size
    for trial in range(figures.size(2, 8)):
        store = tmp_path / f"limited-{trial}.privdesk"
        shutil.copyfile(kept_store, store)
        limit = size + (0 if trial == 0 else rng.randrange(0, 400_000))
        label = f"trial {trial} (file size limit {limit})"
        new = tmp_path / f"new-{trial}.privdesk"
        # A new store's first write is small: limit it to a fraction so it fails too.
        for args, cap in ((["demo-data", "--store", str(store), "--contacts", str(DEMO)], limit),
                          (["init", "--store", str(new)], limit // 8)):
            result = subprocess.run(
                [sys.executable, "-m", "privdesk", *args, "--passphrase-file", str(pw)],
                cwd=REPO, capture_output=True, text=True, timeout=300, check=False,
                preexec_fn=lambda cap=cap: _limit_file_size(cap),
            )
            figures.trials += 1
            clear_error(result, figures, f"{label} {args[0]}")
        if result.returncode != 0 and any(tmp_path.glob(new.name + "*")):
            figures.fail(f"{label}: init left a half-made store behind")
        check_kept(store, figures, label, (0, DEMO))
    figures.check()


def test_rekey_on_a_full_disk_keeps_the_old_key(store: Store, store_path: Path,
                                                monkeypatch: pytest.MonkeyPatch,
                                                figures: Figures) -> None:
    """The rekey's copy runs out of space half-way: a clear error, the old key still
    works, nothing left beside the store."""
    write_contacts(store, range(1, KEPT + 1))

    def half_then_enospc(src: str, dst: str) -> None:
        Path(dst).write_bytes(Path(src).read_bytes()[: Path(src).stat().st_size // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), dst)

    monkeypatch.setattr(shutil, "copyfile", half_then_enospc)
    figures.trials = 1
    with pytest.raises(DiskFullError):
        store.rekey(StoreKey.passphrase("a new passphrase that will not fit"))
    assert not list(store_path.parent.glob(store_path.name + "-rekey*"))
    write_contacts(store, range(KEPT + 1, KEPT + 11))  # still usable under the old key
    store.close()
    with Store.open(store_path, StoreKey.passphrase(PASSPHRASE)) as again:
        assert again.integrity_check() == []
        assert read_contacts(again) == {seq: expected(seq) for seq in range(1, KEPT + 11)}
