"""Where privdesk keeps its files on this machine (platformdirs, nothing hand-built per OS)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import PlatformDirs

APP_NAME = "privdesk"
APP_AUTHOR = "privdesk"
STORE_SUFFIX = ".privdesk"


@dataclass(frozen=True)
class AppPaths:
    data: Path
    backups: Path
    logs: Path

    @property
    def demo_store(self) -> Path:
        return self.data / f"demo{STORE_SUFFIX}"

    def ensure(self) -> AppPaths:
        for folder in (self.data, self.backups, self.logs):
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self


def app_paths() -> AppPaths:
    """The user's folders; PRIVDESK_HOME overrides them all (tests, portable installs)."""
    override = os.environ.get("PRIVDESK_HOME")
    if override:
        root = Path(override)
        return AppPaths(data=root / "data", backups=root / "backups", logs=root / "logs")
    dirs = PlatformDirs(APP_NAME, APP_AUTHOR)
    data = Path(dirs.user_data_dir)
    return AppPaths(data=data, backups=data / "backups", logs=Path(dirs.user_log_dir))
