"""Review and purge over a real encrypted store: exact preview, all-or-nothing deletion,
tombstones without personal data, the purge report."""

from __future__ import annotations

import csv
import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from privdesk.services.authz import PermissionDenied
from privdesk.services.context import Actor, ServiceContext
from privdesk.services.purge import PurgeCounts, PurgeError, PurgeService
from privdesk.services.retention import RetentionService
from privdesk.store.models import AuditEvent, Contact, Interaction, Request, RequestContact, Tombstone
from tests.conftest import TODAY
from tests.retention_helpers import add_contact, add_request
from tests.store_kinds import store  # noqa: F401,E402  (both kinds of store)

OLD = TODAY - timedelta(days=400)


@pytest.fixture
def purge(ctx: ServiceContext) -> PurgeService:
    return PurgeService(ctx)


def test_preview_shows_exactly_what_goes(ctx: ServiceContext, purge: PurgeService) -> None:
    a = add_contact(ctx, "Alice Due", last_activity=OLD, interactions=3,
                    disclosures=("optex_japan",), history=2, documents=1)
    b = add_contact(ctx, "Bob Due", status="former_customer", last_activity=None,
                    ceased=date(2019, 1, 1), interactions=1)
    add_request(ctx, "DSR-2026-0001", (a,), rtype="access", status="closed")
    add_contact(ctx, "Carol Not Due", last_activity=TODAY - timedelta(days=10))
    add_contact(ctx, "Held", last_activity=OLD, hold=("Claim", None))
    preview = purge.preview_due()
    assert preview.contact_ids == (b, a)  # soonest due first: 2026-01-01, then 2025
    by_id = {i.contact_id: i for i in preview.items}
    assert by_id[a].counts == PurgeCounts(1, 3, 1, 2, 1, 1)
    assert by_id[a].name == "Alice Due" and by_id[a].rule_name.startswith("Enquiry")
    assert by_id[b].rule_name == "Former customer (7 years)"
    assert preview.totals == PurgeCounts(2, 4, 1, 2, 1, 1)
    with pytest.raises(PurgeError, match="not due for deletion"):
        purge.preview([a, add_contact(ctx, last_activity=TODAY)])
    with pytest.raises(PurgeError, match="after today"):
        purge.preview_due(TODAY + timedelta(days=1))


def test_purge_deletes_everything_and_leaves_tombstones(ctx: ServiceContext,
                                                        purge: PurgeService) -> None:
    a = add_contact(ctx, "Alice Due", last_activity=OLD, interactions=3, history=2, documents=2,
                    disclosures=("hosting", "analytics"))
    keep = add_contact(ctx, "Keep Me", last_activity=TODAY - timedelta(days=3), interactions=2)
    rid = add_request(ctx, "SAR-2026-0007", (a, keep), rtype="access", status="responded")
    preview = purge.preview_due()
    result = purge.purge(preview.contact_ids, confirmed_count=1)
    assert result.totals == PurgeCounts(1, 3, 2, 2, 2, 1) and result.wal_truncated
    assert not Path(f"{ctx.store.path}-wal").exists() or Path(f"{ctx.store.path}-wal").stat().st_size == 0
    with ctx.store.session() as s:
        assert s.get(Contact, a) is None and s.get(Contact, keep) is not None
        assert s.scalar(select(func.count()).select_from(Interaction)) == 2
        assert s.get(Request, rid) is not None  # the request record stays
        assert list(s.scalars(select(RequestContact.contact_id))) == [keep]
        tomb = s.scalars(select(Tombstone)).one()
        assert tomb.rule == "enquiry" and tomb.officer == "Test Officer"
        assert json.loads(tomb.counts) == {"contacts": 1, "interactions": 3, "disclosures": 2,
                                           "history": 2, "documents": 2, "request_links": 1}
        assert "Alice" not in tomb.counts + tomb.rule
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "retention.purge")).one()
        assert "Alice" not in audit.detail and json.loads(audit.detail)["interactions"] == 3
    (record,) = result.tombstones
    assert record.rule_name == "Enquiry, no contract (12 months)"
    # the search index forgot the person too
    with ctx.store.session() as s:
        from sqlalchemy import text
        if s.get_bind().dialect.name == "sqlite":
            found = s.execute(text("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH 'alice'"))
            assert found.all() == []
        else:  # a team store: nothing left for the pg_trgm index to find
            assert s.execute(text("SELECT id FROM contacts WHERE search_text LIKE '%alice%'")).all() == []


