"""CSV import and export over a real encrypted store."""

from __future__ import annotations

import csv
import io
import multiprocessing
import time
from importlib import resources
from pathlib import Path

import pytest

from privdesk.domain.contact_csv import decode, guess_mapping, neutralise, unneutralise
from privdesk.domain.contact_records import ContactInput, ContactQuery
from privdesk.services import contacts_import, contacts_import_pool, contacts_import_write
from privdesk.services.contacts import ContactService
from privdesk.services.contacts_import import ContactImportService, ImportCancelled
from privdesk.services.contacts_import_write import IMPORT_CACHE_KIB, SHORT_FILE, index_cache
from privdesk.services.context import ServiceContext

HEADER = ("name,email,phone,company,location,status,source,first_contact,customer_since,"
          "ceased,last_activity,marketing_opt_out,notes\n")


@pytest.fixture
def importer(ctx: ServiceContext) -> ContactImportService:
    return ContactImportService(ctx)


@pytest.fixture
def contacts(ctx: ServiceContext) -> ContactService:
    return ContactService(ctx)


def template() -> bytes:
    return resources.files("privdesk.resources").joinpath(
        "templates/contacts-template.csv").read_bytes()


def test_the_template_imports_cleanly(importer: ContactImportService,
                                      contacts: ContactService) -> None:
    result = importer.run(template())
    assert result.errors == () and result.imported == 3 and result.committed
    page = contacts.search(ContactQuery(sort="name"))
    assert [r.name for r in page.rows] == ["Ann Lee", "Marta Nowak", "Ravi Patel"]
    ravi = next(r for r in page.rows if r.name == "Ravi Patel")
    assert ravi.marketing_opt_out and ravi.status == "customer"
    marta = contacts.get(next(r.id for r in page.rows if r.name == "Marta Nowak"))
    assert marta.retention_rule == "former_customer" and str(marta.retention_due) == "2029-12-31"
    assert marta.history[0].new_value == "imported from CSV"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252"])
def test_encodings_are_detected(importer: ContactImportService, contacts: ContactService,
                                encoding: str) -> None:
    body = HEADER + ("Zoë Åström-Müller,zoe@example.com,,Café Ltd,Sète,enquirer,email,"
                     "2026-01-02,,,,no,Naïve £5 note\n")
    result = importer.run(body.encode(encoding))
    assert result.errors == () and result.imported == 1
    row = contacts.search(ContactQuery(text="zoe astrom")).rows[0]
    assert row.name == "Zoë Åström-Müller" and row.company == "Café Ltd"


def test_decode_names_the_encoding() -> None:
    assert decode("Café Zoë".encode("cp1252"))[1] == "cp1252"
    assert decode("\ufeffé".encode())[1] == "utf-8-sig"
    assert decode("name,email\n".encode("utf-16"))[1] == "utf-16"


def test_crm_headers_are_mapped(importer: ContactImportService, contacts: ContactService) -> None:
    body = ("First Name;Last Name;Email Address;Phone Number;Company Name;City;Country;Lead Source\n"
            "Sam;O'Neil;sam@oneil.example;087 123 4567;O'Neil & Co;Cork;Ireland;Telephone call\n")
    preview = importer.preview(body.encode())
    assert set(preview.mapping.values()) == {"first_name", "last_name", "email", "phone",
                                             "company", "city", "country", "source"}
    result = importer.run(body.encode())
    assert result.errors == (), result.errors
    row = contacts.search(ContactQuery(text="oneil")).rows[0]
    assert (row.name, row.location, row.source) == ("Sam O'Neil", "Cork, Ireland", "call")
    # An Irish national number, read with the row's country and kept unambiguous.
    assert row.phone == "+353 87 123 4567"
    assert guess_mapping(["E-mail", "Surname", "Organisation"]) == {
        0: "email", 1: "last_name", 2: "company"}


