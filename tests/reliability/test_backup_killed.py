"""A backup process killed (SIGKILL) in the middle of its copy leaves the previous good
backup byte-identical, and the next backup cleans up after it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from privdesk.store import backup as backup_files
from privdesk.store import vault

PW = "kill test passphrase"
CHILD = r"""
import sys, time
from pathlib import Path
from privdesk.store import vault
from privdesk.store.backup import make_backup
store = vault.open_store(Path(sys.argv[1]), "Alex Morgan", sys.argv[3])
def held(done, total):
    print("copying", done, total, flush=True)
    sys.stdin.readline()  # held mid-copy until killed (the parent never writes)
make_backup(store, Path(sys.argv[2]), held)
print("finished", flush=True)
"""


@pytest.mark.skipif(os.name == "nt", reason="SIGKILL")
def test_killed_backup_leaves_the_previous_one_intact(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "big.privdesk"
    with vault.create_store(path, "Alex Morgan", PW) as store:
        with store.session() as s:
            for i in range(400):  # ~1.6 MB: the copy takes many 256-page steps... or a few
                s.execute(text("INSERT INTO settings VALUES (:k, :v)"),
                          {"k": f"k{i}", "v": "z" * 4000})
        dest = tmp_path / "nightly.privdesk"
        backup_files.make_backup(store, dest)
    good = dest.read_bytes()
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(path), str(dest), PW],
                             stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout is not None
        line = child.stdout.readline()
        assert line.startswith("copying"), line  # the child is now held mid-copy
        os.kill(child.pid, signal.SIGKILL)
    finally:
        assert child.stdin is not None
        child.stdin.close()  # lets a child that was not killed run to its end
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert dest.read_bytes() == good
    partials = list(tmp_path.glob(".nightly.privdesk.*.partial"))
    assert partials, "the killed copy left its temporary file (removed later, see below)"
    with vault.open_store(dest, "Alex Morgan", PW) as copy:
        assert copy.integrity_check() == []
    # The next backup removes a stale partial (here: pretend it is two hours old).
    old = time.time() - 7200
    for p in tmp_path.glob(".nightly.privdesk.*.partial*"):  # with its -journal
        os.utime(p, (old, old))
    with vault.open_store(path, "Alex Morgan", PW) as store:
        backup_files.make_backup(store, dest)
    assert not list(tmp_path.glob(".nightly.privdesk.*.partial*"))
