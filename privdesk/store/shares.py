"""Is a path on a network share? SQLite's locking is unreliable over NFS, SMB, SSHFS and
9p, so a store there could be corrupted by two writers; we refuse to open it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

NETWORK_FS = frozenset({
    "nfs", "nfs4", "cifs", "smb3", "smbfs", "sshfs", "fuse.sshfs", "9p", "afs", "ncpfs",
    "davfs", "fuse.davfs2", "fuse.rclone", "ceph", "glusterfs", "fuse.glusterfs",
})
DRIVE_REMOTE = 4  # GetDriveTypeW


def _unescape(field: str) -> str:
    # /proc/mounts escapes space, tab, newline and backslash as octal (\040 ...).
    return field.replace("\\040", " ").replace("\\011", "\t").replace(
        "\\012", "\n").replace("\\134", "\\")


def fs_type_from_mounts(path: Path, mounts: str) -> str | None:
    """The file-system type of the deepest mount point holding path."""
    target = str(path)
    best, best_type = "", None
    for line in mounts.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        point, fs = _unescape(parts[1]), parts[2]
        inside = target == point or target.startswith(point.rstrip("/") + "/")
        if inside and len(point) >= len(best):
            best, best_type = point, fs
    return best_type


def _real_path(path: Path) -> Path:
    """Symlinks resolved in the part that exists; the part not yet created kept as is."""
    path = path.absolute()
    tail: list[str] = []
    while not path.exists() and path.parent != path:
        tail.insert(0, path.name)
        path = path.parent
    return path.resolve().joinpath(*tail)


def network_filesystem(path: Path, mounts: str | None = None) -> str | None:
    """The network file-system type path lives on, or None when it is local."""
    if os.name == "nt" or str(path).startswith(("\\\\", "//")):
        return _windows_network(path)
    if mounts is None:
        try:
            mounts = Path("/proc/mounts").read_text(encoding="utf-8", errors="replace")
        except OSError:  # macOS and others: no /proc; nothing to check against
            return None
    fs = fs_type_from_mounts(_real_path(path), mounts)
    return fs if fs in NETWORK_FS else None


def _windows_network(path: Path) -> str | None:
    text = str(path)
    if text.startswith(("\\\\", "//")):
        return "UNC path"
    if sys.platform == "win32":  # a mapped drive letter (Z:) pointing at a share
        import ctypes

        root = os.path.splitdrive(str(path.absolute()))[0] + "\\"
        if ctypes.windll.kernel32.GetDriveTypeW(root) == DRIVE_REMOTE:
            return "network drive"
    return None
