"""Which encoding a contacts file is in, and whether a reading of it is garbled.

A BOM or valid UTF-8 is certain. Anything else is a guess between the code pages that
spreadsheets and CRMs still write (Windows-1252, -1250, Mac Roman, Shift-JIS/cp932,
GBK): each is decoded strictly and scored for the marks mojibake leaves (a £ inside a
word, half-width katakana among Latin letters, a word mixing scripts, letters that
almost never occur in names). One clear winner is taken; a tie is *uncertain* and the
import asks rather than store text that may be garbled. charset-normalizer's opinion is
shown as a guess, never as a verdict (it reads real cp1252 exports as cp1250).

A reading never holds a large file's text: it decodes the whole file a slice at a time
(strict, so a bad byte anywhere rules the code page out; a digest tells two readings
apart), keeps the first HEAD bytes' text, and scores that head with a few slices spread
through the rest. A million-row file in a code page is then read a line at a time from
its bytes (contact_table), as a UTF-8 file is.
"""

from __future__ import annotations

import codecs
import hashlib
import importlib
import re
import unicodedata
from dataclasses import dataclass

CANDIDATES = ("cp1252", "cp1250", "mac_roman", "cp932", "gbk")
LABELS = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 (BOM)", "utf-16": "UTF-16",
          "utf-16-le": "UTF-16 LE", "utf-16-be": "UTF-16 BE", "cp1252": "Windows-1252",
          "cp1250": "Windows-1250 (Central European)", "mac_roman": "Mac Roman",
          "cp932": "Shift-JIS / cp932 (Japanese)", "gbk": "GBK (Simplified Chinese)",
          "latin-1": "Latin-1"}
# Letters real names almost never use but a wrong code page produces.
_RARE = set("ĹĺĽľŔŕĎďŤťŸÿˆ˜¯˘˙˚¸˝˛ˇﬁﬂΩπ∂∑◊√∫≈∆")
# Mojibake of UTF-8 read as a single-byte code page: Ã© Â£ Å‚ …
_DOUBLE = re.compile("[ÃÂÅÄÐÑ][\u0080-\u00bf\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039"
                     "\u203a\u20ac\u2122\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc]")
_ALLOWED_PUNCT = set("’‘“”«»–—…·•")
_POLISH = set("łŁąĄęĘżŻźŹśŚ")
HEAD = 1_600_000  # bytes kept as text: at least the 400,000 characters score() looks at
_SLICES, _SLICE = 8, 64_000  # slices of a longer file scored beside its head (bytes)
_STEP = 1 << 22  # bytes decoded at a time when checking a whole file (4 MB)
# Multi-byte code pages whose bytes \r and \n are never part of another character (their
# trail bytes are 0x30 and up): splitting the bytes at line ends and decoding each line
# reads exactly what decoding the whole gives. Not UTF-16/32 (a \n byte sits inside many
# characters) nor the stateful ISO-2022, HZ and UTF-7 (a line depends on earlier ones).
_MULTI_BYTE_LINES = frozenset({
    "utf-8", "cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp",
    "euc_jis_2004", "euc_jisx0213", "gbk", "gb2312", "gb18030", "big5", "big5hkscs",
    "cp950", "cp949", "euc_kr", "johab"})


@dataclass(frozen=True)
class Reading:
    encoding: str
    text: str  # the first HEAD bytes read so (a smaller file's whole text)
    marks: int  # signs of mojibake: never acceptable
    oddities: int  # rare letters: tolerable when every other reading is worse
    examples: tuple[str, ...] = ()
    digest: bytes = b""  # of the whole text: equal digests, the same text
    complete: bool = True  # `text` is the whole file's
    sample: str = ""  # what was scored: the head and slices through the rest


@dataclass(frozen=True)
class Detection:
    """The chosen reading (None when uncertain), every clean reading best first, and
    charset-normalizer's guess for the officer to see."""

    chosen: Reading | None
    readings: tuple[Reading, ...]
    certain: bool
    guess: str | None
    assumed: bool = False  # a tie settled by the Western default: say so

    @property
    def best(self) -> Reading | None:
        return self.chosen or (self.readings[0] if self.readings else None)


def _script(ch: str) -> str:
    o = ord(ch)
    if o < 0x250 or 0x1E00 <= o < 0x1F00:
        return "latin"
    if 0x3040 <= o < 0x3100 or 0x31F0 <= o < 0x3200:
        return "kana"
    if 0x4E00 <= o < 0xA000 or 0x3400 <= o < 0x4DC0 or 0xF900 <= o < 0xFB00:
        return "han"
    if 0xFF61 <= o < 0xFFA0:
        return "halfwidth"
    if 0xAC00 <= o < 0xD7B0:
        return "hangul"
    return "other"


