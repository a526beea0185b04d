"""Opening a store made by an older privdesk: a verified copy first, then the migration."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import text

from privdesk.store import vault
from privdesk.store.engine import _migrations_config, head_revision
from privdesk.store.keyslots import sidecar_path
from privdesk.store.upgrade import pre_migration_path

PW = "upgrade test passphrase"


def _make_old(path: Path) -> None:
    with vault.create_store(path, "Alex Morgan", PW) as store:
        with store.session() as s:
            s.execute(text("INSERT INTO settings VALUES ('kept', '\"yes\"')"))
        # What an older privdesk left: the schema as it was at the first migration.
        with store.engine.begin() as c:
            command.downgrade(_migrations_config(c), "0001")


def test_old_store_is_copied_aside_then_migrated(tmp_path: Path) -> None:
    path = tmp_path / "old.privdesk"
    _make_old(path)
    with vault.open_store(path, "Alex Morgan", PW) as store:
        assert store.schema_revision() == head_revision()
    copy = pre_migration_path(path, "0001")
    assert copy.exists() and sidecar_path(copy).exists()
    assert not list(tmp_path.glob("*.partial*"))
    with vault.open_store(copy, "Alex Morgan", PW, migrate=False) as old:
        assert old.schema_revision() == "0001"
        assert old.integrity_check() == []
        with old.session() as s:
            assert s.execute(text("SELECT value FROM settings WHERE key='kept'")).scalar() == '"yes"'


def test_current_store_makes_no_copy(tmp_path: Path) -> None:
    path = tmp_path / "new.privdesk"
    vault.create_store(path, "Alex Morgan", PW).close()
    vault.open_store(path, "Alex Morgan", PW).close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.privdesk", "new.privdesk.keys"]
