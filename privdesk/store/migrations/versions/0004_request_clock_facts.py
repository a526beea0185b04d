"""Request clock facts: the day proof of identity was asked for, and the day the person
was told of an extension

Proof of identity may be asked for after intake (the ICO allows it; the time limit then
runs from the day it arrives), so the day it was asked is kept. An extension must be
decided and the person told, with reasons, within the first month (Art. 12(3)): the day
they were told is kept beside the day it was decided.

Revision ID: 0004
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_asked_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("extension_told_on", sa.Date(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("requests", schema=None) as batch_op:
        batch_op.drop_column("extension_told_on")
        batch_op.drop_column("id_asked_on")
