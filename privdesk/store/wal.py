"""A damaged `-wal` is kept before SQLite can throw it away.

SQLite reads a WAL up to its first frame whose checksum fails and silently ignores the
rest; the next checkpoint then resets the WAL, so committed transactions written after a
damaged frame are lost for good. The WAL's checksums are over the bytes as written
(SQLCipher's ciphertext), so they can be checked without the key, before any connection
opens the store: when a bad frame is followed by more frames of the same WAL, the file is
copied aside (``<store>-wal.damaged-<time>``, mode 0600) and the unlock says so.

Format (sqlite.org/fileformat.html#the_write_ahead_log): 32-byte header (magic, version,
page size, checkpoint sequence, salt-1, salt-2, checksum-1, checksum-2, big-endian),
then frames of a 24-byte header (page, size after commit, salt-1, salt-2, checksum-1,
checksum-2) and one page. Checksums run over 32-bit words in the byte order the magic
number names, cumulatively from the header through every frame.
"""

from __future__ import annotations

import os
import shutil
import struct
from datetime import datetime
from pathlib import Path

MAGIC_LE, MAGIC_BE = 0x377F0682, 0x377F0683
HEADER, FRAME_HEADER = 32, 24
MAX_SCANNED = 512 * 1024 * 1024  # a WAL larger than this is not scanned (and not copied)


def _checksum(data: bytes, s0: int, s1: int, big: bool) -> tuple[int, int]:
    words = struct.unpack(f"{'>' if big else '<'}{len(data) // 4}I", data)
    for i in range(0, len(words), 2):
        s0 = (s0 + words[i] + s1) & 0xFFFFFFFF
        s1 = (s1 + words[i + 1] + s0) & 0xFFFFFFFF
    return s0, s1


def wal_damage(wal: Path) -> str:
    """'' when the WAL is absent, empty, or every frame of it fits; else what is wrong."""
    try:
        size = wal.stat().st_size
    except FileNotFoundError:
        return ""
    if size == 0 or size > MAX_SCANNED:
        return ""
    data = wal.read_bytes()
    if len(data) < HEADER:
        return ""
    magic, _version, page_size, _seq, salt1, salt2, c1, c2 = struct.unpack(">8I", data[:HEADER])
    if magic not in (MAGIC_LE, MAGIC_BE):
        return "its header is not a write-ahead log header"
    big = magic == MAGIC_BE
    s0, s1 = _checksum(data[:24], 0, 0, big)
    if (s0, s1) != (c1, c2):
        return "its header's checksum does not match" if len(data) > HEADER else ""
    if page_size < 512 or page_size > 65536 or page_size & (page_size - 1):
        return "its header names an impossible page size"
    frame = FRAME_HEADER + page_size
    offset, bad_at = HEADER, 0
    while offset + frame <= len(data):
        head = data[offset:offset + FRAME_HEADER]
        _page, _commit, f_salt1, f_salt2, f_c1, f_c2 = struct.unpack(">6I", head)
        if (f_salt1, f_salt2) != (salt1, salt2):
            break  # frames of an earlier WAL generation: not part of this one
        s0, s1 = _checksum(head[:8] + data[offset + FRAME_HEADER:offset + frame], s0, s1, big)
        if (s0, s1) != (f_c1, f_c2):
            if bad_at:
                return f"frame {bad_at} is damaged, and frames after it would be lost"
            bad_at = (offset - HEADER) // frame + 1
            # Keep the running checksum as the frame claims, to see if later frames fit.
            s0, s1 = f_c1, f_c2
        elif bad_at:
            return f"frame {bad_at} is damaged, and frames after it would be lost"
        offset += frame
    return ""


def keep_damaged_wal(store_path: Path) -> Path | None:
    """Copy a damaged WAL aside before anything opens the store; the copy's path."""
    wal = store_path.with_name(store_path.name + "-wal")
    if not wal_damage(wal):
        return None
    kept = wal.with_name(f"{wal.name}.damaged-{datetime.now():%Y%m%d-%H%M%S}")
    shutil.copyfile(wal, kept)
    if os.name != "nt":
        kept.chmod(0o600)
    return kept
