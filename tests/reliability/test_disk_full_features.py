"""A full disk during a CSV import, a backup and saving a pack: a clear error, nothing
half-written (no partial backup or PDF under the real name, the import rolled back),
and whatever was there before left as it was.

The import and the backup run the real CLI in a child process whose file-size limit
(RLIMIT_FSIZE) stops its writes as a full disk would; saving a pack gets an injected
OSError(ENOSPC) half-way through its write, in the CLI and in the GUI's save dialogs.
"""

from __future__ import annotations

import errno
import getpass
import hashlib
import os
import random
import resource
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import text

from privdesk.cli import main
from privdesk.services import files
from privdesk.services.container import Services
from privdesk.services.packs import PackService
from privdesk.store import vault
from privdesk.ui.areas import paperwork
from privdesk.ui.packs.document_dialog import DocumentDialog
from privdesk.ui.packs.preview_dialog import PackPreviewDialog
from privdesk.ui.tasks import TaskRunner
from tests.reliability.conftest import Figures
from tests.reliability.csv_corpus import million_rows
from tests.reliability.helpers import REPO
from tests.unit.pack_fixtures import REF, make_request

PW = "disk full passphrase"
ROWS = 3000


def _limit(limit: int) -> None:
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # else the kernel kills the writer
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def limited_cli(limit: int, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "privdesk", *args], cwd=REPO,
                          capture_output=True, text=True, timeout=300, check=False,
                          preexec_fn=lambda: _limit(limit))


def contacts_in(store: Path) -> tuple[int, list[str]]:
    with vault.open_store(store, getpass.getuser(), PW) as s:
        problems = s.integrity_check()
        with s.read_session() as session:
            return session.execute(text("SELECT count(*) FROM contacts")).scalar_one(), problems


def clear(result: subprocess.CompletedProcess[str]) -> bool:
    return result.stderr.startswith("privdesk: ") and "Traceback" not in result.stderr


@pytest.fixture
def cli_store(tmp_path: Path) -> tuple[Path, Path]:
    pw, store = tmp_path / "pw.txt", tmp_path / "s.privdesk"
    pw.write_text(PW + "\n")
    assert main(["init", "--store", str(store), "--passphrase-file", str(pw)]) == 0
    return store, pw


def test_import_on_a_full_disk_rolls_back(cli_store: tuple[Path, Path], tmp_path: Path,
                                          figures: Figures) -> None:
    store, pw = cli_store
    csv_file = tmp_path / "big.csv"
    csv_file.write_bytes(b"".join(million_rows(ROWS)))
    rng = random.Random(9)
    for trial in range(figures.size(3, 20)):
        figures.trials += 1
        size = store.stat().st_size
        limit = size + (0 if trial == 0 else rng.randrange(0, 600_000))
        result = limited_cli(limit, "contacts", "import", str(csv_file), "--store", str(store),
                             "--passphrase-file", str(pw), "--json")
        count, problems = contacts_in(store)
        label = f"trial {trial} (limit {limit:,})"
        if problems:
            figures.fail(f"{label}: {problems[:2]}")
        if result.returncode != 0:
            figures.add("clear_errors" if clear(result) else "unclear_errors")
            if not clear(result):
                figures.fail(f"{label}: not a clear error: {result.stderr[-400:]}")
            if count != 0:
                figures.fail(f"{label}: failed, yet {count} contacts were written")
        elif count != ROWS:
            figures.fail(f"{label}: succeeded with {count} of {ROWS} contacts")
        else:
            figures.add("fitted")
            break  # imported whole: nothing more to fill
    figures.check()


def test_backup_on_a_full_disk_keeps_the_previous_one(cli_store: tuple[Path, Path],
                                                      tmp_path: Path, figures: Figures) -> None:
    store, pw = cli_store
    assert main(["demo-data", "--store", str(store), "--passphrase-file", str(pw),
                 "--contacts", "400"]) == 0
    out_dir = tmp_path / "backups"
    out_dir.mkdir()
    out = out_dir / "s-backup.privdesk"
    assert main(["backup", "--out", str(out), "--store", str(store),
                 "--passphrase-file", str(pw)]) == 0
    good = hashlib.sha256(out.read_bytes()).hexdigest()
    rng = random.Random(10)
    size = store.stat().st_size
    for trial in range(figures.size(3, 20)):
        figures.trials += 1
        limit = rng.randrange(4096, size - 4096) if trial else size // 2
        result = limited_cli(limit, "backup", "--out", str(out), "--store", str(store),
                             "--passphrase-file", str(pw))
        label = f"trial {trial} (limit {limit:,} of {size:,})"
        if result.returncode == 0:
            figures.fail(f"{label}: a backup larger than the limit reported success")
        elif not clear(result):
            figures.fail(f"{label}: not a clear error: {result.stderr[-400:]}")
        else:
            figures.add("clear_errors")
        if hashlib.sha256(out.read_bytes()).hexdigest() != good:
            figures.fail(f"{label}: the previous backup was changed")
        leftovers = [p.name for p in out_dir.iterdir() if ".partial" in p.name]
        if leftovers:
            figures.fail(f"{label}: partial files left: {leftovers}")
    count, problems = contacts_in(out)  # the kept backup still opens, whole
    assert problems == [] and count > 0
    figures.check()


