"""Team stores: the officers' key slots kept in the database

A local store keeps its key slots in the sidecar file beside it (store.keyslots); a team
store on PostgreSQL has no folder of its own, so the same slot-file JSON is one row of
this table, readable before unlocking (it holds no secret in the clear). SQLite stores
are untouched by this migration.

Revision ID: 0010
Revises: 0007
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0007"  # coordinator: re-link to the head at merge
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.create_table(
        "privdesk_key_slots",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.CheckConstraint("id = 1", name="ck_privdesk_key_slots_one_row"),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        return
    op.drop_table("privdesk_key_slots")
