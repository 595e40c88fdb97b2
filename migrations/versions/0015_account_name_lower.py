"""a lead import finds its companies' accounts from an index

Revision ID: 0015
Revises: 0014

``services.lead_import`` matches each chunk's companies to accounts by ``lower(name) IN (…)``.
Without an index on the expression both databases read every account for every chunk of 1,000
rows: 21 ms on SQLite and 26 ms on PostgreSQL at large (100,000 accounts), 50 times in a
50,000-lead import.
"""
import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_account_name_lower", "account", [sa.text("lower(name)")])


def downgrade() -> None:
    op.drop_index("ix_account_name_lower", table_name="account")