def _half_then_full(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """os.write in the document writer: the first call writes half, then ENOSPC."""
    calls: list[int] = []
    real = os.write

    def write(fd: int, data: Any) -> int:
        calls.append(len(data))
        if len(calls) == 1:
            return real(fd, bytes(data[: max(1, len(data) // 2)]))
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(files.os, "write", write)
    return calls


def _only(folder: Path, expected: set[str]) -> set[str]:
    return {p.name for p in folder.iterdir()} - expected


def test_pack_save_on_a_full_disk_leaves_no_half_pdf(services: Services, tmp_path: Path,
                                                     qtbot: Any, monkeypatch: pytest.MonkeyPatch,
                                                     figures: Figures) -> None:
    make_request(services.ctx)
    built = PackService(services.ctx).build(REF)
    folder = tmp_path / "out"
    folder.mkdir()
    old = folder / "existing.pdf"
    old.write_bytes(b"%PDF-1.4 the officer's earlier copy")
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, msg, *a: warnings.append(msg))
    calls = _half_then_full(monkeypatch)
    tasks = TaskRunner()

    # The GUI: the document dialog's Save, to a new name and over an existing file.
    for target in (folder / "new.pdf", old):
        figures.trials += 1
        dialog = DocumentDialog(paperwork(services), tasks, built)
        qtbot.addWidget(dialog)
        monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, t=target: (str(t), ""))
        calls.clear()
        seen = len(warnings)
        dialog._save()  # noqa: SLF001 - the Save button's slot, without a native file dialog
        qtbot.waitUntil(lambda n=seen: len(warnings) > n, timeout=10000)  # written on the worker
        if not calls or not warnings or "No space left" not in warnings[-1]:
            figures.fail(f"GUI save to {target.name}: no clear warning ({warnings[-1:]})")
    # The pack preview's save writes the same way.
    figures.trials += 1
    preview = PackPreviewDialog(paperwork(services), tasks, REF)
    qtbot.addWidget(preview)
    calls.clear()
    seen = len(warnings)
    preview._write(folder / "preview.pdf", built)  # noqa: SLF001 - after its build task
    qtbot.waitUntil(lambda: len(warnings) > seen, timeout=10000)  # written on the worker
    if "No space left" not in warnings[-1]:
        figures.fail("preview save: no clear warning")
    tasks.wait()
    if _only(folder, {"existing.pdf"}) or old.read_bytes() != b"%PDF-1.4 the officer's " \
                                                              b"earlier copy":
        figures.fail(f"GUI left {_only(folder, {'existing.pdf'})} or changed the old file")
    figures.check()


def test_cli_pack_on_a_full_disk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str], figures: Figures) -> None:
    pw, store = tmp_path / "pw.txt", tmp_path / "demo.privdesk"
    pw.write_text(PW + "\n")
    assert main(["demo-data", "--store", str(store), "--passphrase-file", str(pw),
                 "--contacts", "30"]) == 0
    with vault.open_store(store, getpass.getuser(), PW) as s, s.read_session() as session:
        ref = session.execute(text("SELECT reference FROM requests WHERE type = 'access' "
                                   "LIMIT 1")).scalar_one()
    out_dir = tmp_path / "packs"
    out_dir.mkdir()
    _half_then_full(monkeypatch)
    capsys.readouterr()
    figures.trials = 1
    code = main(["pack", ref, "--out", str(out_dir / "pack.pdf"), "--store", str(store),
                 "--passphrase-file", str(pw)])
    err = capsys.readouterr().err
    if code == 0 or not err.startswith("privdesk: ") or "No space left" not in err:
        figures.fail(f"exit {code}: {err[-300:]}")
    if list(out_dir.iterdir()):
        figures.fail(f"left behind: {[p.name for p in out_dir.iterdir()]}")
    figures.check()