def test_one_bad_row_writes_nothing_and_reports_line_field_reason(
        importer: ContactImportService, contacts: ContactService) -> None:
    body = (HEADER
            + "Good Person,good@example.com,,,,enquirer,email,2026-01-01,,,,no,\n"
            + "Bad Person,not-an-email,,,,customer,nowhere,someday,,,,maybe,\n")
    result = importer.run(body.encode())
    assert not result.committed and result.imported == 0 and result.rejected == 1
    got = {(e.line, e.field) for e in result.errors}
    assert got == {(3, "email"), (3, "source"), (3, "first_contact"), (3, "marketing_opt_out")}
    assert contacts.search(ContactQuery()).total == 0
    skipped = importer.run(body.encode(), skip_invalid=True)
    assert skipped.committed and skipped.imported == 1 and skipped.rejected == 1
    assert contacts.search(ContactQuery()).total == 1


def test_a_file_without_a_name_column_is_refused(importer: ContactImportService) -> None:
    result = importer.run(b"email,phone\na@b.example,\n")
    assert result.errors[0].field == "header" and not result.committed
    assert importer.run(b"").errors[0].line == 1


def test_duplicates_are_warned_and_suppressed_rows_skipped(
        importer: ContactImportService, contacts: ContactService) -> None:
    contacts.create(ContactInput(name="Ann Lee", email="ann@x.example", source="email"))
    body = (HEADER
            + "Ann Lee,ANN@x.example,,,,enquirer,email,2026-01-01,,,,no,\n"
            + "Kim Roe,kim@x.example,,,,enquirer,email,2026-01-01,,,,no,\n"
            + "Kim R,kim@x.example,,,,enquirer,email,2026-01-01,,,,no,\n"
            + "Gone Person,gone@x.example,,,,enquirer,email,2026-01-01,,,,no,\n")
    result = importer.run(body.encode(),
                          is_suppressed=lambda email, phone: email == "gone@x.example")
    assert {(d.line, d.other) for d in result.duplicates} == {(2, "contact #1"), (4, "line 3")}
    assert result.suppressed == (5,)
    # Ann Lee is already in the register: skipped by default, and reported.
    assert [(m.line, m.contact_id, m.action) for m in result.matched] == [(2, 1, "skipped")]
    assert result.imported == 2
    assert result.as_json()["suppressed"] == [{"line": 5, "reason": "on the suppression list"}]
    assert contacts.search(ContactQuery(text="gone")).total == 0


