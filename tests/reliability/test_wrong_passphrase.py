"""Wrong passphrase, many times: the clear message each time, and not a byte written (the
store's SHA-256 unchanged, no -wal/-shm created, an existing -wal unchanged)."""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

import pytest

from privdesk.store.engine import Store, StoreKey
from privdesk.store.errors import UnlockError
from tests.reliability.conftest import Figures
from tests.reliability.helpers import PASSPHRASE, expected, read_contacts, run_cli, write_contacts

ALPHABET = "abcdefghijklmnopqrstuvwxyz ABC0123456789-_!£€ Ωжß名前مرحبا\u202e\u200b😀"


def sha(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


def sidecars(path: Path) -> dict[str, str | None]:
    return {s: sha(path.with_name(path.name + s)) for s in ("", "-wal", "-shm", "-journal")}


def wrong_passphrases(n: int, rng: random.Random) -> list[str]:
    near = [PASSPHRASE + " ", PASSPHRASE.upper(), PASSPHRASE[:-1], " " + PASSPHRASE,
            PASSPHRASE.replace("o", "0"), "x" * 10_000]
    spread = ["".join(rng.choice(ALPHABET) for _ in range(rng.randint(1, 64))) for _ in range(n)]
    return (near + spread)[:n]


@pytest.mark.parametrize("state", ["closed", "crashed"])
def test_wrong_passphrase_many_times(state: str, tmp_path: Path, figures: Figures) -> None:
    path = tmp_path / "s.privdesk"
    with Store.create(path, StoreKey.passphrase(PASSPHRASE)) as store:
        write_contacts(store, range(1, 301))
        if state == "crashed":  # copy the files while open: a store with a live -wal
            write_contacts(store, range(301, 401), per_transaction=10)
            shutil.copyfile(path, tmp_path / "c.privdesk")
            shutil.copyfile(path.with_name(path.name + "-wal"), tmp_path / "c.privdesk-wal")
    if state == "crashed":
        path = tmp_path / "c.privdesk"
    before = sidecars(path)
    pw = tmp_path / "pw"
    rng = random.Random(100)
    attempts = wrong_passphrases(figures.size(10, 100), rng)
    cli_every = figures.size(5, 20)
    for n, attempt in enumerate(attempts):
        figures.trials += 1
        try:
            Store.open(path, StoreKey.passphrase(attempt)).close()
            figures.fail(f"attempt {n}: a wrong passphrase opened the store")
        except UnlockError as exc:
            if str(exc) != UnlockError.MESSAGE:
                figures.fail(f"attempt {n}: unclear message {exc}")
        if n % cli_every == 0:
            pw.write_text(attempt + "\n", encoding="utf-8")
            result = run_cli("check", "--store", str(path), "--passphrase-file", str(pw))
            figures.add("cli_attempts")
            if (result.returncode != 3 or "Traceback" in result.stderr
                    or UnlockError.MESSAGE not in result.stderr):
                figures.fail(f"attempt {n}: privdesk check exit {result.returncode}: "
                             f"{result.stderr[-300:]}")
        after = sidecars(path)
        if after != before:
            changed = [k or "store" for k in before if before[k] != after[k]]
            figures.fail(f"attempt {n}: files changed: {changed}")
            before = after
    # The right passphrase still opens it, with every row.
    rows = 400 if state == "crashed" else 300
    with Store.open(path, StoreKey.passphrase(PASSPHRASE)) as store:
        assert store.integrity_check() == []
        assert read_contacts(store) == {seq: expected(seq) for seq in range(1, rows + 1)}
    figures.check()
