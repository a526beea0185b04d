"""One streamed pass over an import: each chunk of rows is checked, matched against the
register (same email or phone, similar names) and, when importing, written, before the
next chunk is read. Only the chunk in hand is held, plus 24 bytes a row of keys for the
within-file duplicate report, so a million-row file fits in a few hundred megabytes.

Everything is written in the caller's one transaction; the caller rolls it back when
any row failed (unless skip_invalid), when the officer cancels, or on any error.
"""

from __future__ import annotations

from array import array
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import date, datetime

import numpy as np
from sqlalchemy import text
from sqlalchemy.orm import Session

from privdesk.domain.import_rows import ImportRow
from privdesk.policy import Policy
from privdesk.services.contacts_import_match import (
    Existing,
    LaterScoring,
    SimilarNames,
    existing_matches,
)
from privdesk.services.contacts_import_write import insert_contacts, update_existing
from privdesk.services.suppression import SuppressionDigests, SuppressionList

Digests = Callable[[str | None, str | None], SuppressionDigests]
_MAX_ID = text("SELECT coalesce(max(id), 0) FROM contacts")


def key64(value: str) -> int:
    """A 64-bit key for a string, for this process only (Python's own SipHash: salted
    per process, which is all a file's one pass needs; 3x cheaper than blake2b)."""
    return hash(value)


@dataclass(frozen=True)
class ImportDuplicate:
    line: int
    other: str  # "contact #12" or "line 7"
    reasons: tuple[str, ...]

    def as_json(self) -> dict[str, object]:
        return {"line": self.line, "other": self.other, "reasons": list(self.reasons)}


@dataclass(frozen=True)
class ImportMatch:
    line: int
    contact_id: int
    reason: str
    action: str  # skipped / filled / imported as new / objection recorded

    def as_json(self) -> dict[str, object]:
        return {"line": self.line, "contact": self.contact_id, "reason": self.reason,
                "action": self.action}


class FileKeys:
    """Each valid row's email and phone as 64-bit keys with its line (24 bytes a row
    instead of ~300 in a dict of strings), compared once at the end: the rows sharing
    a key with an earlier row. 64-bit keys, so two different addresses colliding is
    a 1-in-10^19 chance per pair."""

    def __init__(self) -> None:
        self._keys = {"same email": array("q"), "same phone": array("q")}
        self._lines = {"same email": array("q"), "same phone": array("q")}

    def add(self, line: int, email: str | None, phone: str | None) -> None:
        for kind, value in (("same email", email), ("same phone", phone)):
            if value:
                self._keys[kind].append(key64(value))
                self._lines[kind].append(line)

    def duplicates(self) -> list[ImportDuplicate]:
        found: list[ImportDuplicate] = []
        for kind, raw in self._keys.items():
            keys = np.frombuffer(raw, dtype=np.int64)
            if len(keys) < 2:
                continue
            lines = np.frombuffer(self._lines[kind], dtype=np.int64)
            order = np.argsort(keys, kind="stable")  # file order within a key
            ordered = keys[order]
            first = np.ones(len(keys), dtype=bool)
            first[1:] = ordered[1:] != ordered[:-1]
            group_first = np.maximum.accumulate(np.where(first, np.arange(len(keys)), 0))
            for i in np.nonzero(~first)[0]:
                found.append(ImportDuplicate(int(lines[order[i]]),
                                             f"line {int(lines[order[group_first[i]]])}",
                                             (kind,)))
        return found


@dataclass
class Writing:
    """What writing needs: the officer's choice for people already in the register,
    the suppression list's digests (None when the list is empty), and the facts every
    new contact is stamped with."""

    on_existing: str
    listed: set[tuple[str, str]] | None
    digests: Callable[[Session], Digests]  # made in the import's session when first needed
    region: str
    policy: Policy
    officer: str
    now: datetime
    today: date
    is_suppressed: Callable[[str | None, str | None], bool] | None = None  # instead of `listed`


