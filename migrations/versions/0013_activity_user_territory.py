"""a person's activity in their territory is one range of an index

Revision ID: 0013
Revises: 0012

Field activity lists a rep's own activity in their territory (``user_id = ? AND territory_id =
?``, newest first) and counts it for the pager. ``ix_activity_user_time`` (user_id, occurred_at)
found the rep's rows but fetched every one from the table to check its territory: at large a rep
has ~2,000 activities, and the list and its count took twice as long as at small scale (the one
rep query past bench/README.md's 1.5× target). With the territory between the two columns both
are a range of the index: the count reads no row and the list stops after its page.
"""
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_activity_user_time", table_name="activity")
    op.create_index("ix_activity_user_territory_time", "activity", ["user_id", "territory_id", "occurred_at"])


def downgrade() -> None:
    op.drop_index("ix_activity_user_territory_time", table_name="activity")
    op.create_index("ix_activity_user_time", "activity", ["user_id", "occurred_at"])
