"""covering indexes for the KPI aggregates and the rep workspace

Chosen from EXPLAIN QUERY PLAN (SQLite) and EXPLAIN (PostgreSQL) of queries.kpis and the field
queries on the generated company-scale data (bench/README.md). Without them the period
aggregates walk a one-column date index and fetch every matching row from the table (~400k
random reads for a 12-month lead KPI at 1M leads); with them each aggregate is a range scan of
one index that holds every column it reads (SQLite "COVERING INDEX", PostgreSQL "Index Only
Scan"). The territory-first twins serve the one-territory filter the same way.

Revision ID: 0002
Revises: 0001
"""
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

INDEXES = [
    # leads assigned / created in a period: leads_assigned, median_first_touch_hours,
    # sla_compliance, untouched_leads; leads_created, lead_conversion_rate
    ("ix_lead_assigned_cover", "lead", ["assigned_at", "territory_id", "first_touch_at", "status"]),
    ("ix_lead_territory_assigned_cover", "lead", ["territory_id", "assigned_at", "first_touch_at", "status"]),
    ("ix_lead_created_cover", "lead", ["created_at", "territory_id", "status"]),
    ("ix_lead_territory_created_cover", "lead", ["territory_id", "created_at", "status"]),
    # leads of the started campaigns / of the events held, with the territory filter
    ("ix_lead_campaign_territory", "lead", ["campaign_id", "territory_id"]),
    ("ix_lead_event_territory", "lead", ["event_id", "territory_id"]),
    # the rep's lead queue: their open leads in deadline order
    ("ix_lead_assignee_status_assigned", "lead", ["assigned_to_id", "status", "assigned_at"]),
    # won / lost in a period, open deals, attributed revenue, LTV: every column they read
    ("ix_opp_stage_closed_cover", "opportunity",
     ["stage", "closed_on", "territory_id", "amount", "source_campaign_id", "opened_on", "account_id"]),
    ("ix_opp_territory_stage_closed_cover", "opportunity",
     ["territory_id", "stage", "closed_on", "amount", "source_campaign_id", "opened_on", "account_id"]),
    # campaign_roi: won deals of the campaigns started in the period, without a table lookup each
    ("ix_opp_source_campaign_cover", "opportunity", ["source_campaign_id", "stage", "closed_on", "amount",
                                                     "territory_id"]),
    # note_read_rate: receipts of a note, by reader, with the time of reading
    ("ix_note_read_note_user_at", "note_read", ["note_id", "user_id", "read_at"]),
    # reps of a territory (note_read_rate's denominator, team lists)
    ("ix_user_territory_role_active", "app_user", ["territory_id", "role", "active"]),
]


def upgrade() -> None:
    for name, table, columns in INDEXES:
        op.create_index(name, table, columns, unique=False)


def downgrade() -> None:
    for name, table, _ in reversed(INDEXES):
        op.drop_index(name, table_name=table)
