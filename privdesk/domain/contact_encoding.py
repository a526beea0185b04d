"""Which encoding a contacts file is in, and whether a reading of it is garbled.

A BOM or valid UTF-8 is certain. Anything else is a guess between the code pages that
spreadsheets and CRMs still write (Windows-1252, -1250, Mac Roman, Shift-JIS/cp932,
GBK): each is decoded strictly and scored for the marks mojibake leaves (a £ inside a
word, half-width katakana among Latin letters, a word mixing scripts, letters that
almost never occur in names). One clear winner is taken; a tie is *uncertain* and the
import asks rather than store text that may be garbled. charset-normalizer's opinion is
shown as a guess, never as a verdict (it reads real cp1252 exports as cp1250).
"""

from __future__ import annotations

import codecs
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


@dataclass(frozen=True)
class Reading:
    encoding: str
    text: str
    marks: int  # signs of mojibake: never acceptable
    oddities: int  # rare letters: tolerable when every other reading is worse
    examples: tuple[str, ...] = ()


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
    for ch in text[:200_000]:
        if ord(ch) >= 0x4E00:
            try:
                if 0x81 <= ch.encode("gbk")[0] <= 0xA0:
                    count += 1
            except UnicodeEncodeError:
                count += 1
    return count


def read_as(data: bytes, encoding: str) -> Reading | None:
    """The strict reading of `data` in `encoding`, scored; None when it does not decode."""
    try:
        text = data.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None
    marks, oddities, examples = score(text)
    if encoding == "gbk":
        oddities += _gbk_oddities(text)
    return Reading(encoding, text, marks, oddities, examples)


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
    distinct = [r for i, r in enumerate(clean) if all(r.text != c.text for c in clean[:i])]
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
    return central is None or not any(ch in _POLISH for ch in central.text[:400_000])


def _single(data: bytes, label: str, codec: str) -> Detection:
    reading = read_as(data, codec)
    if reading is None:
        return Detection(None, (), False, label)
    reading = Reading(label, reading.text, reading.marks, reading.oddities, reading.examples)
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
