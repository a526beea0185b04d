"""Saving a document the officer asked for (a pack, a letter, a copy, an email draft)
so that a full disk or a crash never leaves half a file under the real name, and never
destroys the file that was there before."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO


def write_atomic(path: Path, content: bytes) -> None:
    """Write `content` to a temporary file beside `path`, fsync, then rename it over
    `path`. On any failure the temporary file is removed, `path` is as it was, and the
    OSError is raised for the caller to show (its strerror is plain words)."""
    path = Path(path)
    tmp = path.with_name(f".{path.name[:180]}.{secrets.token_hex(4)}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        view = memoryview(content)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)
        os.close(fd)
        fd = -1
        os.replace(tmp, path)
    except BaseException:
        if fd >= 0:
            os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise


@contextlib.contextmanager
def atomic_text(path: Path, encoding: str = "utf-8-sig") -> Iterator[TextIO]:
    """A text file to stream into (CSV exports): written as a private (0600) temporary
    file beside `path`, fsynced and renamed over it only when the block ends without an
    error; on any failure the temporary file is removed and `path` is as it was."""
    path = Path(path)
    tmp = path.with_name(f".{path.name[:180]}.{secrets.token_hex(4)}.partial")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline="") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            tmp.unlink()
        raise
