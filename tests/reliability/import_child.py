"""A process importing a CSV into a local store that SIGKILLs itself in the middle of
the import's third chunk (its rows read and checked, two chunks already written in the
uncommitted transaction, the search index's insert trigger set aside):

    python -m tests.reliability.import_child STORE CSV

The passphrase comes from PRIVDESK_TEST_PASSPHRASE."""

from __future__ import annotations

import os
import signal
import sys
from datetime import date
from pathlib import Path

from privdesk.policy import load_policy
from privdesk.services import contacts_import_pool
from privdesk.services.contacts_import import ContactImportService
from privdesk.services.context import Actor, ServiceContext
from privdesk.store.engine import Store, StoreKey

CHUNK = 500


def main(store_path: str, csv_path: str) -> None:
    contacts_import_pool.CHUNK = CHUNK
    store = Store.open(Path(store_path), StoreKey.passphrase(os.environ["PRIVDESK_TEST_PASSPHRASE"]))
    ctx = ServiceContext(store=store, policy=load_policy(), actor=Actor("Import Child"),
                         today=lambda: date(2026, 11, 29))
    calls = [0]

    def cancel() -> bool:
        # Asked once as each chunk is checked and once after it is written: the fifth
        # time is chunk three, checked and about to be written.
        calls[0] += 1
        if calls[0] == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return False

    ContactImportService(ctx).run(Path(csv_path).read_bytes(), cancel=cancel)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
