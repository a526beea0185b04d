"""Safe file names from user data (references, names) for saved packs and drafts."""

from __future__ import annotations

import re
import unicodedata

MAX_NAME = 120
# Linux and macOS allow 255 *bytes* per name (120 CJK characters are 360): stay well
# under, leaving room for the ".<name>.<hex>.partial" temporary names writers use.
MAX_BYTES = 200
_RESERVED = {"CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$",
             *(f"{dev}{n}" for dev in ("COM", "LPT") for n in (*"123456789", "¹", "²", "³"))}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f<>:"/\\|?*]+')
# Format and control characters are invisible; lone surrogates cannot be encoded at all.
_DROPPED = ("Cf", "Cc", "Cs")


def _fit(text: str, chars: int, size: int) -> str:
    """At most `chars` characters and `size` UTF-8 bytes."""
    text = text[: max(0, chars)]
    while len(text.encode("utf-8")) > size:
        text = text[:-1]
    return text


def safe_filename(name: str, default: str = "document") -> str:
    """A single path component safe on Windows, macOS and Linux: no separators or
    `..`, no control or reserved characters, no Windows device names (CON, LPT1...),
    no trailing dots or spaces, at most MAX_NAME characters and MAX_BYTES UTF-8 bytes
    (extension kept)."""
    text = unicodedata.normalize("NFC", name).replace("\u2028", " ").replace("\u2029", " ")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in _DROPPED)
    text = _UNSAFE.sub("_", text)
    text = re.sub(r"\.{2,}", ".", text).strip(" .")
    stem, dot, ext = text.rpartition(".")
    if not dot or not stem or len(ext) > 10:
        stem, ext = text, ""
    ext = f".{ext}" if ext else ""
    stem = _fit(stem, MAX_NAME - len(ext), MAX_BYTES - len(ext.encode("utf-8"))).rstrip(" .")
    stem = stem or default
    # After trimming: "CON .txt" would otherwise become the device name "CON.txt".
    if stem.split(".")[0].rstrip(" ").upper() in _RESERVED:
        stem = f"_{stem}"
    return f"{stem}{ext}"
