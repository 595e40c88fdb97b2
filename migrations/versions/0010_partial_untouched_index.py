"""the untouched-leads index becomes partial: lead.due_at WHERE first_touch_at IS NULL

Revision ID: 0010
Revises: 0009

0005 indexed (first_touch_at, due_at) for the escalation sweep. SQLite's planner then chose that
index for every "open, untouched, past its deadline" count, including a rep's own (assigned_to_id =
?) and a territory's: "first_touch_at IS NULL" looked like a selective equality, so the count
walked every overdue lead of the company and filtered them. At medium scale a rep's overdue
count took 31 ms instead of 0.4 ms; at large the lead queue, My day and the Team page paid it on
every first visit. As a partial index on due_at alone it serves the sweep and the company-wide
counts (the rows it holds are exactly the untouched ones) and no longer competes with the rep's
and the territory's indexes.
"""
import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

UNTOUCHED = sa.text("first_touch_at IS NULL")


def upgrade() -> None:
    op.drop_index("ix_lead_untouched_due", table_name="lead")
    op.create_index("ix_lead_untouched_due", "lead", ["due_at"], sqlite_where=UNTOUCHED, postgresql_where=UNTOUCHED)


def downgrade() -> None:
    op.drop_index("ix_lead_untouched_due", table_name="lead")
    op.create_index("ix_lead_untouched_due", "lead", ["first_touch_at", "due_at"])
