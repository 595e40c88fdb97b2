"""counters for the readable record codes (services/codes.py)

Revision ID: 0007
Revises: 0006
"""
import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # No rows: the first allocation of a kind inserts its row, starting above the highest code of
    # the kind's pattern already in the database (services.codes), so existing codes are never reused.
    op.create_table(
        "code_counter",
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("kind"),
    )


def downgrade() -> None:
    op.drop_table("code_counter")
