"""A streamed import writes chunk by chunk inside one transaction, with the search
index's insert trigger set aside: a cancel or a kill -9 in the middle of the third chunk
must leave the store exactly as before: the same rows, the trigger back exactly as it
was, and the FTS5 index consistent with the table (its own integrity-check)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from privdesk.domain.contact_records import ContactInput
from privdesk.services import contacts_import_pool
from privdesk.services.contacts import ContactQuery
from privdesk.services.contacts_import import ImportCancelled
from privdesk.services.container import Services
from privdesk.store.engine import Store, StoreKey
from tests.reliability.helpers import PASSPHRASE, REPO, fts_problems
from tests.reliability.import_child import CHUNK

HEADER = "name,email,phone,company,source,first_contact\n"


def csv_rows(count: int) -> bytes:
    return (HEADER + "".join(f"Streamed Person {i},streamed{i}@example.org,+44 7400 {100000 + i:06d},"
                             f"Firm {i % 40},email,2026-01-02\n" for i in range(count))).encode()


def snapshot(store: Store) -> tuple[int, int, str | None]:
    with store.read_session() as s:
        return (int(s.execute(text("SELECT count(*) FROM contacts")).scalar_one()),
                int(s.execute(text("SELECT count(*) FROM contact_history")).scalar_one()),
                s.execute(text("SELECT sql FROM sqlite_master WHERE type = 'trigger' "
                               "AND name = 'contacts_fts_ai'")).scalar())


def test_cancel_in_chunk_three_leaves_the_store_as_before(
        services: Services, store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    services.contact_import.run(csv_rows(300).replace(b"Streamed", b"Earlier")
                                .replace(b"streamed", b"earlier").replace(b"+44 74", b"+44 75"))
    before = snapshot(store)
    assert before[0] == 300 and before[2] is not None
    monkeypatch.setattr(contacts_import_pool, "CHUNK", CHUNK)
    calls = [0]

    def cancel() -> bool:
        calls[0] += 1
        return calls[0] >= 5  # chunk three, checked and about to be written

    seen: list[int] = []
    with pytest.raises(ImportCancelled):
        services.contact_import.run(csv_rows(2000), cancel=cancel,
                                    progress=lambda done, _total: seen.append(done))
    assert seen == [CHUNK, 2 * CHUNK]  # two chunks had been written in the transaction
    assert snapshot(store) == before
    assert fts_problems(store) == []
    assert services.contacts.search(ContactQuery(text="streamed")).total == 0
    assert services.contacts.search(ContactQuery(text="earlier17@example.org")).total == 1
    # The trigger is back: a contact saved on its own is found, and so is a later import.
    services.contacts.create(ContactInput(name="Single Streamed", source="email"))
    result = services.contact_import.run(csv_rows(3))
    assert result.committed and result.imported == 3
    assert services.contacts.search(ContactQuery(text="streamed")).total == 4
    assert snapshot(store)[2] == before[2]
    assert fts_problems(store) == []


def test_kill9_in_chunk_three_leaves_the_store_as_before(store: Store, tmp_path: Path) -> None:
    path = store.path
    before = snapshot(store)
    store.close()
    data = tmp_path / "long.csv"
    data.write_bytes(csv_rows(2000))
    child = subprocess.run([sys.executable, "-m", "tests.reliability.import_child", str(path),
                            str(data)], cwd=REPO,
                           env={**os.environ, "PRIVDESK_TEST_PASSPHRASE": PASSPHRASE},
                           capture_output=True, text=True, timeout=300, check=False)
    assert child.returncode == -9, child.stderr[-2000:]
    with Store.open(path, StoreKey.passphrase(PASSPHRASE)) as again:
        assert again.integrity_check() == []
        assert snapshot(again) == before
        assert fts_problems(again) == []
