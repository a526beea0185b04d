"""Reading a key file defensively: it is read before unlocking, so anyone who can write
beside the store can put anything in it. Every field is checked for its type and its
bounds (Argon2 costs, salt and key lengths, list sizes, nesting), and anything else is a
plain SlotFileError, never a traceback or a hang.
"""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from privdesk.store.errors import StoreError

MAX_FILE_BYTES = 1024 * 1024  # 500 slots and 200 failed unlocks fit in a tenth of this
MAX_DEPTH = 8  # the real file nests 4 deep


class SlotFileError(StoreError):
    """The sidecar is missing, unreadable or has been altered."""


def _depth(value: Any, limit: int) -> int:
    stack: list[tuple[Any, int]] = [(value, 1)]
    deepest = 0
    while stack:
        item, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest > limit:
            return deepest
        if isinstance(item, dict):
            stack.extend((v, depth + 1) for v in item.values())
        elif isinstance(item, list):
            stack.extend((v, depth + 1) for v in item)
    return deepest


def load_document(raw: bytes, name: str) -> dict[str, Any]:
    damaged = f"The key file {name} is damaged and cannot be read"
    if len(raw) > MAX_FILE_BYTES:
        raise SlotFileError(f"{damaged}: it is {len(raw):,} bytes, far more than any real one.")
    try:
        # json's recursion limit turns "[[[[..." into RecursionError, not ValueError.
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise SlotFileError(f"{damaged}: it is not valid JSON.") from exc
    if not isinstance(value, dict):
        raise SlotFileError(f"{damaged}: it does not hold a key file's fields.")
    if _depth(value, MAX_DEPTH) > MAX_DEPTH:
        raise SlotFileError(f"{damaged}: it is nested deeper than a key file.")
    return value


class Fields:
    """Typed, bounded access to one JSON object; errors name the field."""

    def __init__(self, data: Any, where: str) -> None:
        if not isinstance(data, dict):
            raise SlotFileError(f"The key file is damaged: {where} is not an object.")
        self._d = data
        self._where = where

    def _bad(self, key: str, why: str) -> SlotFileError:
        return SlotFileError(f"The key file is damaged: {self._where}.{key} {why}.")

    def has(self, key: str) -> bool:
        return key in self._d

    def text(self, key: str, max_len: int, default: str | None = None) -> str:
        value = self._d.get(key, default)
        if not isinstance(value, str):
            raise self._bad(key, "is missing or not text")
        if len(value) > max_len:
            raise self._bad(key, f"is longer than {max_len} characters")
        return value

    def integer(self, key: str, lo: int, hi: int, default: int | None = None) -> int:
        value = self._d.get(key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            raise self._bad(key, "is missing or not a whole number")
        if not lo <= value <= hi:
            raise self._bad(key, f"is {value}, outside {lo}..{hi}")
        return value

    def b64(self, key: str, lo: int, hi: int, default: str | None = None) -> bytes:
        text = self.text(key, hi * 2 + 8, default)
        try:
            value = base64.b64decode(text.encode("ascii"), validate=True)
        except (ValueError, binascii.Error, UnicodeEncodeError) as exc:
            raise self._bad(key, "is not base64") from exc
        if not lo <= len(value) <= hi:
            raise self._bad(key, f"is {len(value)} bytes, outside {lo}..{hi}")
        return value

    def hexbytes(self, key: str, lo: int, hi: int, default: str | None = None) -> bytes:
        text = self.text(key, hi * 2, default)
        try:
            value = bytes.fromhex(text)
        except ValueError as exc:
            raise self._bad(key, "is not hexadecimal") from exc
        if not lo <= len(value) <= hi:
            raise self._bad(key, f"is {len(value)} bytes, outside {lo}..{hi}")
        return value

    def items(self, key: str, max_items: int, default: list[Any] | None = None) -> list[Any]:
        value = self._d.get(key, default)
        if not isinstance(value, list):
            raise self._bad(key, "is missing or not a list")
        if len(value) > max_items:
            raise self._bad(key, f"has {len(value):,} entries, more than {max_items}")
        return value

    def obj(self, key: str) -> Fields:
        return Fields(self._d.get(key), f"{self._where}.{key}")

    def optional_obj(self, key: str) -> Fields | None:
        return None if self._d.get(key) is None else self.obj(key)
