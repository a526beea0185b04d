"""Telling a full or failing disk apart from a wrong key or a damaged file, in words an
officer can act on. SQLCipher reports a wrong key as "file is not a database" (NOTADB);
everything else that stops a store opening or a write finishing is named for what it is.
"""

from __future__ import annotations

import errno
import shutil
from pathlib import Path

import sqlcipher3
from sqlalchemy import exc as sa_exc

from privdesk.store.errors import DiskFullError, StoreError, UnlockError

# What a damaged page raises. The plain SQLite dialect does not know sqlcipher3's
# exception classes, so some reach callers unwrapped: catch both.
DATABASE_ERRORS: tuple[type[Exception], ...] = (sa_exc.DatabaseError, sqlcipher3.DatabaseError)
# ... and what a read or write that failed part-way raises, the disk's own errors included.
IO_ERRORS: tuple[type[Exception], ...] = (*DATABASE_ERRORS, OSError)
SQLITE_IOERR, SQLITE_FULL = 10, 13
LOW_SPACE = 1 << 20  # below this much free space, an I/O error is taken for a full disk


def is_disk_full(exc: BaseException) -> bool:
    """SQLite's SQLITE_FULL ("database or disk is full") or the OS's ENOSPC/EDQUOT."""
    orig = getattr(exc, "orig", None) or exc
    if isinstance(orig, OSError):
        return orig.errno in (errno.ENOSPC, errno.EDQUOT)
    return getattr(orig, "sqlite_errorcode", None) == SQLITE_FULL or "disk is full" in str(orig)


def open_failure(path: Path, exc: BaseException) -> StoreError:
    """Name why a store did not open. SQLCipher reports a wrong key as "file is not a
    database"; a full disk (the -shm or -wal cannot be made) or a failing disk is not a
    wrong key, and telling the officer so would send them hunting for a passphrase."""
    code = getattr(getattr(exc, "orig", None) or exc, "sqlite_errorcode", None)
    io_error = code is not None and code & 0xFF == SQLITE_IOERR
    if is_disk_full(exc) or (io_error and _free_space(path) < LOW_SPACE):
        return DiskFullError()
    if io_error:
        return StoreError(f"The store could not be read or written: {reason(exc)}.")
    return UnlockError(str(exc))


def _free_space(path: Path) -> int:
    try:
        return shutil.disk_usage(path.parent).free
    except OSError:
        return LOW_SPACE


def describe_failure(exc: BaseException) -> str:
    """Plain words for a read or write that failed part-way (for the faces)."""
    if is_disk_full(exc):
        return DiskFullError.MESSAGE
    if isinstance(exc, PermissionError) and exc.errno is None and exc.filename is None:
        return str(exc)  # a refusal by role (services.authz), not a file the OS refused
    if isinstance(exc, OSError):
        name = f" ({exc.filename})" if exc.filename else ""
        return f"A file could not be read or written{name}: {reason(exc)}."
    return (f"The store could not be read or written ({reason(exc)}). The step that failed "
            "was rolled back; run 'privdesk check' on the store.")


def reason(exc: BaseException) -> str:
    orig = getattr(exc, "orig", None) or exc
    return orig.strerror if isinstance(orig, OSError) and orig.strerror else str(orig)
