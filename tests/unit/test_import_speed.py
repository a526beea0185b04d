"""The shortcuts that make a 100,000-row import fast give the same answers as the
slow way: rows checked in worker processes, plain email addresses checked by shape,
and the search digits of a phone computed without phonenumbers' formatter."""

from __future__ import annotations

import codecs
import random
import re
from datetime import date, timedelta
from pathlib import Path

import phonenumbers
import pytest
from email_validator import EmailNotValidError, validate_email

from privdesk.domain import identity
from privdesk.domain.contact_csv import CsvError, decode, parse_table, parse_text
from privdesk.domain.contact_records import STATUSES
from privdesk.domain.contact_rows import valid_for_region, valid_number
from privdesk.domain.contact_table import CsvRows
from privdesk.domain.contact_validation import plain_email
from privdesk.domain.retention import RetentionFacts, due_only, retention_due
from privdesk.policy import Policy, load_policy
from privdesk.services import contacts_import_pool
from privdesk.services.contacts_import import ContactImportService
from privdesk.services.context import Actor, ServiceContext
from privdesk.store.engine import Store, StoreKey
from tests.conftest import PASSPHRASE, TODAY
from tests.reliability.csv_corpus import FILES

HEADER = "name,email,phone,company,source,marketing_opt_out,first_contact\n"


def body(rows: int) -> bytes:
    lines = [f"Person {i} Łukasz,p{i}@example{i % 7}.com,+44 7911 {100000 + i:06d},"
             f"Company {i % 50},email,{'yes' if i % 11 == 0 else 'no'},2026-01-0{1 + i % 9}"
             for i in range(rows)]
    lines[17] = "Bad Row,not-an-email,12,,nowhere,maybe,soon"
    return (HEADER + "\n".join(lines) + "\n").encode()


def test_worker_processes_check_rows_exactly_as_in_process(
        ctx: ServiceContext, monkeypatch: pytest.MonkeyPatch) -> None:
    importer = ContactImportService(ctx)
    data = body(1200)
    in_process = importer.validate(data)
    monkeypatch.setattr(contacts_import_pool, "PARALLEL_MIN", 100)
    monkeypatch.setattr(contacts_import_pool, "CHUNK", 250)
    monkeypatch.setattr(contacts_import_pool, "workers", lambda: 2)
    seen: list[tuple[int, int]] = []
    pooled = importer.validate(data, progress=lambda d, t: seen.append((d, t)))
    assert pooled.errors == in_process.errors and len(pooled.errors) == 5
    assert (pooled.valid, pooled.objections) == (in_process.valid, in_process.objections) == (
        1199, 110)
    assert [d for d, _t in seen][:5] == [250, 500, 750, 1000, 1200]


def test_plain_email_shapes_are_exactly_what_email_validator_accepts() -> None:
    rng = random.Random(14)
    alphabet = "abcXYZ019._+-@é!#$%&'*/=?^`{|}~ \""
    corpus = ["ann@example.com", "a.b+c@sub.example.co.uk", "x@localhost", "x@a.test",
              "x@xn--bcher-kva.example", "a..b@example.com", ".a@example.com",
              "a@-example.com", "a@example-.com", "a@example.c", "a@example.123",
              "a@exa_mple.com", "ab--cd@ab--cd.com", f"{'a' * 65}@example.com",
              f"a@{'b' * 64}.com", "Zoë@example.com", "a@example.onion", "a@b.arpa"]
    corpus += ["".join(rng.choice(alphabet) for _ in range(rng.randint(3, 25)))
               + rng.choice(["@example.com", "@ex-ample.co", "@x.local", ""])
               for _ in range(3000)]
    for email in corpus:
        if plain_email(email):  # the shortcut may only say yes where the validator does
            try:
                validate_email(email, check_deliverability=False)
            except EmailNotValidError as exc:
                pytest.fail(f"{email!r} taken as plain, but email_validator says {exc}")


@pytest.mark.parametrize("number", ["+44 7911 123456", "+44 20 7946 0018", "+353 87 123 4567",
                                    "+49 30 123456", "+33 6 12 34 56 78", "+48 601 234 567",
                                    "+420 601 123 456", "+36 20 123 4567", "+81 90-1234-5678",
                                    "+86 138 0013 8000", "+1 650 253 0000", "+39 06 1234 5678"])
def test_search_digits_match_phonenumbers_national_format(number: str) -> None:
    parsed = phonenumbers.parse(number)
    national = re.sub(r"\D", "", phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.NATIONAL))
    assert identity.phone_forms_of(parsed)[0] == national