@pytest.mark.parametrize("worker", [False, True])
def test_cancel_rolls_everything_back(worker: bool, importer: ContactImportService,
                                      contacts: ContactService,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Cancel after three chunks: nothing written. With a worker process checking the
    chunks too, and the worker gone once the import returns (it is stopped without
    being waited for)."""
    chunk = 500 if worker else 1000
    monkeypatch.setattr(contacts_import_pool, "CHUNK", chunk)
    if worker:
        monkeypatch.setattr(contacts_import_pool, "PARALLEL_MIN", 1000)
        monkeypatch.setattr(contacts_import_pool, "workers", lambda: 1)
    rows = "".join(f"Person {i},p{i}@example.com,,,,enquirer,email,2026-01-01,,,,no,\n"
                   for i in range(4500))
    seen: list[tuple[int, int]] = []
    with pytest.raises(ImportCancelled):
        importer.run((HEADER + rows).encode(), progress=lambda d, t: seen.append((d, t)),
                     cancel=lambda: len(seen) >= 3)
    assert contacts.search(ContactQuery()).total == 0
    # Streamed: three chunks were written in the transaction before the cancel.
    assert seen == [(chunk * n, 4500) for n in (1, 2, 3)]
    deadline = time.monotonic() + 20
    while multiprocessing.active_children() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not multiprocessing.active_children()


def test_formula_injection_is_neutralised_on_export(contacts: ContactService,
                                                    importer: ContactImportService,
                                                    tmp_path: Path) -> None:
    for name in ("=HYPERLINK(\"http://evil\")", "+SUM(1)", "-2+3", "@cmd", "Plain"):
        contacts.create(ContactInput(name=name, company="-minus Ltd", source="email",
                                     phone="+44 7911 123456"))
    out = tmp_path / "export.csv"
    assert contacts.export_csv(out) == 5
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8-sig"))))
    names = sorted(r["name"] for r in rows)
    assert all(n.startswith("'") for n in names if n != "Plain")
    assert all(r["phone"] == "'+44 7911 123456" and r["company"] == "'-minus Ltd" for r in rows)
    assert neutralise("=1") == "'=1" and unneutralise("'=1") == "=1" and unneutralise("'ok") == "'ok"
    assert neutralise("\tx") == "'\tx" and neutralise("\rx") == "'\rx" and neutralise("a=") == "a="
    # An export imports back as it was (the apostrophes come off again).
    contacts2_before = contacts.search(ContactQuery()).total
    result = importer.run(out.read_bytes(), skip_invalid=True, on_existing="new")
    assert result.imported == contacts2_before
    assert any(d.reasons for d in result.duplicates)


def test_every_csv_writer_neutralises_the_same_way() -> None:
    """One rule for formula injection, LF included, and exports read back unchanged."""
    for cell in ("=1", "+1", "-1", "@x", "\tx", "\rx", "\nx"):
        assert neutralise(cell) == "'" + cell and unneutralise(neutralise(cell)) == cell
    assert neutralise("ok") == "ok" and unneutralise("'ok") == "'ok"


def test_source_email_without_an_address_is_imported_with_a_warning(
        importer: ContactImportService, contacts: ContactService) -> None:
    """An officer importing "came by email" rows that give no address wants them in (the
    person is real; the export just lost the column) but told, line by line, so the
    source or the address can be fixed: a warning, not a rejection."""
    rows = ("Ann Lee,,07400 100001,,,enquirer,email,2026-01-02,,,,no,\n"
            "Bob Ray,bob@example.org,,,,enquirer,email,2026-01-02,,,,no,\n"
            "Cy Dee,,07400 100003,,,enquirer,Email,2026-01-02,,,,no,\n"
            "Di Fox,,07400 100004,,,enquirer,call,2026-01-02,,,,no,\n")
    checked = importer.validate((HEADER + rows).encode())
    warning = [w for w in checked.warnings if "came by email" in w]
    assert warning == ["2 rows say the details came by email but give no email address "
                       "(lines 2, 4): imported as they are; check the source, or add the "
                       "address so that a request from them can be matched."]
    result = importer.run((HEADER + rows).encode())
    assert result.committed and result.imported == 4 and result.warnings == checked.warnings
    assert contacts.search(ContactQuery(text="cy dee")).total == 1
    one = importer.validate((HEADER + rows.replace(",,07400 100003", ",cy@example.org,07400 100003")
                             ).encode())
    assert any(w.startswith("1 row says the details came by email but gives no email "
                            "address (line 2)") for w in one.warnings)


@pytest.mark.parametrize("deferred", [True, False])
def test_similar_names_are_found_in_the_register_not_among_rows_just_written(
        deferred: bool, importer: ContactImportService, contacts: ContactService,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Streamed in chunks of 2: a close name at the same company already in the register
    is a possible duplicate; rows the same import wrote in an earlier chunk are not
    "contacts" to it (within the file, duplicates are by email or phone, by line). The
    same whether the import reads and scores them after its last chunk on a second
    connection, beside the commit (files of up to PARALLEL_MAX rows), or chunk by chunk
    (longer files, and a validation)."""
    monkeypatch.setattr(contacts_import_pool, "CHUNK", 2)
    if not deferred:
        monkeypatch.setattr(contacts_import, "PARALLEL_MAX", 0)
    first = contacts.create(ContactInput(name="Jonathan Smith", company="Acme Ltd",
                                         source="email"))
    rows = ("Jonathon Smith,js@example.org,,Acme Ltd,,enquirer,email,2026-01-02,,,,no,\n"
            "Mary Jones,mj@example.org,,Acme Ltd,,enquirer,email,2026-01-02,,,,no,\n"
            "Marie Jones,mj2@example.org,,Acme Ltd,,enquirer,email,2026-01-02,,,,no,\n"
            "Jonathan Smith,js2@example.org,,Other plc,,enquirer,email,2026-01-02,,,,no,\n")
    for result in (importer.validate((HEADER + rows).encode()),
                   importer.run((HEADER + rows).encode())):
        assert [(d.line, d.other, d.reasons) for d in result.duplicates] == [
            (2, f"contact #{first.id}", ("similar name at the same company",))]
    assert contacts.search(ContactQuery(text="jones")).total == 2


def test_an_import_locked_out_of_a_second_connection_commits_and_says_what_it_skipped(
        importer: ContactImportService, ctx: ServiceContext,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The similar-name check reads the register on a second connection after the last
    chunk. If the store is locked by then (auto-lock), no new connection can open: the
    import, on its own connection, still commits, and the report says that check did
    not run, rather than the import being reported as failed."""
    from privdesk.store.engine import StoreKey
    from tests.conftest import PASSPHRASE

    monkeypatch.setattr(contacts_import_pool, "CHUNK", 2)
    rows = "".join(f"Person {i},p{i}@example.org,,Acme Ltd,,enquirer,email,2026-01-02,,,,no,\n"
                   for i in range(5))

    def lock_after_the_last_chunk(done: int, total: int) -> None:
        if done == total and not ctx.store.locked:
            ctx.store.close()

    result = importer.run((HEADER + rows).encode(), progress=lock_after_the_last_chunk)
    assert result.committed and result.imported == 5
    assert any(w.startswith("Similar names at the same company were not checked (the "
                            "register could not be read") for w in result.warnings), result.warnings
    ctx.store.reopen(StoreKey.passphrase(PASSPHRASE))
    assert ContactService(ctx).search(ContactQuery(text="person")).total == 5


def test_a_rejected_import_still_reports_who_is_already_in_the_register(
        importer: ContactImportService, contacts: ContactService) -> None:
    known = contacts.create(ContactInput(name="Ann Lee", email="ann@example.org",
                                         source="email"))
    rows = ("Ann Lee,ann@example.org,,,,enquirer,email,2026-01-02,,,,no,\n"
            "Bad Row,not-an-email,,,,enquirer,email,2026-01-02,,,,no,\n")
    result = importer.run((HEADER + rows).encode())
    assert not result.committed and [e.line for e in result.errors] == [3]
    assert [(m.line, m.contact_id, m.action) for m in result.matched] == [
        (2, known.id, "will be skipped")]
    assert contacts.search(ContactQuery()).total == 1


def test_a_short_file_into_a_big_register_gets_a_bigger_page_cache_then_the_old_one(
        importer: ContactImportService, contacts: ContactService, ctx: ServiceContext,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(contacts_import_write, "BIG_REGISTER", 1)
    contacts.create(ContactInput(name="Ada Lovelace", source="email"))
    with ctx.store.session() as s:
        conn = s.connection().connection.dbapi_connection
        assert conn is not None
        before = conn.execute("PRAGMA cache_size").fetchone()[0]
        with index_cache(s, 1000):
            assert conn.execute("PRAGMA cache_size").fetchone()[0] == -IMPORT_CACHE_KIB
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == before
        with index_cache(s, SHORT_FILE + 1):  # a long file keeps its measured memory
            assert conn.execute("PRAGMA cache_size").fetchone()[0] == before
    rows = "".join(f"Person {i},p{i}@example.com,,,,enquirer,email,2026-01-01,,,,no,\n"
                   for i in range(30))
    assert importer.run((HEADER + rows).encode()).imported == 30
    assert contacts.search(ContactQuery()).total == 31



def test_a_worker_process_is_started_only_for_files_between_the_bounds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Short files are checked in-process (a worker would cost more than it saves), and
    so are files over PARALLEL_MAX rows, to keep a million-row file under 500 MB."""
    monkeypatch.setattr(contacts_import_pool, "workers", lambda: 1)
    lines = contacts_import_pool.PARALLEL_MIN
    for count, started in ((lines - 1, False), (lines, True),
                           (contacts_import_pool.PARALLEL_MAX + 1, False)):
        with contacts_import_pool.RowChecker(b"x\n" * count) as checker:
            assert (checker._pool is not None) == started, count

