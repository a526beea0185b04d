"""Audit events signed by their officer's key

Each event gains the name of the officer whose Ed25519 key signed it and the signature
(over the event's chained HMAC), so an officer holding the data key can no longer
rewrite the trail in another officer's name. Events written before this migration keep
an empty signature; the signed roster records where signing began (`audit_from`).

Revision ID: 0006
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.add_column(sa.Column("signer", sa.String(200), nullable=False, server_default=""))
        batch.add_column(sa.Column("sig", sa.String(128), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("audit_events") as batch:
        batch.drop_column("sig")
        batch.drop_column("signer")
