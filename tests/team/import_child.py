"""A client importing into a team store that is killed mid-import (tests/team/test_imports):
after the first batch is written inside the import's transaction it says so in a marker
file and waits to be killed."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from privdesk.policy import load_policy
from privdesk.services.contacts_import import ContactImportService
from privdesk.services.session import begin_session
from privdesk.store import keyslots
from privdesk.store.team import open_team_store


def main(url: str, officer: str, passphrase: str, csv_path: str, marker: str) -> None:
    keyslots.DEFAULT_KDF = keyslots.KdfParams(1, 8192, 1)
    ctx = begin_session(open_team_store(url, officer, passphrase), load_policy())

    def progress(done: int, total: int) -> None:
        if done > total // 2 and not Path(marker).exists():  # a batch is in, uncommitted
            Path(marker).write_text("in the middle")
            while True:
                time.sleep(1)

    ContactImportService(ctx).run(Path(csv_path).read_bytes(), progress=progress)


if __name__ == "__main__":
    main(*sys.argv[1:6])
