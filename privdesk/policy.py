"""The privacy policy as typed data, loaded from resources/policy/*.toml.

Everything downstream (retention rules, packs, letters, recipient pickers) reads a
`Policy`; nothing hard-codes what the policy says. A malformed file raises
`PolicyError` naming the offending key, e.g. ``retention[1].months: expected an integer``.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


UK_NAMES = {"united kingdom", "uk", "great britain", "england", "scotland", "wales",
            "northern ireland"}


class PolicyError(ValueError):
    """The policy file is missing a key or has a value of the wrong kind."""


@dataclass(frozen=True)
class Controller:
    name: str
    short_name: str
    ico_registration: str
    department: str
    address: tuple[str, ...]
    privacy_email: str
    marketing_email: str


@dataclass(frozen=True)
class DataCategory:
    key: str
    label: str
    items: tuple[str, ...]


@dataclass(frozen=True)
class SubjectCategory:
    """A category of people whose data is processed (Art. 30(1)(c)); `status` is the
    register's contact status it corresponds to, if any."""

    key: str
    label: str
    status: str | None


@dataclass(frozen=True)
class Source:
    key: str
    label: str


@dataclass(frozen=True)
class Purpose:
    key: str
    description: str
    legal_basis: str
    opt_out: str | None


@dataclass(frozen=True)
class Recipient:
    key: str
    name: str
    category: str
    country: str | None
    transfer: str | None


@dataclass(frozen=True)
class Transfer:
    key: str
    destination: str
    safeguard: str


@dataclass(frozen=True)
class RetentionRule:
    key: str
    name: str
    applies_to: str  # contact status: enquirer / customer / former_customer
    basis: str  # the date the period runs from: last_activity / ceased / none
    months: int
    description: str


@dataclass(frozen=True)
class Authority:
    name: str
    website: str
    helpline: str
    address: tuple[str, ...]


@dataclass(frozen=True)
class Policy:
    name: str
    last_updated: str
    controller: Controller
    categories: tuple[DataCategory, ...]
    sensitive_data: str
    sources: tuple[Source, ...]
    purposes: tuple[Purpose, ...]
    recipients: tuple[Recipient, ...]
    transfers: tuple[Transfer, ...]
    retention: tuple[RetentionRule, ...]
    security_measures: tuple[str, ...]
    rights: Mapping[str, str]
    automated_decisions_used: bool
    automated_decisions_statement: str
    authority: Authority
    response_months: int
    extended_months: int
    # Optional in the file (older policy files lack them); the Art. 30 record uses them.
    subjects: tuple[SubjectCategory, ...] = ()
    security_description: str | None = None

    def source_label(self, key: str) -> str:
        return next((s.label for s in self.sources if s.key == key), key)

    def recipient(self, key: str) -> Recipient | None:
        return next((r for r in self.recipients if r.key == key), None)

    def transfer(self, key: str) -> Transfer | None:
        return next((t for t in self.transfers if t.key == key), None)

    def transfers_abroad(self) -> list[tuple[Recipient, Transfer]]:
        """Each recipient outside the UK with the safeguard its transfer rests on."""
        out = []
        for r in self.recipients:
            t = self.transfer(r.transfer) if r.transfer else None
            if t is not None:
                out.append((r, t))
        return out

    def retention_rule_for(self, status: str) -> RetentionRule | None:
        return next((r for r in self.retention if r.applies_to == status), None)


class _Reader:
    """Reads typed values out of nested TOML tables, naming the full key on error."""

    def __init__(self, data: Mapping[str, Any], where: str = "") -> None:
        self._data = data
        self._where = where

    def has(self, key: str) -> bool:
        return key in self._data

    def _key(self, key: str) -> str:
        return f"{self._where}.{key}" if self._where else key

    def _get(self, key: str, kind: type[T], kind_name: str, optional: bool = False) -> T | None:
        if key not in self._data:
            if optional:
                return None
            raise PolicyError(f"{self._key(key)}: missing")
        value = self._data[key]
        # bool is an int subclass; an int field must not accept true/false.
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise PolicyError(f"{self._key(key)}: expected {kind_name}, got {value!r}")
        return value

    def text(self, key: str) -> str:
        value = self._get(key, str, "text")
        assert value is not None
        if not value.strip():
            raise PolicyError(f"{self._key(key)}: must not be empty")
        return value

    def optional_text(self, key: str) -> str | None:
        return self._get(key, str, "text", optional=True)

    def integer(self, key: str, minimum: int = 0) -> int:
        value = self._get(key, int, "an integer")
        assert value is not None
        if value < minimum:
            raise PolicyError(f"{self._key(key)}: must be at least {minimum}, got {value}")
        return value

    def flag(self, key: str) -> bool:
        value = self._get(key, bool, "true or false")
        assert value is not None
        return value

    def texts(self, key: str) -> tuple[str, ...]:
        value = self._get(key, list, "a list of text")
        assert value is not None
        for i, item in enumerate(value):
            if not isinstance(item, str):
                raise PolicyError(f"{self._key(key)}[{i}]: expected text, got {item!r}")
        return tuple(value)

    def table(self, key: str) -> _Reader:
        value = self._get(key, dict, "a table")
        assert value is not None
        return _Reader(value, self._key(key))

    def tables(self, key: str) -> list[_Reader]:
        value = self._get(key, list, "a list of tables")
        assert value is not None
        if not value:
            raise PolicyError(f"{self._key(key)}: must not be empty")
        readers = []
        for i, item in enumerate(value):
            if not isinstance(item, dict):
                raise PolicyError(f"{self._key(key)}[{i}]: expected a table, got {item!r}")
            readers.append(_Reader(item, f"{self._key(key)}[{i}]"))
        return readers


