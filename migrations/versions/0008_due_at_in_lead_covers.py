"""the stored deadline joins the leads' covering indexes

Revision ID: 0008
Revises: 0007

Since the handoff process (0005) `sla_compliance` and `untouched_leads` compare `first_touch_at`
with the lead's stored `due_at`. The two covering indexes of 0002 that serve the period's
hand-overs did not hold `due_at`, so both KPIs fetched every lead of the period from the table
again; with the column in the index they are answered from the index alone, as before 0005.
"""
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

BEFORE = {
    "ix_lead_assigned_cover": ["assigned_at", "territory_id", "first_touch_at", "status"],
    "ix_lead_territory_assigned_cover": ["territory_id", "assigned_at", "first_touch_at", "status"],
}
AFTER = {
    "ix_lead_assigned_cover": ["assigned_at", "territory_id", "first_touch_at", "due_at", "status"],
    "ix_lead_territory_assigned_cover": ["territory_id", "assigned_at", "first_touch_at", "due_at", "status"],
}


def _replace(columns_by_name: dict[str, list[str]]) -> None:
    for name, columns in columns_by_name.items():
        op.drop_index(name, table_name="lead")
        op.create_index(name, "lead", columns)


def upgrade() -> None:
    _replace(AFTER)


def downgrade() -> None:
    _replace(BEFORE)
