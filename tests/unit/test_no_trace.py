"""After a purge or an erasure, nothing of the person is left anywhere in the file.

We decrypt every page of the store ourselves (tests/sqlcipher_pages.py), free pages
included, and look for a canary string that was in the person's name, email, notes,
interactions, history, disclosures and a multi-page document. The same scan finds the
canary before the deletion, which proves the decryption really reads the file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from privdesk.services.context import ServiceContext
from privdesk.services.erasure import ErasureService
from privdesk.services.purge import PurgeService
from privdesk.services.suppression import SuppressionList
from privdesk.store.models import Document
from tests.conftest import PASSPHRASE, TODAY
from tests.retention_helpers import add_contact, add_request
from tests.sqlcipher_pages import occurrences, wal_occurrences

CANARY = "Zqxjvcanary"
TRIGRAMS = ("qxj", "xjv", "jvc")  # the search index's trigrams of the canary


def victim(ctx: ServiceContext) -> int:
    # Neighbours share pages with the victim, so their live rows stay on the same pages.
    for i in range(40):
        add_contact(ctx, f"Neighbour {i}", last_activity=TODAY - timedelta(days=20),
                    interactions=2, history=1)
    cid = add_contact(ctx, f"Vera {CANARY}", last_activity=TODAY - timedelta(days=400),
                      email=f"vera.{CANARY.lower()}@example.com", phone="+44 7700 900555",
                      notes=f"Prefers post. {CANARY} notes", interactions=3, history=2,
                      disclosures=("optex_poland",), documents=1)
    with ctx.store.session() as s:
        # A document spanning several overflow pages, the canary deep inside it.
        body = (b"x" * 9000) + CANARY.encode() + (b"y" * 9000)
        s.add(Document(contact_id=cid, kind="pack", filename="pack.pdf", mime="application/pdf",
                       content=body, sha256="0" * 64, size=len(body), author="t",
                       created_at=ctx.now()))
    return cid


def all_files(*roots: Path) -> list[Path]:
    return [Path(d) / f for root in roots for d, _, fs in os.walk(root) for f in fs]


def fts_terms(ctx: ServiceContext) -> set[str]:
    with ctx.store.session() as s:
        s.execute(text("CREATE VIRTUAL TABLE IF NOT EXISTS temp.vocab "
                       "USING fts5vocab(main, contacts_fts, 'row')"))
        return set(s.scalars(text("SELECT term FROM temp.vocab")))


def purge_it(ctx: ServiceContext, cid: int) -> None:
    purge = PurgeService(ctx)
    assert purge.purge(purge.preview_due().contact_ids, confirmed_count=1).wal_truncated


def erase_it(ctx: ServiceContext, cid: int) -> None:
    add_request(ctx, "DSR-2026-0099", (cid,), requester="Requester of record")
    result = ErasureService(ctx).erase([cid], "DSR-2026-0099")
    assert result.recipients_told == ("Optex Poland",) and result.wal_truncated


@pytest.mark.parametrize("delete", [purge_it, erase_it], ids=["purge", "erasure"])
def test_canary_is_gone_from_every_page_and_file(
        ctx: ServiceContext, tmp_path: Path, delete: Callable[[ServiceContext, int], None]) -> None:
    cid = victim(ctx)
    path = ctx.store.path
    assert {"qxj", "xjv"} <= fts_terms(ctx)  # the canary's trigrams are in the search index
    assert wal_occurrences(path, PASSPHRASE, CANARY) >= 1, "the WAL decryptor must see it"
    ctx.store.checkpoint()
    assert occurrences(path, PASSPHRASE, CANARY) >= 6, "the decryptor must see the live canary"
    assert occurrences(path, PASSPHRASE, CANARY.lower()) >= 1
    assert all(occurrences(path, PASSPHRASE, t) > 0 for t in TRIGRAMS)

    assert wal_occurrences(path, PASSPHRASE, CANARY) == 0  # checkpointed above
    delete(ctx, cid)

    wal = Path(f"{path}-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "the WAL must be truncated"
    # Later writes (the report's audit event) start a new WAL: it must be clean too.
    purge = PurgeService(ctx)
    purge.save_report(tmp_path / "purge-report.csv", purge.tombstones())
    purge.save_report(tmp_path / "purge-report.json", purge.tombstones(), "json")
    assert wal.stat().st_size > 0
    assert wal_occurrences(path, PASSPHRASE, CANARY) == 0
    assert occurrences(path, PASSPHRASE, CANARY) == 0
    assert occurrences(path, PASSPHRASE, CANARY.lower()) == 0
    assert occurrences(path, PASSPHRASE, "Neighbour 7") >= 1  # live rows are still readable
    assert not {"qxj", "xjv"} & fts_terms(ctx), "the search index must forget the person"
    # ...in the file too: without FTS5 'secure-delete' the trigrams stay in old segments.
    assert [occurrences(path, PASSPHRASE, t) for t in TRIGRAMS] == [0, 0, 0]
    home = Path(os.environ["PRIVDESK_HOME"])
    for f in all_files(tmp_path, home):
        data = f.read_bytes()
        assert CANARY.encode() not in data and CANARY.lower().encode() not in data, f
    assert ctx.store.table_counts(["tombstones"])["tombstones"] == 1
    assert ctx.store.integrity_check() == []


def test_erased_person_is_flagged_when_entered_again(ctx: ServiceContext) -> None:
    cid = victim(ctx)
    ErasureService(ctx).erase([cid])
    sup = SuppressionList(ctx)
    assert sup.is_suppressed(f"VERA.{CANARY}@example.com", None)
    assert sup.is_suppressed(None, "07700 900555")
    assert ctx.store.table_counts(["suppression"])["suppression"] == 2
