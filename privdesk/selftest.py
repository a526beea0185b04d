"""`privdesk --self-test`: prove that this installation works, end to end, in seconds.

Run after installing or building (packaging/build.sh runs it on the frozen bundle). In a
temporary folder it creates an encrypted store, writes a contact, closes and reopens the
store, reads the contact back, checks integrity, builds a one-page PDF pack and reads it
back with pypdf and QtPdf. Nothing outside the temporary folder is touched, and the
folder is deleted afterwards. Exit 0 when every step passed; 1, with the failing step
named in plain words, otherwise.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from importlib import resources
from pathlib import Path
from typing import TextIO

from pypdf import PdfReader
from sqlalchemy import select

from privdesk import __version__
from privdesk.domain import identity
from privdesk.domain.contact_validation import email_error, phone_error
from privdesk.policy import Policy, load_policy
from privdesk.reports.selftest_pack import build_selftest_pack
from privdesk.store.engine import PLAIN_SQLITE_HEADER, Store, StoreKey, head_revision, read_header
from privdesk.store.errors import StoreError, UnlockError
from privdesk.store.models import Contact
from privdesk.store.officer_names import check_officer_name

# Markup and non-ASCII on purpose: the pack must escape and render stored text.
TEST_NAME = "Zoë O'Brien <self-test>"
TEST_EMAIL = "zoe.obrien@example.invalid"


class SelfTestError(Exception):
    """A step found something wrong; the message is for the person installing privdesk."""


@dataclass
class _State:
    folder: Path
    key: StoreKey = field(default_factory=lambda: StoreKey.passphrase(secrets.token_urlsafe(24)))
    policy: Policy | None = None
    store: Store | None = None
    contact_id: int | None = None
    pdf: Path | None = None

    @property
    def path(self) -> Path:
        return self.folder / "self-test.privdesk"

    def open_store(self) -> Store:
        if self.store is None:
            raise SelfTestError("no store is open")
        return self.store


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _resources(st: _State) -> str:
    st.policy = load_policy()  # importlib.resources: the bundled privdesk/resources
    files = resources.files("privdesk.resources")
    for name in ("styles/app.qss", "icons/privdesk.svg"):
        if not files.joinpath(name).is_file():
            raise SelfTestError(f"the bundled resource {name} is missing")
    return f"policy '{st.policy.name}' from {files}"


def _text(_st: _State) -> str:
    """The libraries that read tables of their own at run time (transliteration, phone
    metadata, IDNA, Unicode scripts): an installation missing one fails here, not at
    an officer's first search or import."""
    checks = [
        (identity.search_fold("Zofia Łukasiewicz") == "zofia lukasiewicz", "name folding"),
        (identity.normalise_phone("020 7946 0000", "GB") == "+442079460000", "phone numbers"),
        (phone_error("+353 1 234 5678", "GB") is None, "phone numbers"),
        (email_error("zofia@bücher.de") is None, "email addresses"),
    ]
    try:
        check_officer_name("Aleх")  # with a Cyrillic х: must be refused
        checks.append((False, "officer names"))
    except StoreError:
        pass
    failed = sorted({what for ok, what in checks if not ok})
    if failed:
        raise SelfTestError(f"not working as they should: {', '.join(failed)} (is the "
                            "installation complete?)")
    return "name folding, phone numbers, email addresses, officer names"


def _create(st: _State) -> str:
    st.store = Store.create(st.path, st.key)
    if read_header(st.path) == PLAIN_SQLITE_HEADER:
        raise SelfTestError("the new store was written unencrypted")
    revision, head = st.store.schema_revision(), head_revision()
    if revision != head:
        raise SelfTestError(f"schema is at {revision}, migrations end at {head}")
    return f"SQLCipher {st.store.cipher_version()}, schema {revision}"


