"""FTS5 secure-delete on the contacts search index

Without it, deleting a contact leaves its trigrams in the index's segments until they
are merged, so a purged name could still be read out of the file. With it, FTS5
overwrites deleted entries at once (SQLite 3.44+, bundled by sqlcipher3 0.6).

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return  # FTS5 is SQLite's; a team store's pg_trgm index has no segments to scrub
    op.execute("INSERT INTO contacts_fts(contacts_fts, rank) VALUES ('secure-delete', 1)")


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("INSERT INTO contacts_fts(contacts_fts, rank) VALUES ('secure-delete', 0)")
