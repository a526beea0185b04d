"""The purge report: the tombstones of a purge as CSV or JSON. No personal data: a
tombstone holds the rule, the date, the officer and counts only."""

from __future__ import annotations

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from privdesk.domain.spreadsheet import SafeCsvWriter

COUNT_KEYS = ("contacts", "interactions", "disclosures", "history", "documents", "request_links")


@dataclass(frozen=True)
class TombstoneRecord:
    id: int
    deleted_at: datetime
    officer: str
    rule: str
    rule_name: str
    request_reference: str | None
    counts: dict[str, int]

    def as_json(self) -> dict[str, Any]:
        return {"tombstone_id": self.id, "deleted_at": self.deleted_at.isoformat(timespec="seconds"),
                "officer": self.officer, "rule": self.rule, "rule_name": self.rule_name,
                "request_reference": self.request_reference, "counts": self.counts}


def report_text(records: Sequence[TombstoneRecord], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([r.as_json() for r in records], indent=2, ensure_ascii=False) + "\n"
    count_keys = list(COUNT_KEYS)
    out = io.StringIO(newline="")
    writer = SafeCsvWriter(out, lineterminator="\n")
    writer.row(["tombstone_id", "deleted_at", "officer", "rule", "rule_name",
                "request_reference", *count_keys])
    for r in records:
        writer.row([r.id, r.deleted_at.isoformat(timespec="seconds"), r.officer, r.rule,
                    r.rule_name, r.request_reference, *(r.counts.get(k, 0) for k in count_keys)])
    return out.getvalue()