def _write(st: _State) -> str:
    now = _now()
    with st.open_store().session() as s:
        contact = Contact(name=TEST_NAME, email=TEST_EMAIL, status="enquirer", source="email",
                          first_contact=date(2026, 1, 2), last_activity=date(2026, 1, 2),
                          search_text=TEST_NAME.casefold(), created_at=now, updated_at=now)
        s.add(contact)
        s.flush()
        st.contact_id = contact.id
    st.open_store().close()
    st.store = None
    return f"contact #{st.contact_id}, store closed"


def _read(st: _State) -> str:
    try:
        Store.open(st.path, StoreKey.passphrase("not the key")).close()
    except UnlockError:
        pass
    else:
        raise SelfTestError("the store opened with a wrong passphrase")
    st.store = Store.open(st.path, st.key)
    with st.open_store().read_session() as s:
        got = s.scalars(select(Contact).where(Contact.id == st.contact_id)).one_or_none()
        if got is None or (got.name, got.email) != (TEST_NAME, TEST_EMAIL):
            raise SelfTestError("the contact read back differs from the one written")
    return "reopened, contact matches, wrong passphrase refused"


def _integrity(st: _State) -> str:
    problems = st.open_store().integrity_check()
    if problems:
        raise SelfTestError(f"integrity check: {'; '.join(problems[:3])}")
    return "integrity_check and cipher_integrity_check clean"


def _pack(st: _State) -> str:
    assert st.policy is not None
    controller = st.policy.controller.name
    rows = [("Contact", TEST_NAME), ("Email", TEST_EMAIL), ("Store", st.path.name),
            ("SQLCipher", st.open_store().cipher_version())]
    data = build_selftest_pack(controller, rows, _now(), __version__)
    st.pdf = st.folder / "self-test-pack.pdf"
    st.pdf.write_bytes(data)
    reader = PdfReader(st.pdf)
    if len(reader.pages) != 1:
        raise SelfTestError(f"the pack has {len(reader.pages)} pages, expected 1")
    text = reader.pages[0].extract_text()
    if controller not in text or TEST_NAME not in text:
        raise SelfTestError("the pack does not show the controller and the test contact")
    return f"1 page, {len(data):,} bytes, names {controller}"


def _qt(st: _State) -> str:
    assert st.pdf is not None
    try:
        from privdesk.ui.selftest_probe import qt_probe
    except ImportError as exc:
        raise SelfTestError(f"Qt cannot be loaded: {exc}") from exc
    try:
        return qt_probe(st.pdf)
    except RuntimeError as exc:
        raise SelfTestError(str(exc)) from exc


Step = tuple[str, Callable[[_State], str]]
STEPS: list[Step] = [("resources", _resources), ("text", _text), ("create", _create),
                     ("write", _write), ("read", _read), ("integrity", _integrity),
                     ("pack", _pack)]
GUI_STEP: Step = ("qt", _qt)


def run_self_test(out: TextIO | None = None, err: TextIO | None = None, gui: bool = True) -> int:
    """Print one line per step to `out`; the failure summary goes to `err` as well."""
    out = out or sys.stdout
    err = err or sys.stderr
    started = time.monotonic()
    folder = Path(tempfile.mkdtemp(prefix="privdesk-selftest-"))
    st = _State(folder)
    print(f"privdesk {__version__} self-test (Python {sys.version.split()[0]})", file=out)
    failed: str | None = None
    try:
        for name, step in [*STEPS, *([GUI_STEP] if gui else [])]:
            try:
                detail = step(st)
            except Exception as exc:  # every failure becomes a plain message, not a traceback
                message = str(exc) or type(exc).__name__
                print(f"  FAIL {name:<10} {message}", file=out)
                failed = f"{name}: {message}"
                break
            print(f"  ok   {name:<10} {detail}", file=out)
    finally:
        if st.store is not None:
            st.store.close()
        shutil.rmtree(folder, ignore_errors=True)
    if folder.exists():
        failed = failed or f"cleanup: could not delete {folder}"
    if failed:
        print(f"Self-test FAILED at {failed}", file=out)
        if err is not out:
            print(f"privdesk: self-test failed at {failed}", file=err)
        return 1
    print(f"Self-test passed in {time.monotonic() - started:.1f} s; temporary files deleted.",
          file=out)
    return 0