@pytest.mark.parametrize("name", sorted(FILES))
def test_reading_utf8_from_the_bytes_gives_what_reading_the_text_gives(name: str) -> None:
    """A clean UTF-8 file is read a line at a time from its bytes (the whole text of a
    million-row file is never held); every file of the hostile corpus reads exactly as
    through the decoded text, or takes the text path itself."""
    data = FILES[name]()
    try:
        via_text = parse_text(*decode(data))
    except CsvError as exc:
        with pytest.raises(CsvError) as again:
            parse_table(data)
        assert again.value.reason == exc.reason
        return
    table = parse_table(data)
    assert (table.encoding, table.headers, list(table.rows), table.notes, table.kind) == (
        via_text.encoding, via_text.headers, list(via_text.rows), via_text.notes, via_text.kind)


@pytest.mark.parametrize("text", [
    'name,notes\r\nAnn,"two\r\nlines, and ""quotes"""\r\n\r\nBob,x\r\n',
    "name,notes\rAnn,old Mac line ends\rBob,\"a\rb\"\r",
    "name;notes\nZoë;ł\n\n\nŁukasz;\"ä\nö\"\nGrand Totals (2 records)\n",
    "\ufeffname,email\nAnn,a@example.org",
])
def test_bytes_and_text_reading_agree_on_line_ends_quotes_and_footers(text: str) -> None:
    for data in (text.encode("utf-8"), codecs.BOM_UTF8 + text.lstrip("\ufeff").encode("utf-8")):
        table, via_text = parse_table(data), parse_text(*decode(data))
        assert (table.headers, list(table.rows), table.notes) == (
            via_text.headers, list(via_text.rows), via_text.notes)
        assert list(table.rows[1:]) == list(via_text.rows)[1:]
        assert isinstance(table.rows, CsvRows) and isinstance(table.rows.source, bytes)


def test_phone_validity_with_common_types_first_agrees_with_phonenumbers() -> None:
    """valid_for_region / valid_number try mobile and fixed line first: the same answer
    as phonenumbers for every region's example numbers of every type and for random
    numbers near them (valid, invalid, wrong length, another region's)."""
    rng = random.Random(14)
    numbers: list[phonenumbers.PhoneNumber] = []
    for region in sorted(phonenumbers.SUPPORTED_REGIONS):
        for kind in (phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE,
                     phonenumbers.PhoneNumberType.TOLL_FREE,
                     phonenumbers.PhoneNumberType.PREMIUM_RATE,
                     phonenumbers.PhoneNumberType.VOIP, phonenumbers.PhoneNumberType.UAN):
            example = phonenumbers.example_number_for_type(region, kind)
            if example is None:
                continue
            numbers.append(example)
            digits = str(example.national_number)
            for _ in range(6):
                mutated = list(digits)
                mutated[rng.randrange(len(mutated))] = str(rng.randrange(10))
                cut = rng.choice([0, 0, 0, 1, -1])
                text = "".join(mutated)[: len(mutated) - 1] if cut == -1 else "".join(mutated) + (
                    str(rng.randrange(10)) if cut == 1 else "")
                numbers.append(phonenumbers.PhoneNumber(country_code=example.country_code,
                                                        national_number=int(text)))
    assert len(numbers) > 5000
    regions = ["GB", "IE", "US", "DE", "JE", "001"]
    for number in numbers:
        own = phonenumbers.region_code_for_country_code(number.country_code)
        for region in (own, *regions):
            assert valid_for_region(number, region) == phonenumbers.is_valid_number_for_region(
                number, region), (number, region)
        assert valid_number(number) == phonenumbers.is_valid_number(number), number


def test_fold_ascii_path_agrees_with_regex_spacing() -> None:
    """fold() joins split() words for ASCII text: the same as collapsing \\s+ and
    stripping, for every ASCII character as a separator (\\x1c-\\x1f included)."""
    spaces = re.compile(r"\s+")
    for code in range(128):
        ch = chr(code)
        text = f"{ch}Ab{ch}{ch}C d{ch}"
        assert identity.fold(text) == spaces.sub(" ", text.lower()).strip(), code


