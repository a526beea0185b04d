"""privdesk retention due / retention purge / erase, as a scheduler would run them."""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from privdesk.cli import main
from privdesk.services.context import ServiceContext
from privdesk.services.suppression import SuppressionList
from privdesk.store import vault
from privdesk.store.engine import Store
from tests.conftest import PASSPHRASE, TODAY
from tests.retention_helpers import add_contact, add_request


@pytest.fixture(autouse=True)
def _passphrase(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PRIVDESK_PASSPHRASE", PASSPHRASE)


@pytest.fixture
def store(store_path: Path) -> Iterator[Store]:
    """A store with its officer's key slot, as the CLI makes them: the CLI then opens it
    under the same data key while the test's own context stays open (a passphrase-only
    store would be upgraded, rekeyed, under the test's feet)."""
    s = vault.create_store(store_path, getpass.getuser(), PASSPHRASE)
    yield s
    s.close()


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_due_json_includes_overdue(ctx: ServiceContext, capsys: pytest.CaptureFixture[str]) -> None:
    old = add_contact(ctx, "Olive Overdue", last_activity=TODAY - timedelta(days=400))
    soon = add_contact(ctx, "Sam Soon", last_activity=date(2025, 12, 4))
    add_contact(ctx, "Later", last_activity=date(2026, 6, 1))
    store = str(ctx.store.path)
    code, out, _ = run(capsys, "retention", "due", "--within", "30", "--store", store, "--json",
                       "--today", TODAY.isoformat())
    assert code == 0
    rows = json.loads(out)
    assert [(r["contact_id"], r["due"]) for r in rows] == [(old, "2026-10-20"), (soon, "2026-12-04")]
    assert rows[0]["name"] == "Olive Overdue" and rows[0]["overdue"] is True
    assert rows[1]["rule"] == "Enquiry, no contract (12 months)"
    code, out, _ = run(capsys, "retention", "due", "--within", "30", "--store", store,
                       "--today", TODAY.isoformat())
    assert "OVERDUE  #1  Olive Overdue" in out
    code, _, err = run(capsys, "retention", "due", "--within", "-3", "--store", store)
    assert code == 2 and "--within" in err
    code, _, err = run(capsys, "retention", "due", "--within", "3", "--store", store,
                       "--today", "2026-02-30")
    assert code == 2


def test_purge_dry_run_then_for_real(ctx: ServiceContext, capsys: pytest.CaptureFixture[str]) -> None:
    a = add_contact(ctx, "Dora Due", last_activity=TODAY - timedelta(days=400), interactions=2)
    keep = add_contact(ctx, "Kim Keep", last_activity=TODAY - timedelta(days=5))
    store = str(ctx.store.path)
    base = ["retention", "purge", "--store", store, "--json", "--today", TODAY.isoformat()]
    code, out, _ = run(capsys, *base, "--due-by", TODAY.isoformat(), "--dry-run")
    dry = json.loads(out)
    assert code == 0 and dry["deleted"] is False and dry["contacts"] == 1
    assert dry["items"][0]["contact_id"] == a and dry["totals"]["interactions"] == 2
    assert "Dora" not in out
    assert ctx.store.table_counts(["contacts"])["contacts"] == 2
    code, out, _ = run(capsys, *base, "--due-by", TODAY.isoformat())
    done = json.loads(out)
    assert done["deleted"] is True and done["wal_truncated"] is True
    assert done["tombstones"][0]["counts"]["interactions"] == 2 and "Dora" not in out
    assert ctx.store.table_counts(["contacts", "tombstones"]) == {"contacts": 1, "tombstones": 1}
    code, out, _ = run(capsys, "retention", "purge", "--store", store, "--today", TODAY.isoformat())
    assert code == 0 and "Nothing is due" in out
    code, _, err = run(capsys, *base, "--due-by", "2027-01-01")
    assert code == 1 and "cannot be purged before it falls due" in err
    assert keep


def test_erase_with_request_and_exemption(ctx: ServiceContext, capsys: pytest.CaptureFixture[str]) -> None:
    cid = add_contact(ctx, "Eve Erase", last_activity=TODAY, email="eve@example.com",
                      disclosures=("optex_security_france",))
    kept = add_contact(ctx, "Kai Kept", last_activity=TODAY)
    add_request(ctx, "DSR-2026-0007", (cid,))
    store = str(ctx.store.path)
    code, out, _ = run(capsys, "erase", str(cid), "--store", store, "--request", "DSR-2026-0007",
                       "--json")
    result = json.loads(out)
    assert code == 0 and result["erased"] and result["recipients_told"] == ["Optex Security France"]
    assert SuppressionList(ctx).is_suppressed("EVE@example.com", None)
    code, out, _ = run(capsys, "erase", str(kept), "--store", store, "--exemption",
                       "legal_claims:Pending claim")
    assert code == 0 and "Not erased: the data is kept under The establishment" in out
    code, _, err = run(capsys, "erase", "999", "--store", store)
    assert code == 1 and "no contact with id 999" in err