def _parse(data: Mapping[str, Any]) -> Policy:
    r = _Reader(data)
    meta, ctl, dat = r.table("policy"), r.table("controller"), r.table("data")
    auth, resp, ad = r.table("supervisory_authority"), r.table("response"), r.table(
        "automated_decisions"
    )
    retention = tuple(
        RetentionRule(
            key=t.text("key"), name=t.text("name"), applies_to=t.text("applies_to"),
            basis=t.text("basis"), months=t.integer("months"), description=t.text("description"),
        )
        for t in r.tables("retention")
    )
    for i, rule in enumerate(retention):
        if rule.basis not in ("last_activity", "ceased", "none"):
            raise PolicyError(
                f"retention[{i}].basis: expected last_activity, ceased or none, got {rule.basis!r}"
            )
    transfers = tuple(
        Transfer(key=t.text("key"), destination=t.text("destination"), safeguard=t.text("safeguard"))
        for t in r.tables("transfers")
    )
    recipients = tuple(
        Recipient(
            key=t.text("key"), name=t.text("name"), category=t.text("category"),
            country=t.optional_text("country"), transfer=t.optional_text("transfer"),
        )
        for t in r.tables("recipients")
    )
    transfer_keys = {t.key for t in transfers}
    for i, rec in enumerate(recipients):
        if rec.transfer and rec.transfer not in transfer_keys:
            raise PolicyError(f"recipients[{i}].transfer: no transfer with key {rec.transfer!r}")
        abroad = rec.country is not None and rec.country.strip().lower() not in UK_NAMES
        if abroad and not rec.transfer:
            raise PolicyError(
                f"recipients[{i}].transfer: {rec.name} is in {rec.country}, outside the UK, so "
                f"it needs its transfer safeguard (one of {', '.join(sorted(transfer_keys))})")
    rights_table = r.table("rights")
    return Policy(
        name=meta.text("name"),
        last_updated=meta.text("last_updated"),
        controller=Controller(
            name=ctl.text("name"), short_name=ctl.text("short_name"),
            ico_registration=ctl.text("ico_registration"), department=ctl.text("department"),
            address=ctl.texts("address"), privacy_email=ctl.text("privacy_email"),
            marketing_email=ctl.text("marketing_email"),
        ),
        categories=tuple(
            DataCategory(key=t.text("key"), label=t.text("label"), items=t.texts("items"))
            for t in dat.tables("categories")
        ),
        sensitive_data=dat.text("sensitive_data"),
        sources=tuple(Source(key=t.text("key"), label=t.text("label")) for t in r.tables("sources")),
        purposes=tuple(
            Purpose(
                key=t.text("key"), description=t.text("description"),
                legal_basis=t.text("legal_basis"), opt_out=t.optional_text("opt_out"),
            )
            for t in r.tables("purposes")
        ),
        recipients=recipients,
        transfers=transfers,
        retention=retention,
        security_measures=r.table("security").texts("measures"),
        rights={
            k: rights_table.text(k)
            for k in ("access", "rectification", "erasure", "restriction", "objection",
                      "portability", "complaint")
        },
        automated_decisions_used=ad.flag("used"),
        automated_decisions_statement=ad.text("statement"),
        authority=Authority(
            name=auth.text("name"), website=auth.text("website"), helpline=auth.text("helpline"),
            address=auth.texts("address"),
        ),
        response_months=resp.integer("months", minimum=1),
        extended_months=resp.integer("extended_months", minimum=1),
        subjects=tuple(
            SubjectCategory(key=t.text("key"), label=t.text("label"),
                            status=t.optional_text("status"))
            for t in (dat.tables("subjects") if dat.has("subjects") else [])
        ),
        security_description=r.table("security").optional_text("description"),
    )


def parse_policy(text: str) -> Policy:
    try:
        # A byte-order mark is what Windows editors put first; TOML itself rejects it.
        data = tomllib.loads(text.removeprefix("\ufeff"))
    except tomllib.TOMLDecodeError as exc:
        raise PolicyError(f"not valid TOML: {exc}") from exc
    except RecursionError as exc:  # tomllib recurses once per nested [ or {
        raise PolicyError("not valid TOML: arrays or tables nested too deeply") from exc
    return _parse(data)


def load_policy(path: Path | None = None) -> Policy:
    """Load a policy file, or the one shipped in resources/policy/default.toml."""
    if path is None:
        text = resources.files("privdesk.resources").joinpath("policy/default.toml").read_text(
            encoding="utf-8"
        )
    else:
        try:
            text = Path(path).read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise PolicyError(f"{path}: not UTF-8 text (byte {exc.start})") from exc
        except (OSError, ValueError) as exc:  # missing, a folder, unreadable, NUL in path
            raise PolicyError(f"{path}: cannot be read: {getattr(exc, 'strerror', None) or exc}") \
                from exc
    return parse_policy(text)