def score(text: str, limit: int = 400_000) -> tuple[int, int, tuple[str, ...]]:
    """(marks, oddities, examples) for a decoded text (its first `limit` characters)."""
    sample = text[:limit]
    marks = oddities = 0
    examples: list[str] = []

    def note(word: str) -> None:
        if len(examples) < 5 and word not in examples:
            examples.append(word[:40])

    for m in _DOUBLE.finditer(sample):
        marks += 1
        note(sample[max(0, m.start() - 8): m.end() + 8].strip())
    for word in re.findall(r"[^\s,;\t\"|()\[\]:=/@.<>]+", sample):
        if word.isascii():
            continue
        scripts = set()
        for i, ch in enumerate(word):
            if ch.isascii():
                if ch.isalpha():
                    scripts.add("latin")
                continue
            cat = unicodedata.category(ch)
            if cat[0] == "L":
                script = _script(ch)
                if script == "halfwidth":
                    marks += 1
                    note(word)
                scripts.add(script if script in ("latin", "kana", "han", "hangul") else "other")
                if ch in _RARE:
                    oddities += 1
                    note(word)
            elif cat[0] in "SP" and ch not in _ALLOWED_PUNCT:
                before = word[i - 1] if i else ""
                after = word[i + 1] if i + 1 < len(word) else ""
                trademark = ch in "®™©" and not after.isalpha()
                if (before.isalpha() or after.isalpha()) and not trademark:
                    marks += 1
                    note(word)
                elif ch in _RARE:
                    oddities += 1
            elif cat in ("Cc", "Co", "Cn") and ch not in "\t\r\n":
                marks += 1
                note(word)
        if "latin" in scripts and scripts & {"kana", "han", "hangul"}:
            marks += 1
            note(word)
        for a, b in zip(word, word[1:], strict=False):
            # "éRìc": case flipping beside an accented letter is how Shift-JIS bytes
            # look in Mac Roman; McDonald and DeVries flip between ASCII letters only.
            if a.islower() and b.isupper() and not (a.isascii() and b.isascii()):
                oddities += 1
                note(word)
            elif (a in "øØ" or b in "øØ") and not (a.isascii() or b.isascii()):
                # "Jiøí", "Dvoøák": Czech ř read as Windows-1252; Nordic ø sits
                # between plain letters.
                oddities += 1
                note(word)
    return marks, oddities, tuple(examples)


def _gbk_oddities(text: str) -> int:
    """Characters from GBK's extension rows (lead byte 0x81-0xA0): rare in Chinese
    names, but where Shift-JIS kanji and kana land when read as GBK."""
    count = 0
    for ch in text:
        if ord(ch) >= 0x4E00:
            try:
                if 0x81 <= ch.encode("gbk")[0] <= 0xA0:
                    count += 1
            except UnicodeEncodeError:
                count += 1
    return count


