"""Breach register: breaches, the people each concerns, and every decision taken

The Art. 33(5) log: facts, effects and remedial action for every breach, notified or
not, with the decisions (notify the ICO or not, tell the people or not) and reasons.
The 72-hour deadline is not stored; it is computed from `aware_at` (naive UTC).

Revision ID: 0007
Revises: 0003
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "breaches",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("reference", sa.String(30), nullable=False, unique=True),
        sa.Column("aware_at", sa.DateTime(), nullable=False),
        sa.Column("occurred_at", sa.DateTime()),
        sa.Column("zone", sa.String(60), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("discovery", sa.Text()),
        sa.Column("cyber", sa.String(10), nullable=False, server_default="unknown"),
        sa.Column("data_categories", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("subject_categories", sa.Text(), nullable=False, server_default="[]"),
        sa.Column("people_count", sa.Integer()),
        sa.Column("records_count", sa.Integer()),
        sa.Column("consequences", sa.Text()),
        sa.Column("measures", sa.Text()),
        sa.Column("ico_decision", sa.String(20)),
        sa.Column("notified_at", sa.DateTime()),
        sa.Column("ico_reference", sa.String(100)),
        sa.Column("people_decision", sa.String(20)),
        sa.Column("status", sa.String(20), nullable=False, server_default="open"),
        sa.Column("closing_note", sa.Text()),
        sa.Column("officer", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("closed_at", sa.DateTime()),
    )
    op.create_index("ix_breaches_status", "breaches", ["status"])
    op.create_table(
        "breach_contacts",
        sa.Column("breach_id", sa.Integer(), sa.ForeignKey("breaches.id", ondelete="CASCADE"),
                  primary_key=True),
        sa.Column("contact_id", sa.Integer(), sa.ForeignKey("contacts.id", ondelete="CASCADE"),
                  primary_key=True),
    )
    op.create_index("ix_breach_contacts_contact_id", "breach_contacts", ["contact_id"])
    op.create_table(
        "breach_decisions",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("breach_id", sa.Integer(), sa.ForeignKey("breaches.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("outcome", sa.String(20), nullable=False),
        sa.Column("reasons", sa.Text(), nullable=False),
        sa.Column("delay_reasons", sa.Text()),
        sa.Column("notified_at", sa.DateTime()),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.Column("officer", sa.String(200), nullable=False),
    )
    op.create_index("ix_breach_decisions_breach_id", "breach_decisions", ["breach_id"])


def downgrade() -> None:
    op.drop_index("ix_breach_decisions_breach_id", table_name="breach_decisions")
    op.drop_table("breach_decisions")
    op.drop_index("ix_breach_contacts_contact_id", table_name="breach_contacts")
    op.drop_table("breach_contacts")
    op.drop_index("ix_breaches_status", table_name="breaches")
    op.drop_table("breaches")
