"""Team stores: trigram indexes per window of contact ids, and a C-collation name index

PostgreSQL only (SQLite stores are untouched, like 0010):
- `privdesk_search_windows` lists the id windows, each with its partial pg_trgm GIN
  index (see privdesk.store.search_windows); the windows for the contacts already in
  the store are made here (about a second per 25,000 contacts, writes waiting).
- `ix_contacts_name_c`: the name in byte order (COLLATE "C"), for the one- and
  two-letter prefix search's `name >= lo AND name < hi` ranges, which must mean the
  same as on SQLite (BINARY) whatever the database's own collation is.

Revision ID: 0012
Revises: 0010
"""
import sqlalchemy as sa
from alembic import op

from privdesk.store import search_windows

revision = "0012"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        return
    op.create_table(
        search_windows.TABLE,
        sa.Column("lo", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("hi", sa.BigInteger(), nullable=True),  # NULL: the open-ended last window
    )
    op.execute('CREATE INDEX ix_contacts_name_c ON contacts (name COLLATE "C")')
    search_windows.maintain(conn, wait=True)


def downgrade() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "sqlite":
        return
    for window in search_windows.read(conn):
        op.execute(f"DROP INDEX IF EXISTS {window.index}")
    op.drop_table(search_windows.TABLE)
    op.execute("DROP INDEX IF EXISTS ix_contacts_name_c")
