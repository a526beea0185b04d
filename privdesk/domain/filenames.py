"""Safe file names from user data (references, names) for saved packs and drafts."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 120
_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)),
             *(f"LPT{i}" for i in range(1, 10))}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')


def safe_filename(name: str, default: str = "document") -> str:
    """A single path component safe on Windows, macOS and Linux: no separators or
    `..`, no control or reserved characters, no Windows device names (CON, LPT1...),
    no trailing dots or spaces, at most MAX_NAME characters (extension kept)."""
    text = unicodedata.normalize("NFC", name)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc"))
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\.{2,}", ".", text).strip(" .")
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem or len(ext) > 10:
        stem, ext = text, ""
    if stem.split(".")[0].upper() in _RESERVED:
        stem = f"_{stem}"
    ext = f".{ext}" if ext else ""
    stem = stem[: MAX_NAME - len(ext)].rstrip(" .")
    return f"{stem}{ext}" if stem else f"{default}{ext}"
