"""Batched look-ups for an import: who in the register has the same email or phone
(matched for skip / fill / new), and who has a close name at the same company (a
possible duplicate). One query per few hundred rows instead of three per row; names
are compared with rapidfuzz (difflib's ratio at a fraction of the cost)."""

from __future__ import annotations

from array import array
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any

from rapidfuzz import fuzz, process
from sqlalchemy.orm import Session

NAME_SCORE = 85  # rapidfuzz ratio on folded names: "Jon Smith" ~ "John Smith"
CHUNK = 900  # bound parameters per IN (...)
COMPANY_CANDIDATES = 5000


@dataclass(frozen=True)
class Existing:
    """A register contact an imported row is the same person as."""

    id: int
    reason: str  # "same email" / "same phone"
    opted_out: bool = False
    opt_out_on: str | None = None  # as stored


def _in_query(s: Session, column: str, values: Sequence[str], cols: str,
              upto: int | None) -> list[Any]:
    """Rows whose `column` is one of `values` (and whose id is <= `upto`: the register
    as it was before this import's own rows went in)."""
    rows: list[Any] = []
    limit = "" if upto is None else f" AND id <= {int(upto)}"
    # The DB-API cursor: SQLAlchemy's text() re-parsed each 900-placeholder statement.
    cursor = s.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    mark = "?" if s.get_bind().dialect.name == "sqlite" else "%s"
    for start in range(0, len(values), CHUNK):
        chunk = values[start:start + CHUNK]
        cursor.execute(f"SELECT {cols} FROM contacts "  # noqa: S608 (placeholders)
                       f"WHERE {column} IN ({', '.join([mark] * len(chunk))}){limit}", chunk)
        rows += cursor.fetchall()
    return rows


def existing_matches(s: Session, rows: Sequence[tuple[int, str | None, str | None]],
                     upto: int | None = None) -> dict[int, Existing]:
    """line -> the register contact with the same email (else the same phone); rows are
    (line, normalised email, E.164 phone)."""
    emails = {line: email for line, email, _phone in rows}
    phones = {line: phone for line, _email, phone in rows}
    cols = "id, {}, marketing_opt_out, opt_out_on"
    by_email = {r[1]: r for r in _in_query(
        s, "norm_email", sorted({e for e in emails.values() if e}), cols.format("norm_email"), upto)}
    by_phone = {r[1]: r for r in _in_query(
        s, "norm_phone", sorted({p for p in phones.values() if p}), cols.format("norm_phone"), upto)}
    found: dict[int, Existing] = {}
    for line, email, phone in rows:
        hit, reason = ((by_email[email], "same email") if email and email in by_email else
                       (by_phone[phone], "same phone") if phone and phone in by_phone else
                       (None, ""))
        if hit is not None:
            found[line] = Existing(int(hit[0]), reason, bool(hit[2]),
                                   None if hit[3] is None else str(hit[3]))
    return found


class SimilarNames:
    """Who in the register has a close name at the same company, for a streamed import.
    Each company's people are read once per import (one raw query per few hundred
    companies, through the (company, norm_name) index) and kept as a list of folded
    names and an array of ids: a file's chunks mostly share companies, and reading the
    same people again for every chunk was most of the check's cost."""

    def __init__(self, s: Session, upto: int | None = None) -> None:
        self._s = s
        self._upto = upto
        self._known: dict[str, tuple[list[str], array[int]]] = {}

    def _load(self, companies: list[str]) -> None:
        cursor = self._s.connection().connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        paramstyle = "?" if self._s.get_bind().dialect.name == "sqlite" else "%s"
        # "+id": the id bound must not steer SQLite to ix_contacts_company (company, rowid)
        # and a table read per person (29x slower at 1M) instead of the covering index.
        limit = "" if self._upto is None else f" AND +id <= {int(self._upto)}"
        for company in companies:
            self._known[company] = ([], array("q"))
        for start in range(0, len(companies), CHUNK):
            chunk = companies[start:start + CHUNK]
            marks = ", ".join([paramstyle] * len(chunk))
            cursor.execute(f"SELECT company, norm_name, id FROM contacts "  # noqa: S608 (placeholders)
                           f"WHERE company IN ({marks}){limit}", chunk)
            for company, name, id_ in cursor.fetchall():
                names, ids = self._known[company]
                if len(ids) < COMPANY_CANDIDATES:
                    names.append(name or "")
                    ids.append(id_)

    def find(self, rows: Iterable[tuple[int, str, str]]) -> dict[int, list[int]]:
        """line -> ids of register contacts at the same company (as written) whose
        folded name scores >= NAME_SCORE against the row's; rows are (line, company,
        folded name)."""
        return score_names(self.candidates(rows))

    def candidates(self, rows: Iterable[tuple[int, str, str]]) -> list[Candidates]:
        """What score_names needs for `rows` (the register read here, on the import's
        connection): per company, its people in the rows and its register names."""
        by_company: dict[str, list[tuple[int, str]]] = defaultdict(list)
        for line, company, folded in rows:
            by_company[company].append((line, folded))
        self._load([c for c in by_company if c not in self._known])
        return [(people, *self._known[company]) for company, people in by_company.items()
                if self._known[company][0]]