def test_purge_is_all_or_nothing(ctx: ServiceContext, purge: PurgeService) -> None:
    a = add_contact(ctx, "Due One", last_activity=OLD)
    b = add_contact(ctx, "Due Two", last_activity=OLD)
    preview = purge.preview_due()
    RetentionService(ctx).set_hold(b, "Claim arrived after the review")
    with pytest.raises(PurgeError, match="1 of the 2 contacts changed since the review"):
        purge.purge(preview.contact_ids)
    with pytest.raises(PurgeError, match="You confirmed 3 but 2 are selected"):
        purge.purge(preview.contact_ids, confirmed_count=3)
    with pytest.raises(PurgeError, match="Nothing selected"):
        purge.purge([])
    with ctx.store.session() as s:
        assert {c.id for c in s.scalars(select(Contact))} == {a, b}
        assert s.scalar(select(func.count()).select_from(Tombstone)) == 0


def test_viewer_and_officer_permissions(ctx: ServiceContext) -> None:
    a = add_contact(ctx, last_activity=OLD)
    viewer = PurgeService(replace(ctx, actor=Actor("Jo Lewis", "viewer")))
    assert viewer.preview_due().contact_ids == (a,)  # may look
    with pytest.raises(PermissionDenied):
        viewer.purge([a])
    officer = PurgeService(replace(ctx, actor=Actor("Priya Shah", "officer")))
    assert officer.purge([a]).tombstones[0].officer == "Priya Shah"


def test_purge_report_csv_and_json_hold_no_personal_data(ctx: ServiceContext, purge: PurgeService,
                                                         tmp_path: Path) -> None:
    ids = [add_contact(ctx, f"Person {i} Smith", last_activity=OLD, email=f"p{i}@example.com",
                       interactions=i) for i in range(3)]
    result = purge.purge(ids)
    csv_path = purge.save_report(tmp_path / "purge.csv", result.tombstones)
    rows = list(csv.DictReader(csv_path.open(encoding="utf-8")))
    assert [int(r["interactions"]) for r in rows] == [0, 1, 2]
    assert {r["rule_name"] for r in rows} == {"Enquiry, no contract (12 months)"}
    json_path = purge.save_report(tmp_path / "purge.json", result.tombstones, "json")
    data = json.loads(json_path.read_text())
    assert len(data) == 3 and data[0]["counts"]["contacts"] == 1
    for path in (csv_path, json_path):
        body = path.read_text()
        assert "Smith" not in body and "example.com" not in body
    with pytest.raises(PurgeError, match="Unknown report format"):
        purge.save_report(tmp_path / "x.xml", result.tombstones, "xml")
    with pytest.raises(PurgeError, match="Cannot save the report"):
        purge.save_report(tmp_path / "no" / "such" / "dir.csv", result.tombstones)
    assert len(purge.tombstones()) == 3


@pytest.mark.parametrize("store", ["file"], indirect=True)  # raw bulk load: local only
def test_bulk_purge_crosses_chunk_boundaries(ctx: ServiceContext, purge: PurgeService) -> None:
    def load(raw: object) -> None:
        cur = raw.cursor()  # type: ignore[attr-defined]
        cur.execute("BEGIN")
        cur.executemany(
            "INSERT INTO contacts (name, status, source, last_activity, retention_rule,"
            " retention_due, search_text, created_at, updated_at)"
            " VALUES (?, 'enquirer', 'call', ?, 'enquiry', ?, ?, '2026-01-01', '2026-01-01')",
            [(f"Bulk {i}", "2025-01-01", "2026-01-01", f"bulk {i}") for i in range(1203)])
        cur.execute("COMMIT")
    ctx.store.run_raw(load)
    preview = purge.preview_due(date(2026, 6, 1))
    assert preview.totals.contacts == 1203
    result = purge.purge(preview.contact_ids, due_by=date(2026, 6, 1), confirmed_count=1203)
    assert len(result.tombstones) == 1203
    assert ctx.store.table_counts(["contacts"]) == {"contacts": 0}


def test_csv_report_defuses_formulas() -> None:
    from datetime import datetime

    from privdesk.services.purge_report import TombstoneRecord, report_text

    record = TombstoneRecord(1, datetime(2026, 11, 24, 10), "=HYPERLINK(\"x\")", "enquiry",
                             "Enquiry", "+SAR-1", {"contacts": 1})
    body = report_text([record], "csv")
    assert "'=HYPERLINK" in body and "'+SAR-1" in body
