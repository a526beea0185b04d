"""What the reliability tests share: deterministic rows, writing and reading them back
through the real store, and running the real CLI in its own process."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from privdesk.store.engine import Store

PASSPHRASE = "correct horse battery staple"  # the same as tests/conftest.py
REPO = Path(__file__).resolve().parents[2]
STAMP = "2026-11-24 09:00:00.000000"

INSERT_CONTACT = text(
    "INSERT INTO contacts (id, name, email, company, status, source, notes, search_text, "
    "created_at, updated_at) VALUES (:id, :name, :email, :company, 'enquirer', 'enquiry_form', "
    ":notes, :search_text, :stamp, :stamp)"
)
INSERT_INTERACTION = text(
    "INSERT INTO interactions (contact_id, kind, occurred_on, summary, officer) "
    "VALUES (:id, 'enquiry', '2026-11-24', :summary, 'writer')"
)

Row = tuple[str, str | None, str | None, str | None, str]


def contact_row(seq: int) -> dict[str, object]:
    """The contact written for sequence number `seq`: mostly small rows, every 37th big
    enough to need overflow pages, so kills also land in page splits and overflow chains."""
    size = 3000 if seq % 37 == 0 else 40 + seq % 200
    notes = (f"notes {seq} " * (size // 8 + 1))[:size]
    return {"id": seq, "name": f"Contact {seq} Æøå 名前", "email": f"c{seq}@example.org",
            "company": f"Company {seq % 97}", "notes": notes,
            "search_text": f"contact {seq} aeoa 名前 | c{seq}@example.org", "stamp": STAMP}


def expected(seq: int) -> Row:
    r = contact_row(seq)
    return (str(r["name"]), str(r["email"]), str(r["company"]), str(r["notes"]),
            str(r["search_text"]))


def write_contacts(store: Store, seqs: Iterable[int], per_transaction: int = 50) -> None:
    batch: list[int] = []
    for seq in seqs:
        batch.append(seq)
        if len(batch) == per_transaction:
            _write(store, batch)
            batch = []
    if batch:
        _write(store, batch)


def _write(store: Store, seqs: list[int]) -> None:
    with store.session() as s:
        for seq in seqs:
            s.execute(INSERT_CONTACT, contact_row(seq))
            s.execute(INSERT_INTERACTION, {"id": seq, "summary": f"first enquiry {seq}"})


def read_contacts(store: Store) -> dict[int, Row]:
    """Every contact row, read in full (every page of the table is decrypted)."""
    with store.read_session() as s:
        rows = s.execute(text(
            "SELECT id, name, email, company, notes, search_text FROM contacts ORDER BY id"
        )).all()
    return {int(r[0]): (r[1], r[2], r[3], r[4], r[5]) for r in rows}


def fts_problems(store: Store) -> list[str]:
    """FTS5's own consistency check of the contacts index against its content table."""
    try:
        with store.session() as s:
            s.execute(text("INSERT INTO contacts_fts(contacts_fts) VALUES ('integrity-check')"))
    except Exception as exc:  # the check reports through an error
        return [f"fts: {exc}"]
    return []


def run_cli(*args: str, env: dict[str, str] | None = None,
            timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The real `privdesk` entry point in its own process, as a script would run it."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "privdesk", *args], cwd=REPO, env=full_env,
                          capture_output=True, text=True, timeout=timeout, check=False)


@dataclass
class ChildRun:
    lines: list[str]
    returncode: int
    stderr: str
    killed: bool
    seconds: dict[str, float]  # when "ready" and "done" arrived, from the start

    def took(self) -> float:
        """How long the child's operation ran, from "ready" to "done"."""
        return self.seconds["done"] - self.seconds["ready"]


def run_and_kill(args: list[str], env: dict[str, str], delay: float,
                 after_ready: bool = True) -> ChildRun:
    """Start writer_child, wait for its "ready" (unless after_ready is False: then the
    kill may land while it is still starting or opening the store), sleep `delay`
    seconds, SIGKILL it, and return every line it managed to report."""
    proc = subprocess.Popen([sys.executable, "-m", "tests.reliability.writer_child", *args],
                            cwd=REPO, env={**os.environ, **env}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    lines: list[str] = []
    seconds: dict[str, float] = {}
    started = time.monotonic()
    ready = threading.Event()

    def reader() -> None:
        assert proc.stdout is not None
        for raw in proc.stdout:
            if not raw.endswith(b"\n"):  # cannot happen: each line is one atomic write
                lines.append("PARTIAL " + raw.decode(errors="replace"))
                break
            line = raw.decode().rstrip("\n")
            lines.append(line)
            if line in ("ready", "done"):
                seconds[line] = time.monotonic() - started
            if line == "ready":
                ready.set()

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    if after_ready:
        ready.wait(timeout=120)
    with contextlib.suppress(subprocess.TimeoutExpired):  # sleep, unless it ends first
        proc.wait(timeout=delay)
    killed = proc.poll() is None
    if killed:
        proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)
    thread.join(timeout=60)
    stderr = proc.stderr.read().decode(errors="replace")
    proc.stdout.close()
    proc.stderr.close()
    return ChildRun(lines=lines, returncode=proc.returncode, stderr=stderr, killed=killed,
                    seconds=seconds)