# (the rows' (line, folded name), the company's register names, their ids)
Candidates = tuple[list[tuple[int, str]], list[str], "array[int]"]


def score_names(jobs: Iterable[Candidates]) -> dict[int, list[int]]:
    """line -> ids whose names score >= NAME_SCORE. Touches no database and no shared
    state, so an import can run it on a helper thread while its commit runs."""
    found: dict[int, list[int]] = {}
    for people, choices, ids in jobs:
        scores = process.cdist([name for _line, name in people], choices,
                               scorer=fuzz.ratio, score_cutoff=NAME_SCORE, dtype="uint8",
                               workers=1)
        for i, (line, _name) in enumerate(people):
            hits = [ids[j] for j in scores[i].nonzero()[0][:20]]
            if hits:
                found[line] = hits
    return found


def _score_on_two_threads(jobs: list[Candidates]) -> dict[int, list[int]]:
    """score_names over `jobs`, half on each of two threads: rapidfuzz lets go of the
    GIL while it compares, so both cores work (the other is in the commit)."""
    jobs = sorted(jobs, key=lambda job: len(job[0]) * len(job[1]), reverse=True)
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="similar-names") as pool:
        halves = list(pool.map(score_names, (jobs[0::2], jobs[1::2])))
    return {**halves[0], **halves[1]}


class LaterScoring:
    """The similar-name check of an import, done once after its last chunk instead of
    chunk by chunk: `add()` each chunk's people, `start()` just before the commit,
    `found()` after it. The register's names are read on a second connection of the
    store (`reader`) and compared on helper threads, so all of it runs while the
    import's own connection commits: SQLite lets go of the GIL for the commit. Reading
    them chunk by chunk on the import's connection cost a 100,000-row import into a
    million-contact register ~1 s before its first chunk was written, while the worker
    process checking rows waited. The second connection sees the register as it was
    committed before this import (and `upto` bounds the ids), which is what the check
    compares against."""

    def __init__(self, reader: Callable[[], AbstractContextManager[Any]],
                 upto: int | None) -> None:
        self._reader = reader
        self._upto = upto
        self._people: list[tuple[int, str, str]] = []  # (line, company, folded name)
        self.same: dict[int, int] = {}  # line -> the contact it is the same person as
        self._future: Future[dict[int, list[int]]] | None = None
        self.failed: str | None = None  # why the check could not run, for the report

    def add(self, people: list[tuple[int, str, str]], same: dict[int, int]) -> None:
        self._people += people
        self.same.update(same)

    def start(self) -> None:
        if self._future is not None or not self._people:
            return
        people, self._people, reader = self._people, [], self._reader

        def score() -> dict[int, list[int]]:
            with reader() as s:
                jobs = SimilarNames(s, self._upto).candidates(people)
            return _score_on_two_threads(jobs)

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="similar-names-read")
        self._future = pool.submit(score)
        pool.shutdown(wait=False)  # the thread ends with its one task

    def found(self) -> dict[int, list[int]]:
        """line -> similar register contacts; waits for the threads. A check that could
        not read the register (the second connection failed) finds nothing and says
        why in `failed`: by then the import may be committed, and it must not be
        reported as failed for want of a possible-duplicate list."""
        if self._future is None:
            return {}
        try:
            return self._future.result()
        except Exception as exc:  # noqa: BLE001 (any failure to read: reported, not raised)
            self.failed = str(exc) or type(exc).__name__
            return {}
