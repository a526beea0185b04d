"""Redaction that covers every copy, and the builder's last check of its own output.

An officer marks one item (a call note that names a neighbour). The same words may be
repeated elsewhere in what we hold: the rectification history keeps the old and new value
of every changed field, and the history entry written when the note was added quotes it.
`resolve` follows both kinds of copy:

1. by structure: a history entry repeats the contact field it changed
   (`HeldItem.repeats`), so redacting the field redacts every change to it;
2. by text: any other item with a cell that contains a withheld text (compared without
   whitespace, so a line wrapped differently still matches) is redacted too, until
   nothing more changes.

Then `find_leak` reads the produced output back (the PDF's text through pypdf, the JSON
or CSV as text) and names the first redacted item whose text still appears; the pack
service refuses to produce that output at all.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pypdf import PdfReader

from privdesk.services.pack_data import HeldItem, hidden_cells

# Shorter withheld texts ("Yes", "No", a date) cannot be told apart from ordinary words of
# the pack; the check needs at least this many non-space characters to mean anything.
MIN_CHECKED = 4


def squash(text: str) -> str:
    """The text without any whitespace: how wrapped lines are compared."""
    return "".join(text.split())


@dataclass(frozen=True)
class Withheld:
    """One item kept out of the pack, and why."""

    ref: str
    label: str
    action: str  # redact / exclude
    follows: str | None  # the label of the marked item whose text this repeats
    texts: tuple[str, ...]  # the withheld text, squashed, that must never appear


@dataclass(frozen=True)
class Resolution:
    hidden: dict[str, frozenset[int]]  # item ref -> the cells withheld
    withheld: tuple[Withheld, ...]  # marked items first, then the copies they caused

    def derived(self) -> dict[str, Withheld]:
        return {w.ref: w for w in self.withheld if w.follows is not None}


def _secret_texts(item: HeldItem, hide: Iterable[int]) -> tuple[str, ...]:
    """The free-text cells hidden: what must not appear anywhere else. A date, a kind or
    an officer's name hidden with a withheld item is ordinary text found elsewhere."""
    # An item with no free text (a request line: reference, type, dates, status) holds
    # nothing that is not also, by design, elsewhere in the pack (its header names the
    # request): withholding it hides the row, and there is no text to hunt for.
    free = set(item.free_text)
    out = [squash(item.cells[i]) for i in hide if i in free and i < len(item.cells)]
    return tuple(t for t in dict.fromkeys(out) if len(t) >= MIN_CHECKED)


def resolve(items: list[HeldItem], marks: Mapping[str, str]) -> Resolution:
    """Which cells of which items are withheld, given the officer's marks (ref -> action)."""
    by_ref = {i.ref: i for i in items}
    hidden: dict[str, frozenset[int]] = {}
    follows: dict[str, str] = {}
    action: dict[str, str] = {}
    for ref, act in marks.items():
        if ref in by_ref:
            hidden[ref] = hidden_cells(by_ref[ref], act)
            action[ref] = act
    for item in items:  # 1. by structure
        source = next((r for r in item.repeats if r in action), None)
        if item.ref not in hidden and source is not None:
            hidden[item.ref] = hidden_cells(item, "redact")
            action[item.ref], follows[item.ref] = "redact", source
    changed = True
    while changed:  # 2. by text, to a fixed point (each pass can only add)
        changed = False
        secrets = [(ref, t) for ref, cells in hidden.items()
                   for t in _secret_texts(by_ref[ref], cells)]
        for item in items:
            squashed = [squash(c) for c in item.cells]
            found = {i for i, c in enumerate(squashed) for _, t in secrets if t in c}
            have = hidden.get(item.ref, frozenset())
            if not found or found <= have:
                continue
            source = next(ref for ref, t in secrets if any(t in c for c in squashed))
            base = have or hidden_cells(item, "redact")
            hidden[item.ref] = frozenset(base | found)
            if item.ref not in action:
                action[item.ref], follows[item.ref] = "redact", source
            changed = True
    order = {ref: n for n, ref in enumerate(by_ref)}
    withheld = [Withheld(ref, by_ref[ref].label, action[ref],
                         by_ref[follows[ref]].label if ref in follows else None,
                         _secret_texts(by_ref[ref], hidden[ref]))
                for ref in sorted(hidden, key=lambda r: (r in follows, order[r]))]
    return Resolution(hidden, tuple(withheld))


def pdf_text(content: bytes) -> str:
    """Every page's text as pypdf reads it (the unprotected PDF)."""
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() or "" for page in reader.pages)


def json_text(content: bytes) -> str:
    """Every key and string of a JSON copy, decoded (so \\u escapes cannot hide text)."""
    out: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for k, v in value.items():
                out.append(str(k))
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif value is not None:
            out.append(str(value))

    walk(json.loads(content.decode("utf-8")))
    return "\n".join(out)


def find_leak(text: str, withheld: Iterable[Withheld]) -> Withheld | None:
    """The first withheld item whose text appears in `text`, else None."""
    squashed = squash(text)
    return next((w for w in withheld if any(t in squashed for t in w.texts)), None)