def test_phone_validity_falls_back_to_the_public_call_without_the_private_helper(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Should a phonenumbers release drop its private matcher, validity is the library's
    public answer (slower), never an import error or a different answer."""
    from privdesk.domain import contact_rows

    monkeypatch.setattr(contact_rows, "_matches", None)
    for text, region in (("07700 900123", "GB"), ("087 123 4567", "IE"), ("12345", "GB"),
                         ("+1 650 253 0000", "US")):
        number = phonenumbers.parse(text, region)
        assert valid_for_region(number, region) == phonenumbers.is_valid_number_for_region(
            number, region)
        assert valid_number(number) == phonenumbers.is_valid_number(number)


def _written(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], int]:
    """Every contact column an import writes (not the clock), its history and the search
    index's rows, read back from the store."""
    with store.session() as s:
        raw = s.connection().connection.dbapi_connection
        contacts = raw.execute(
            "SELECT id, name, email, phone, company, location, status, source, first_contact, "
            "customer_since, ceased, last_activity, marketing_opt_out, notes, opt_out_on, "
            "norm_email, norm_phone, norm_name, search_text, retention_rule, retention_due "
            "FROM contacts ORDER BY id").fetchall()
        history = raw.execute("SELECT contact_id, field, new_value, officer FROM contact_history "
                              "ORDER BY id").fetchall()
        found = raw.execute("SELECT count(*) FROM contacts_fts WHERE contacts_fts MATCH 'lukasz'"
                            ).fetchone()[0]
    return contacts, history, found


@pytest.mark.parametrize("encoding", ["utf-8", "cp1250"])
def test_an_import_checked_by_a_worker_writes_exactly_what_one_checked_in_process_does(
        encoding: str, tmp_path: Path, policy: Policy, monkeypatch: pytest.MonkeyPatch) -> None:
    """Rows checked in a worker process and sent back as flat tuples, with their search
    text and retention date worked out there, are written column for column as rows
    checked in the importing process are: the same store, history and search index."""
    data = body(1500).decode().encode(encoding)  # a code page's bytes go to the worker as they are
    results = []
    for name, count in (("in-process", 0), ("worker", 1)):
        monkeypatch.setattr(contacts_import_pool, "PARALLEL_MIN", 100)
        monkeypatch.setattr(contacts_import_pool, "CHUNK", 200)
        monkeypatch.setattr(contacts_import_pool, "workers", lambda n=count: n)
        with Store.create(tmp_path / f"{name}.privdesk", StoreKey.passphrase(PASSPHRASE)) as store:
            ctx = ServiceContext(store=store, policy=policy, actor=Actor("Test Officer"),
                                 today=lambda: TODAY)
            result = ContactImportService(ctx).run(data, skip_invalid=True, encoding=encoding)
            assert result.committed and result.imported == 1499
            results.append(_written(store))
    (contacts, history, found), other = results
    assert len(contacts) == 1499 and all(row[18] and row[20] for row in contacts)
    assert found == 1499 and len(history) == 1499
    assert contacts[0][1] == "Person 0 Łukasz"
    assert other == results[0]


def test_retention_due_only_agrees_with_retention_due() -> None:
    """The import stores due_only's (rule, date); an opened contact shows retention_due's
    working. They must never disagree."""
    rules = load_policy().retention
    rng = random.Random(20)
    days = [None, *(date(2015, 1, 1) + timedelta(days=rng.randint(0, 5000)) for _ in range(40))]
    for _ in range(5000):
        facts = RetentionFacts(status=rng.choice([*STATUSES, "unknown"]),
                               last_activity=rng.choice(days), first_contact=rng.choice(days),
                               ceased=rng.choice(days), legal_hold=rng.random() < 0.2,
                               legal_hold_until=rng.choice(days))
        full = retention_due(facts, rules)
        assert due_only(facts, rules) == (full.rule_key, full.due), facts


@pytest.mark.parametrize("name", ["ann smith", "  ann   smith ", "o'brien", "smith-jones",
                                  "Ann Smith", "12 3", "", "müller", "łukasz", "山田 太郎"])
def test_search_forms_shortcut_for_plain_names_matches_the_full_rules(name: str) -> None:
    folded = identity.fold(name)
    for raw in (name, None, "Müller"):
        quick = identity._search_forms(folded, raw)
        full = " ".join(dict.fromkeys(f for f in (
            identity.search_fold(folded),
            " ".join(folded.translate(identity._LATIN).replace("'", "").replace("-", "").split()),
            " ".join(folded.translate(identity._LATIN).replace("'", " ").replace("-", " ").split()),
            *([identity.search_fold(raw.translate(identity._GERMAN))]
              if raw and raw.translate(identity._GERMAN) != raw else []),
        ) if f)) if folded else ""
        if not identity._CJK_RUN.search(folded):
            assert quick == full, (name, raw)