class ImportPass:
    """Feed it each chunk's valid rows with `chunk()`; read the report off it after."""

    def __init__(self, s: Session, writing: Writing | None,
                 indexed: Callable[[], None] | None = None,
                 reader: Callable[[], AbstractContextManager[Session]] | None = None) -> None:
        self._s = s
        self._indexed = indexed  # after each chunk is written (the search index)
        self._writing = writing
        self.upto = int(s.execute(_MAX_ID).scalar_one())  # the register before this import
        self.keys = FileKeys()
        self.duplicates: list[ImportDuplicate] = []
        self.matches: dict[int, Existing] = {}  # who is already in the register, by line
        self.matched: list[ImportMatch] = []  # what was done, when importing
        self.suppressed: list[int] = []
        self.objecting: list[SuppressionDigests] = []
        self.imported = self.updated = self.objections_listed = 0
        self._similar = SimilarNames(s, self.upto)
        # With a `reader` (a second connection of the store), the similar names (they
        # only add to the report) are read and scored after the last chunk, on helper
        # threads while the commit runs (LaterScoring): ~3 s of a 1M register's import.
        # Not chunk by chunk on helper threads: rapidfuzz and the reads need the GIL
        # often, and beside the busy import they starved.
        self._later = LaterScoring(reader, self.upto) if reader is not None else None
        self.notes: list[str] = []  # for the officer: a check that could not run
        self._digests: Digests | None = None

    def chunk(self, rows: list[ImportRow], write: bool) -> None:
        """Match the chunk's rows, and write them when `write` (no row has failed so
        far, or the officer chose to skip invalid rows)."""
        keys = [(r.line, r.norm_email, r.norm_phone) for r in rows]
        for line, email, phone in keys:
            self.keys.add(line, email, phone)
        found = existing_matches(self._s, keys, self.upto)
        for line, match in found.items():
            self.duplicates.append(ImportDuplicate(line, f"contact #{match.id}", (match.reason,)))
        people = [(r.line, r.company, r.norm_name) for r in rows if r.company and r.name]
        same = {line: match.id for line, match in found.items()}
        if self._later is not None:
            self._later.add(people, same)
        else:
            self._similar_found(self._similar.find(people), same)
        self.matches.update(found)  # the plan, reported when nothing is written
        if self._writing is not None and write:
            self._write(rows, found, self._writing)

    def _write(self, rows: list[ImportRow], found: dict[int, Existing], w: Writing) -> None:
        new: list[ImportRow] = []
        for row in rows:
            line, opted_out = row.line, row.marketing_opt_out
            digests = None
            if w.listed is not None or opted_out:
                if self._digests is None:
                    self._digests = w.digests(self._s)
                digests = self._digests(row.norm_email, row.norm_phone)
            if (w.is_suppressed(row.email, row.phone) if w.is_suppressed is not None else
                    w.listed is not None and digests is not None
                    and any(item in w.listed for item in digests.items())):
                self.suppressed.append(line)
                continue
            if opted_out and digests is not None:
                # Every objection in the file goes on the suppression list too (as a
                # recorded opt-out does): no later import or edit can reopen them.
                self.objecting.append(digests)
            match = found.get(line)
            if match is None or w.on_existing == "new":
                if match is not None and match.opted_out and not opted_out:
                    # The same person objected before: a second record of them must
                    # not be open to marketing.
                    row = row._replace(marketing_opt_out=True, opt_out_on=None
                                       if match.opt_out_on is None else match.opt_out_on[:10])
                new.append(row)
                if match is not None:
                    self.matched.append(ImportMatch(line, match.id, match.reason,
                                                    "imported as new"))
                continue
            fields = update_existing(self._s, match.id, row, w.on_existing == "fill", w.region,
                                     w.policy, w.officer, w.now)
            self.updated += bool(fields)
            action = ("objection recorded" if fields == ["marketing_opt_out"] else
                      "filled: " + ", ".join(fields) if fields else "skipped")
            self.matched.append(ImportMatch(line, match.id, match.reason, action))
        self.imported += insert_contacts(self._s, new, w.officer, w.now)
        if self._indexed is not None:
            self._indexed()
        # Written chunk by chunk (in the same transaction), not held to the end: a
        # million-row unsubscribed export is a million objections.
        SuppressionList.add_many_in(self._s, self.objecting, "objection", w.today)
        self.objections_listed += len(self.objecting)
        self.objecting = []

    def _similar_found(self, found: dict[int, list[int]], same: dict[int, int]) -> None:
        for line, ids in found.items():
            self.duplicates += [ImportDuplicate(line, f"contact #{i}",
                                                ("similar name at the same company",))
                                for i in ids if same.get(line) != i]

    def score_deferred(self) -> None:
        """Start the similar-name check on helper threads (call it just before the
        commit, when given a reader); report() collects it."""
        if self._later is not None:
            self._later.start()

    def report(self) -> list[ImportDuplicate]:
        """Every possible duplicate, within the file and against the register, by line."""
        if self._later is not None:
            self.score_deferred()
            self._similar_found(self._later.found(), self._later.same)
            if self._later.failed is not None:
                self.notes.append("Similar names at the same company were not checked "
                                  f"(the register could not be read: {self._later.failed}); "
                                  "same email and same phone were.")
            self._later = None
        return sorted([*self.duplicates, *self.keys.duplicates()], key=lambda d: d.line)

