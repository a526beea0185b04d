from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

from sqlalchemy import select

from privdesk.services.context import ServiceContext
from privdesk.services.demo import REQUEST_STATES, DemoDataService
from privdesk.store.models import Contact, Request
from tests.conftest import TODAY


def test_demo_data_mix_and_retention_spread(ctx: ServiceContext) -> None:
    DemoDataService(ctx).generate(contacts=2000)
    with ctx.store.session() as s:
        contacts = s.scalars(select(Contact)).all()
        requests = s.scalars(select(Request)).all()
    statuses = Counter(c.status for c in contacts)
    assert set(statuses) == {"enquirer", "customer", "former_customer"}
    assert all(c.retention_due is None for c in contacts if c.status == "customer")
    soon = [c for c in contacts if c.retention_due and TODAY <= c.retention_due
            <= TODAY + timedelta(days=30)]
    assert len(soon) >= 20, "some contacts should fall due in the coming weeks"
    assert len({c.name for c in contacts}) > 1500
    assert {r.status for r in requests} == set(REQUEST_STATES)
    received = [r.received_on for r in requests]
    assert min(received) < TODAY - timedelta(days=30) < max(received) < TODAY


def test_demo_data_is_reproducible(ctx: ServiceContext, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from privdesk.store.engine import Store, StoreKey

    DemoDataService(ctx).generate(contacts=50)
    other = Store.create(tmp_path / "other.privdesk", StoreKey.passphrase("another passphrase"))
    with other:
        DemoDataService(ServiceContext(other, ctx.policy, ctx.actor, today=ctx.today)).generate(
            contacts=50)
        with ctx.store.session() as a, other.session() as b:
            assert [c.name for c in a.scalars(select(Contact))] == \
                   [c.name for c in b.scalars(select(Contact))]
    assert isinstance(TODAY, date)


def test_demo_fast_path_matches_the_normalisers(ctx: ServiceContext) -> None:
    """The bulk generator skips phonenumbers for speed; its columns must still equal
    what the real normalisers produce, or search and duplicates would miss demo people."""
    from privdesk.domain.identity import fold, normalise_email, normalise_phone, search_text

    DemoDataService(ctx).generate(contacts=200)
    with ctx.store.session() as s:
        for c in s.scalars(select(Contact)):
            assert c.search_text == search_text(c.name, c.email, c.phone, c.company)
            assert c.norm_phone == normalise_phone(c.phone)
            assert c.norm_email == normalise_email(c.email)
            assert c.norm_name == fold(c.name)


def test_bulk_load_leaves_the_index_complete_and_the_trigger_back(ctx: ServiceContext) -> None:
    from sqlalchemy import text

    DemoDataService(ctx).generate(contacts=300)
    with ctx.store.session() as s:
        name = s.execute(text("SELECT norm_name FROM contacts WHERE id = 123")).scalar_one()
        hits = s.execute(text("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :q"),
                         {"q": f'"{name}"'}).scalars().all()
        assert 123 in hits
        assert s.execute(text("SELECT count(*) FROM sqlite_master WHERE type='trigger'"
                              " AND name='contacts_fts_ai'")).scalar_one() == 1
        s.execute(text("INSERT INTO contacts (name, status, source, created_at, updated_at,"
                       " search_text) VALUES ('x', 'enquirer', 'call', '2026-01-01',"
                       " '2026-01-01', 'zzqqxx unique')"))
        assert s.execute(text("SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH"
                              " 'zzqqxx'")).scalar_one() == 1


def test_demo_requests_have_timelines_and_correct_late_flags(services) -> None:  # type: ignore[no-untyped-def]
    DemoDataService(services.ctx).generate(contacts=200, requests=45)
    rows = services.requests.queue(include_closed=True)
    assert len(rows) == 45
    answered = [r for r in rows if r.responded_on is not None]
    assert answered and all(r.late == (r.due is not None and r.responded_on > r.due) for r in answered)
    assert {True, False} <= {r.late for r in answered} or len(answered) < 5
    open_due = [r.days_left for r in rows if r.is_open and r.days_left is not None]
    assert min(open_due) < 0 < max(open_due), "due dates spread around today"
    for r in rows:
        detail = services.requests.get(r.reference)
        assert detail.events[0].kind == "received"
        if r.status in ("responded", "refused", "closed", "withdrawn"):
            assert detail.events[-1].kind in ("responded", "refused", "closed", "withdrawn")


def test_demo_people_pass_the_registers_own_validation(ctx: ServiceContext) -> None:
    """Demo data exported and imported again must be clean: valid phones and emails."""
    from privdesk.domain.contact_validation import email_error, phone_error

    DemoDataService(ctx).generate(contacts=400)
    with ctx.store.session() as s:
        for c in s.scalars(select(Contact)):
            assert phone_error(c.phone, "GB") is None, c.phone
            assert email_error(c.email) is None, c.email


def _schema(ctx: ServiceContext) -> list[tuple[str, str]]:
    from sqlalchemy import text

    with ctx.store.session() as s:
        return [(r[0], r[1]) for r in s.execute(text(
            "SELECT name, sql FROM sqlite_master WHERE type IN ('index', 'trigger')"
            " AND sql IS NOT NULL ORDER BY name"))]


def test_bulk_load_puts_every_index_back(ctx: ServiceContext) -> None:
    """The loader drops secondary indexes to build them once by sorting: afterwards the
    schema is exactly as before and the indexes answer (integrity check included)."""
    before = _schema(ctx)
    assert any(name == "ix_contacts_norm_email" for name, _ in before)
    DemoDataService(ctx).generate(contacts=500, requests=0)
    assert _schema(ctx) == before
    assert ctx.store.integrity_check() == []


def test_a_failed_bulk_load_changes_nothing(ctx: ServiceContext) -> None:
    """An error mid-load (here: the progress callback) rolls back the rows and the
    dropped indexes and trigger alike."""
    import pytest

    before = _schema(ctx)

    def stop(done: int, _total: int, _stage: str) -> None:
        if done:
            raise RuntimeError("stopped by the test")

    with pytest.raises(RuntimeError, match="stopped by the test"):
        DemoDataService(ctx).generate(contacts=30_000, requests=0, progress=stop)
    assert _schema(ctx) == before
    assert ctx.store.table_counts(["contacts", "interactions"]) == {"contacts": 0,
                                                                    "interactions": 0}
    DemoDataService(ctx).generate(contacts=100, requests=0)  # and it still works after
    assert ctx.store.table_counts(["contacts"]) == {"contacts": 100}


def test_a_load_failing_while_the_search_index_builds_beside_changes_nothing(
        ctx: ServiceContext) -> None:
    """The search index is built on a second thread from the moment the contacts are in:
    an error after that (here in the interactions' stage) still rolls everything back,
    the search index included, and the next load works."""
    import pytest
    from sqlalchemy import text

    before = _schema(ctx)

    def stop(_done: int, _total: int, stage: str) -> None:
        if stage == "sorting the indexes on interactions":
            raise RuntimeError("stopped by the test")

    with pytest.raises(RuntimeError, match="stopped by the test"):
        DemoDataService(ctx).generate(contacts=20_000, requests=0, progress=stop)
    assert _schema(ctx) == before
    with ctx.store.session() as s:
        assert s.execute(text("SELECT count(*) FROM contacts_fts_docsize")).scalar_one() == 0
        assert s.execute(text("SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH"
                              " 'son'")).scalar_one() == 0
    DemoDataService(ctx).generate(contacts=100, requests=0)
    assert ctx.store.table_counts(["contacts"]) == {"contacts": 100}


def test_search_index_built_beside_is_the_one_a_rebuild_makes(ctx: ServiceContext) -> None:
    """The index built on the second thread and copied in: FTS5's own integrity check
    against the contacts' search text passes, it is one segment (fast first searches),
    it keeps the store's secure-delete setting, and a connection that searched the empty
    store before the load finds the new people (no stale cached index)."""
    from sqlalchemy import text

    config = text("SELECT k, v FROM contacts_fts_config ORDER BY k")
    with ctx.store.session() as s:  # the pooled connection reads the (empty) index first
        assert s.execute(text("SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH"
                              " 'son'")).scalar_one() == 0
        settings = s.execute(config).all()
    DemoDataService(ctx).generate(contacts=3_000, requests=0)
    with ctx.store.session() as s:
        assert s.execute(config).all() == settings  # the build's no-merge settings stay there
        s.execute(text("INSERT INTO contacts_fts(contacts_fts, rank)"
                       " VALUES ('integrity-check', 1)"))
        assert s.execute(text("SELECT count(DISTINCT segid) FROM contacts_fts_idx")
                         ).scalar_one() == 1
        assert s.execute(text("SELECT v FROM contacts_fts_config WHERE k = 'secure-delete'")
                         ).scalar_one() == 1
        texts = dict(s.execute(text("SELECT id, search_text FROM contacts")).all())
        word = texts[1234].split()[0][:5]
        hits = set(s.execute(text("SELECT rowid FROM contacts_fts WHERE contacts_fts MATCH :q"),
                             {"q": f'"{word}"'}).scalars())
        assert hits == {i for i, t in texts.items() if word in t}
        assert 1234 in hits


def test_pooled_name_forms_equal_the_search_text_of_every_word() -> None:
    """The generator joins per-word search forms instead of folding each name: for every
    word of every locale (CJK, Arabic with spaces, German umlauts, Irish Ó ...) the
    result must be what domain.identity makes of the whole name."""
    import random

    from privdesk.domain.identity import fold, join_search_parts
    from privdesk.services.demo_pools import Pools, name_forms
    from privdesk.services.demo_pools import Word as W

    pools = Pools(2018, TODAY, ())
    rng = random.Random(5)
    pairs = [(rng.choice(pools.first), rng.choice(pools.last)) for _ in range(2000)]
    for firsts, lasts, _family_first in pools.foreign:
        pairs += [(w, rng.choice(lasts)) for w in firsts] + [(rng.choice(firsts), w) for w in lasts]
    pairs += [(W.of("Jürgen"), W.of("O'Connor-Smith")), (W.of("山田"), W.of("太郎"))]
    scripts = set()
    for a, b in pairs:
        name = f"{a.raw} {b.raw}"
        assert name_forms(a, b) == join_search_parts(fold(name), None, [], "", raw_name=name), name
        assert f"{a.folded} {b.folded}" == fold(name)
        scripts.add(unicodedata_script(name))
    assert len(scripts) >= 8, scripts


def unicodedata_script(text: str) -> str:
    """The first word of the Unicode name of the name's first letter (LATIN, CYRILLIC...)."""
    import unicodedata

    return unicodedata.name(next(ch for ch in text if ch.isalpha())).split()[0]


def test_demo_people_cease_after_becoming_customers_and_come_from_many_scripts(
        ctx: ServiceContext) -> None:
    """Import refuses a customer who ceased before they became one; the demo has none.
    And the register holds names in many scripts, each with a valid ASCII email."""
    from privdesk.domain.contact_validation import email_error

    DemoDataService(ctx).generate(contacts=3000, requests=0)
    with ctx.store.session() as s:
        contacts = s.scalars(select(Contact)).all()
    former = [c for c in contacts if c.status == "former_customer"]
    assert former and all(c.customer_since and c.ceased and c.customer_since < c.ceased
                          for c in former)
    assert all(c.first_contact <= c.customer_since for c in contacts if c.customer_since)
    scripts = {unicodedata_script(c.name) for c in contacts}
    assert {"LATIN", "CYRILLIC", "ARABIC", "CJK", "GREEK"} <= scripts, scripts
    for c in contacts:
        if unicodedata_script(c.name) != "LATIN":
            assert c.email.isascii() and email_error(c.email) is None, c.email


def test_demo_store_has_one_sample_breach_linked_to_its_people(ctx: ServiceContext) -> None:
    """So the Breaches area shows what a record looks like: open, the ICO decision made
    with reasons, the people linked are real contacts of the register."""
    from privdesk.services.breaches import BreachService
    from privdesk.services.settings import SettingsService

    counts = DemoDataService(ctx).generate(contacts=300, requests=0)
    breaches = BreachService(ctx, SettingsService(ctx))
    rows = breaches.register()
    assert counts.breaches == 1 and len(rows) == 1
    detail = breaches.get(rows[0].reference)
    assert detail.row.status == "open" and detail.row.people_count == 14
    assert len(detail.contacts) == 14 and all(1 <= p.id <= 300 for p in detail.contacts)
    assert [d.outcome for d in detail.decisions] == ["not_notify"]


def test_demo_data_progress_tells_every_stage_in_order(ctx: ServiceContext) -> None:
    """Progress does not sit at "N / N contacts" while interactions, indexes and the
    search index are built: each stage is told, in the order it runs."""
    seen: list[tuple[str, int, int]] = []
    DemoDataService(ctx).generate(contacts=45_000, requests=3,
                                  progress=lambda done, total, stage: seen.append(
                                      (stage, done, total)))
    stages = list(dict.fromkeys(stage for stage, _, _ in seen))
    assert stages == ["contacts", "sorting the indexes on contacts", "interactions",
                      "sorting the indexes on interactions", "sorting the indexes on disclosures",
                      "building the search index", "saving to disk",
                      "adding requests and a breach"]
    counted = [(done, total) for stage, done, total in seen if stage == "interactions"]
    assert counted[-1] == (45_000, 45_000) and len(counted) >= 2
    assert [d for s, d, _ in seen if s == "contacts"] == sorted(
        d for s, d, _ in seen if s == "contacts")
