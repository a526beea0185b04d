"""Store-level checks an officer or a scheduler runs: encryption, integrity, counts."""

from __future__ import annotations

from dataclasses import dataclass, field

from privdesk.store.engine import Store
from privdesk.store.failures import DATABASE_ERRORS

COUNTED_TABLES = [
    "contacts", "interactions", "disclosures", "contact_history", "requests",
    "request_events", "documents", "redactions", "tombstones", "suppression",
    "audit_events", "officers",
]


@dataclass(frozen=True)
class CheckReport:
    path: str
    cipher_version: str
    encrypted_header: bool
    schema_revision: str | None
    integrity: list[str]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return bool(self.cipher_version) and self.encrypted_header and not self.integrity

    def as_json(self) -> dict[str, object]:
        return {
            "ok": self.ok,
            "path": self.path,
            "cipher_version": self.cipher_version,
            "encrypted_header": self.encrypted_header,
            "schema_revision": self.schema_revision,
            "integrity": "ok" if not self.integrity else self.integrity,
            "counts": self.counts,
        }


def _reason(exc: Exception) -> str:
    return str(getattr(exc, "orig", None) or exc)


def check_store(store: Store) -> CheckReport:
    # A damaged page can make the checks themselves fail part-way ("database disk image
    # is malformed"): that is a finding to report, not a crash of the check.
    try:
        integrity = store.integrity_check()
    except DATABASE_ERRORS as exc:
        integrity = [f"the integrity check could not finish: {_reason(exc)}"]
    kept = str(getattr(getattr(store.keyring, "info", None), "wal_kept", "") or "")
    if kept:
        integrity.append(f"the write-ahead log was damaged; it was copied to {kept} "
                         "before opening (restore from a backup, or ask for help recovering it)")
    counts: dict[str, int] = {}
    for table in COUNTED_TABLES:
        try:
            counts.update(store.table_counts([table]))
        except DATABASE_ERRORS as exc:
            integrity.append(f"{table}: cannot be read: {_reason(exc)}")
    try:
        revision = store.schema_revision()
    except DATABASE_ERRORS as exc:
        revision = None
        integrity.append(f"the schema version cannot be read: {_reason(exc)}")
    return CheckReport(
        path=store.display(),
        cipher_version=store.cipher_version(),
        encrypted_header=store.header_encrypted(),
        schema_revision=revision,
        integrity=integrity,
        counts=counts,
    )