def line_safe(encoding: str) -> bool:
    """Whether a file in `encoding` can be read a line at a time from its bytes: the
    bytes \r and \n only ever stand for themselves. True for UTF-8, the multi-byte code
    pages above and every ASCII-based single-byte code page (cp1252, cp1250, Mac Roman,
    ISO 8859, KOI8...); False for UTF-16/32, EBCDIC and stateful encodings."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    if name in _MULTI_BYTE_LINES:
        return True
    try:  # a single-byte charmap codec: its module has the byte -> character table
        table = getattr(importlib.import_module("encodings." + name.replace("-", "_")),
                        "decoding_table", None)
    except ImportError:
        return False
    return (isinstance(table, str) and len(table) == 256 and table[10] == "\n"
            and table[13] == "\r" and table.count("\n") == table.count("\r") == 1)


def _slices(data: bytes, encoding: str) -> str:
    """A few whole lines from spread through a file longer than HEAD, read in
    `encoding` (a line-safe one: a slice starts just after a \n, so on a character)."""
    if len(data) <= HEAD or not line_safe(encoding):
        return ""
    out: list[str] = []
    step = (len(data) - HEAD) // _SLICES
    for k in range(_SLICES):
        first = data.find(b"\n", HEAD + k * step) + 1
        last = data.rfind(b"\n", first, first + _SLICE) + 1
        if 0 < first < last:
            out.append(data[first:last].decode(encoding, errors="replace"))
    return "".join(out)


def read_as(data: bytes, encoding: str) -> Reading | None:
    """The strict reading of `data` in `encoding`, scored; None when it does not decode.
    The whole file is decoded a slice at a time and let go: only the head is kept."""
    try:
        decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    except LookupError:
        return None
    digest = hashlib.blake2b(digest_size=16)
    view = memoryview(data)  # slices of it are not copies
    try:
        text = decoder.decode(view[:HEAD], final=len(data) <= HEAD)
        digest.update(text.encode("utf-8", "surrogatepass"))
        for first in range(HEAD, len(data), _STEP):
            part = decoder.decode(view[first:first + _STEP], final=first + _STEP >= len(data))
            digest.update(part.encode("utf-8", "surrogatepass"))
    except (UnicodeDecodeError, LookupError):
        return None
    complete = len(data) <= HEAD
    slices = "" if complete else "\n" + _slices(data, encoding)
    sample = text[:400_000] + slices
    marks, oddities, examples = score(sample, len(sample))
    if encoding == "gbk":
        oddities += _gbk_oddities(text[:200_000] + slices)
    return Reading(encoding, text, marks, oddities, examples, digest.digest(), complete, sample)


def _charset_normalizer_guess(data: bytes) -> str | None:
    try:
        from charset_normalizer import from_bytes
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    best = from_bytes(data[:200_000]).best()
    return None if best is None else codecs.lookup(best.encoding).name


def detect(data: bytes) -> Detection:
    """BOM, then UTF-16 without BOM, then UTF-8 (certain unless it reads as mojibake),
    then the scored code pages. Raises nothing: undecodable data gives no readings."""
    if data.startswith(codecs.BOM_UTF8):
        return _single(data[3:], "utf-8-sig", "utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _single(data, "utf-16", "utf-16")
    sample = data[:2000]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4:
        return _single(data, "utf-16-le", "utf-16-le")
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4:
        return _single(data, "utf-16-be", "utf-16-be")
    utf8 = read_as(data, "utf-8")
    if utf8 is not None:
        return Detection(utf8 if utf8.marks == 0 else None, (utf8,), utf8.marks == 0, "utf-8")
    readings = [r for r in (read_as(data, e) for e in CANDIDATES) if r is not None]
    readings.sort(key=lambda r: (r.marks, r.oddities))
    guess = _charset_normalizer_guess(data)
    clean = [r for r in readings if r.marks == 0]
    # Code pages that agree on every byte of this file are one reading, not a doubt.
    distinct = [r for i, r in enumerate(clean) if all(r.digest != c.digest for c in clean[:i])]
    certain = bool(distinct) and (len(distinct) == 1
                                  or distinct[1].oddities > distinct[0].oddities)
    readings = [*distinct, *(r for r in readings if r not in distinct and r.marks > 0)]
    if not certain and _western_over_central(distinct):
        chosen = next(r for r in distinct if r.encoding == "cp1252")
        readings = [chosen, *(r for r in readings if r is not chosen)]
        return Detection(chosen, tuple(readings), True, guess, assumed=True)
    return Detection(distinct[0] if certain else None, tuple(readings), certain, guess)


def _western_over_central(tied: list[Reading]) -> bool:
    """Windows-1252 and -1250 read most Western letters as each other's (ø/ř, æ/ć,
    å/ĺ). Polish names always bring letters that -1252 turns into symbols (ł ą ż), so
    a -1250 reading without any of them is most likely a Western file read wrongly:
    take -1252, and say it was assumed."""
    if not tied:
        return False
    best = min(r.oddities for r in tied)
    level = {r.encoding: r for r in tied if r.oddities == best}
    if "cp1252" not in level or set(level) - {"cp1252", "cp1250"}:
        return False
    central = level.get("cp1250")
    return central is None or not any(ch in _POLISH for ch in central.sample[:1_000_000])


def _single(data: bytes, label: str, codec: str) -> Detection:
    reading = read_as(data, codec)
    if reading is None:
        return Detection(None, (), False, label)
    reading = Reading(label, reading.text, reading.marks, reading.oddities, reading.examples,
                      reading.digest, reading.complete, reading.sample)
    return Detection(reading if reading.marks == 0 else None, (reading,), reading.marks == 0,
                     label)


def non_ascii_samples(text: str, limit: int = 8) -> tuple[str, ...]:
    """Up to `limit` distinct words with non-ASCII letters: what an officer checks."""
    seen: dict[str, None] = {}
    for word in re.findall(r"[^\s,;\t\"|]+", text[:500_000]):
        if not word.isascii() and any(ch.isalpha() for ch in word if not ch.isascii()):
            seen.setdefault(word[:40], None)
            if len(seen) >= limit:
                break
    return tuple(seen)


def label(encoding: str) -> str:
    return LABELS.get(encoding, encoding)
