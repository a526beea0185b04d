"""One index for the company column: (company, norm_name) serves sorting too

`ix_contacts_company` (company) was made for sorting the register by company (0003);
`ix_contacts_company_name` (company, norm_name), made later for an import's similar-name
check (0005), starts with the same column. The register now sorts by company, then the
folded name, then id (services.contacts_search.order_by): the second index's own order,
so a click on the Company header is still an index walk of one page, and people at one
company are listed by name rather than by when they were added. Every index on contacts
is written for every imported row: this one cost an import of 100,000 rows into a
register of a million about 0.6-1.0 s (README, Import speed).

Revision ID: 0013
Revises: 0012
"""
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_contacts_company", table_name="contacts")


def downgrade() -> None:
    op.create_index("ix_contacts_company", "contacts", ["company"])
