"""What this workstation last saw of a store's trail, per officer, kept outside the store.

Anyone holding the data key can delete the newest events and re-chain the rest; nothing
inside the store can catch that. So after each unlock privdesk remembers, in a small
file in the user's data folder named by the store's own id, the trail's length and
newest event (id and hmac) as this officer saw them, and the key file's and roster's
versions. At the next unlock, before anything is written, a trail shorter than that, or
whose remembered event is gone or different, or an older key file, is reported:
"the trail you saw on DATE had N events; this one has M".
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from privdesk.paths import app_paths
from privdesk.store.atomic import write_atomic
from privdesk.store.officer_names import normalise_officer

MAX_ANCHOR_BYTES = 256 * 1024


@dataclass(frozen=True)
class Head:
    count: int
    last_id: int
    last_hmac: str
    keys_version: int = 0
    roster_version: int = 0
    seen_at: str = ""  # ISO UTC
    admin_key: str = ""  # hex of the admin public key the roster was signed with


def anchor_path(store_id: str, folder: Path | None = None) -> Path:
    safe = "".join(c for c in store_id if c in "0123456789abcdef")[:64] or "unknown"
    return (folder or app_paths().data / "trail-anchors") / f"{safe}.json"


def _read(path: Path) -> dict[str, dict[str, object]]:
    try:
        with open(path, "rb") as fh:
            raw = fh.read(MAX_ANCHOR_BYTES + 1)
        data = json.loads(raw) if len(raw) <= MAX_ANCHOR_BYTES else {}
    except (OSError, ValueError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def remembered(store_id: str, officer: str, folder: Path | None = None) -> Head | None:
    entry = _read(anchor_path(store_id, folder)).get(normalise_officer(officer))
    if not isinstance(entry, dict):
        return None
    try:
        return Head(int(entry["count"]), int(entry["last_id"]),  # type: ignore[call-overload]
                    str(entry["last_hmac"]), int(entry.get("keys_version", 0)),  # type: ignore[call-overload]
                    int(entry.get("roster_version", 0)), str(entry.get("seen_at", "")),  # type: ignore[call-overload]
                    str(entry.get("admin_key", "")))
    except (KeyError, TypeError, ValueError):
        return None


def remember(store_id: str, officer: str, head: Head, folder: Path | None = None) -> None:
    path = anchor_path(store_id, folder)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    data = _read(path)
    data[normalise_officer(officer)] = asdict(head)
    write_atomic(path, json.dumps(data, indent=1, sort_keys=True).encode("utf-8"))
    if os.name != "nt":
        path.chmod(0o600)


def compare(seen: Head | None, now: Head, event_hmac_at_seen_id: str | None) -> list[str]:
    """What does not fit between what was seen and what is there now (plain words)."""
    if seen is None:
        return []
    when = seen.seen_at[:10] or "an earlier unlock"
    problems = []
    if now.count < seen.count:
        problems.append(f"the trail you saw on {when} had {seen.count:,} events; this one has "
                        f"{now.count:,}: events were deleted")
    elif seen.last_id and event_hmac_at_seen_id != seen.last_hmac:
        problems.append(f"the trail you saw on {when} ended at event {seen.last_id}, which is "
                        "now missing or different: the trail was cut and rewritten")
    if now.keys_version < seen.keys_version:
        problems.append(f"the key file is version {now.keys_version}, older than version "
                        f"{seen.keys_version} you used on {when}: an old copy replaced it")
    if now.roster_version < seen.roster_version:
        problems.append(f"the signed roles are version {now.roster_version}, older than "
                        f"version {seen.roster_version} you saw on {when}")
    return problems


def forget_store(store_id: str, folder: Path | None = None) -> None:
    """After a restore made on this workstation: the trail is knowingly shorter now."""
    anchor_path(store_id, folder).unlink(missing_ok=True)
