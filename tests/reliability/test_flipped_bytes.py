"""Flipped bytes in a copy of a store: refused with the clear message, or flagged by the
integrity check (and `privdesk check` exits non-zero); never wrong data returned silently.

Each damaged copy is classified by what privdesk does with it:
  refused   Store.open raises UnlockError("Wrong passphrase, or the file is damaged.")
  flagged   it opens, and integrity_check() reports the damage
  loud      it opens and passes the check, but reading the rows raises an error
  unharmed  it opens, passes, and every row reads back exactly as written
  dropped   (WAL only) the damaged frame and the frames after it are ignored, as SQLite's
            WAL checksums are designed to do: the newest transactions are missing, and
            every row that is returned is exactly as written
  SILENT    a row reads back different from what was written: the failure we hunt
"""

from __future__ import annotations

import random
import shutil
from pathlib import Path

import pytest
from sqlalchemy import exc as sa_exc

from privdesk.store.engine import Store, StoreKey
from privdesk.store.errors import UnlockError
from tests.reliability.conftest import Figures
from tests.reliability.helpers import (
    PASSPHRASE,
    expected,
    read_contacts,
    run_cli,
    write_contacts,
)

PAGE = 4096  # SQLCipher 4's default page size
ROWS, WAL_ROWS = 1500, 300


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A checkpointed store (no -wal), and a copy taken while open with its -wal full of
    committed transactions (what a crash leaves behind)."""
    folder = tmp_path_factory.mktemp("pristine")
    plain, walled = folder / "plain.privdesk", folder / "walled.privdesk"
    with Store.create(plain, StoreKey.passphrase(PASSPHRASE)) as store:
        write_contacts(store, range(1, ROWS + 1))
        store.checkpoint()
    shutil.copyfile(plain, walled)
    with Store.open(walled, StoreKey.passphrase(PASSPHRASE)) as store:
        store.checkpoint()
        write_contacts(store, range(ROWS + 1, ROWS + WAL_ROWS + 1), per_transaction=10)
        shutil.copyfile(walled, folder / "crashed.privdesk")
        shutil.copyfile(walled.with_name(walled.name + "-wal"), folder / "crashed.privdesk-wal")
    return plain, folder / "crashed.privdesk"


def classify(path: Path, rows_written: int) -> str:
    try:
        store = Store.open(path, StoreKey.passphrase(PASSPHRASE))
    except UnlockError as exc:
        return "refused" if str(exc) == UnlockError.MESSAGE else f"UNCLEAR {exc}"
    with store:
        try:
            if store.integrity_check():
                return "flagged"
            rows = read_contacts(store)
        except (sa_exc.DatabaseError, UnlockError):
            return "loud"
    if any(row != expected(seq) for seq, row in rows.items()) or max(rows, default=0) > rows_written:
        return "SILENT"
    if len(rows) < rows_written:
        return "dropped" if set(rows) == set(range(1, len(rows) + 1)) else "SILENT"
    return "unharmed"


def flip(src: Path, dest: Path, target: str, offset: int, rng: random.Random) -> None:
    shutil.copyfile(src, dest)
    wal = src.with_name(src.name + "-wal")
    if wal.exists():
        shutil.copyfile(wal, dest.with_name(dest.name + "-wal"))
    victim = dest if target == "main" else dest.with_name(dest.name + "-wal")
    data = bytearray(victim.read_bytes())
    data[offset] ^= rng.randrange(1, 256)
    victim.write_bytes(bytes(data))


def positions(size: int, figures: Figures, rng: random.Random) -> list[int]:
    pages = size // PAGE
    named = [0, 15, 16, 21, 100, PAGE - 1,  # page 1: salt, header, b-tree, HMAC
             (pages // 2) * PAGE + 1000,  # an interior page
             (pages - 1) * PAGE + 10, size - 1]  # the last page
    return named + [rng.randrange(size) for _ in range(figures.size(3, 150))]


def test_flipped_bytes_in_the_main_file(pristine: tuple[Path, Path], tmp_path: Path,
                                        figures: Figures) -> None:
    plain, _ = pristine
    rng = random.Random(4)
    cli_every = figures.size(3, 15)
    pw = tmp_path / "pw"
    pw.write_text(PASSPHRASE)
    for n, offset in enumerate(positions(plain.stat().st_size, figures, rng)):
        copy = tmp_path / f"flip-{n}.privdesk"
        flip(plain, copy, "main", offset, rng)
        outcome = classify(copy, ROWS)
        figures.trials += 1
        figures.add(outcome.split()[0].lower())
        if outcome not in ("refused", "flagged", "loud", "unharmed"):
            figures.fail(f"offset {offset}: {outcome}")
        if n % cli_every == 0 and outcome != "unharmed":
            result = run_cli("check", "--store", str(copy), "--passphrase-file", str(pw))
            figures.add("cli_checks")
            if result.returncode == 0 or "Traceback" in result.stderr:
                figures.fail(f"offset {offset}: privdesk check exit {result.returncode}: "
                             f"{result.stderr[-500:]}")
        copy.unlink()
        copy.with_name(copy.name + "-wal").unlink(missing_ok=True)
        copy.with_name(copy.name + "-shm").unlink(missing_ok=True)
    figures.check()


def test_flipped_bytes_in_the_wal(pristine: tuple[Path, Path], tmp_path: Path,
                                  figures: Figures) -> None:
    _, crashed = pristine
    wal_size = crashed.with_name(crashed.name + "-wal").stat().st_size
    rng = random.Random(5)
    # The WAL header (32 bytes), the first frame's header and page, then anywhere.
    offsets = [0, 12, 31, 32 + 8, 32 + 24 + 100, wal_size - 1]
    offsets += [rng.randrange(wal_size) for _ in range(figures.size(4, 100))]
    for n, offset in enumerate(offsets):
        copy = tmp_path / f"walflip-{n}.privdesk"
        flip(crashed, copy, "wal", offset, rng)
        outcome = classify(copy, ROWS + WAL_ROWS)
        figures.trials += 1
        figures.add(outcome.split()[0].lower())
        if outcome not in ("refused", "flagged", "loud", "unharmed", "dropped"):
            figures.fail(f"wal offset {offset}: {outcome}")
    figures.check()
