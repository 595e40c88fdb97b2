"""the funnel's two steps are answered from indexes: first_touch_at joins the created-leads covers,
and deals are indexed by the lead they came from

Revision ID: 0011
Revises: 0010

The dashboard's funnel counts the leads created in the period, the worked ones (first_touch_at set)
and the converted ones, then the won deals of those leads. ``first_touch_at`` was not in the two
covering indexes of the period's new leads (0002), so the first step fetched every new lead of the
period from the table; and nothing indexed ``opportunity.lead_id``, so the last step scanned every
deal of the company (bench/README.md, "Round 2, sixth session").
"""
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BEFORE = {
    "ix_lead_created_cover": ["created_at", "territory_id", "status"],
    "ix_lead_territory_created_cover": ["territory_id", "created_at", "status"],
}
AFTER = {
    "ix_lead_created_cover": ["created_at", "territory_id", "status", "first_touch_at"],
    "ix_lead_territory_created_cover": ["territory_id", "created_at", "status", "first_touch_at"],
}


def _replace(columns_by_name: dict[str, list[str]]) -> None:
    for name, columns in columns_by_name.items():
        op.drop_index(name, table_name="lead")
        op.create_index(name, "lead", columns)


def upgrade() -> None:
    _replace(AFTER)
    op.create_index("ix_opp_lead_stage", "opportunity", ["lead_id", "stage"])


def downgrade() -> None:
    op.drop_index("ix_opp_lead_stage", table_name="opportunity")
    _replace(BEFORE)
