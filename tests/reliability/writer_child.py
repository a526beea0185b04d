"""The process the crash tests kill with SIGKILL.

    python -m tests.reliability.writer_child write STORE
    python -m tests.reliability.writer_child rekey STORE
    python -m tests.reliability.writer_child backup STORE DEST

The passphrases come from the environment (PRIVDESK_TEST_PASSPHRASE, and
PRIVDESK_TEST_NEW_PASSPHRASE for rekey). Progress goes to stdout, one short line per
event, written with a single os.write (atomic on a pipe) and only AFTER the operation it
reports has returned, so the parent knows exactly what was promised as committed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from sqlalchemy import text

from privdesk.store.engine import Store, StoreKey, _connect
from tests.reliability.helpers import INSERT_CONTACT, INSERT_INTERACTION, contact_row

OUT = 1  # stdout, a pipe to the parent


def say(line: str) -> None:
    os.write(OUT, (line + "\n").encode())


def updated_text(seq: int) -> str:
    return f"updated {seq} | u{seq}@example.org"


def write_forever(store: Store) -> None:
    """Small transactions as fast as they commit: one to three contacts with an
    interaction each (FTS triggers fire), and every 7th also rewrites an older contact's
    search text (FTS delete + insert), so kills land in inserts, updates and checkpoints."""
    with store.read_session() as s:
        seq = int(s.execute(text("SELECT coalesce(max(id), 0) FROM contacts")).scalar_one()) + 1
    say("ready")
    n = 0
    while True:
        n += 1
        ids = list(range(seq, seq + (3 if n % 5 == 0 else 1)))
        target = seq // 2 if n % 7 == 0 and seq > 2 else None
        with store.session() as s:
            for i in ids:
                s.execute(INSERT_CONTACT, contact_row(i))
                s.execute(INSERT_INTERACTION, {"id": i, "summary": f"first enquiry {i}"})
            if target is not None:
                s.execute(text("UPDATE contacts SET search_text = :t WHERE id = :id"),
                          {"t": updated_text(target), "id": target})
        say("c " + " ".join(map(str, ids)))
        if target is not None:
            say(f"u {target}")
        seq += len(ids)


def backup_to(store: Store, dest: Path) -> None:
    """The pattern privdesk's backup must follow: copy with SQLite's online backup API to
    a temporary name beside the destination, fsync it, then os.replace, so the previous
    backup stays whole until the new one is complete.
    TODO(after merge): the tests should drive privdesk/services/backup.py instead."""
    tmp = dest.with_name(dest.name + ".partial")
    tmp.unlink(missing_ok=True)
    dst = _connect(tmp, store._key)
    try:
        store.run_raw(lambda src: src.backup(dst, pages=64))
    finally:
        dst.close()
    with open(tmp, "rb+") as fh:
        os.fsync(fh.fileno())
    os.replace(tmp, dest)
    dir_fd = os.open(dest.parent, os.O_RDONLY)
    try:
        os.fsync(dir_fd)
    finally:
        os.close(dir_fd)


def main(argv: list[str]) -> int:
    mode, path = argv[0], Path(argv[1])
    store = Store.open(path, StoreKey.passphrase(os.environ["PRIVDESK_TEST_PASSPHRASE"]))
    if mode == "write":
        write_forever(store)
    elif mode == "rekey":
        say("ready")
        store.rekey(StoreKey.passphrase(os.environ["PRIVDESK_TEST_NEW_PASSPHRASE"]))
        say("done")
    elif mode == "backup":
        say("ready")
        backup_to(store, Path(argv[2]))
        say("done")
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
