"""a territory's lead queue and its counts are answered from one covering index, and the
company's overdue count from the untouched-leads index alone

Revision ID: 0012
Revises: 0011

bench/README.md, "Round 2, eighth session", measured at large (the biggest territory holds
138,000 leads, 75,000 of them open):

* ``ix_lead_territory_status`` (territory_id, status) becomes ``ix_lead_territory_queue_cover``
  (territory_id, status, assigned_to_id, first_touch_at, due_at, assigned_at, created_at). A
  manager's queue sorts the territory's open leads by urgency, deadline and hand-over, the Team
  page counts them per rep and lists the unassigned ones by age: each read every lead row of the
  territory from the table (114–214 ms); from the index alone it is 14–30 ms. Every count that used
  the old index (territory and status) is answered by the new one's first two columns.
* On PostgreSQL the same index carries the lead id (``INCLUDE (id)``): the rejections KPIs under a
  territory filter ask for ``lead_id IN (SELECT id FROM lead WHERE territory_id = ?)``, which SQLite
  answers from any index (each holds the row id) and PostgreSQL read from the table (190 ms for the
  biggest territory; 30 ms from the index).
* ``ix_lead_untouched_due`` (due_at WHERE first_touch_at IS NULL, 0010) gains ``status``: the
  company's "open, untouched, past its deadline" count (My day of marketers and executives)
  fetched each of 147,000 overdue rows for its status (309 ms).
* ``ix_lead_campaign`` (campaign_id) becomes ``ix_lead_campaign_created`` (campaign_id,
  created_at): the black hole's default period starts at a campaign's first lead, ``min(created_at)
  WHERE campaign_id = ?``, which PostgreSQL answered by walking the created_at index until it met
  the campaign (2.1 s for a campaign with no lead yet); now it is the first entry of its range.

An analysed SQLite database gets the new indexes' statistics after the upgrade
(``models.migrate.analyze_new_sqlite_indexes``).
"""
import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

UNTOUCHED = sa.text("first_touch_at IS NULL")
QUEUE_COVER = ["territory_id", "status", "assigned_to_id", "first_touch_at", "due_at", "assigned_at", "created_at"]


def _untouched_due(columns: list[str]) -> None:
    op.drop_index("ix_lead_untouched_due", table_name="lead")
    op.create_index("ix_lead_untouched_due", "lead", columns, sqlite_where=UNTOUCHED, postgresql_where=UNTOUCHED)


def upgrade() -> None:
    op.drop_index("ix_lead_campaign", table_name="lead")
    op.create_index("ix_lead_campaign_created", "lead", ["campaign_id", "created_at"])
    op.drop_index("ix_lead_territory_status", table_name="lead")
    op.create_index("ix_lead_territory_queue_cover", "lead", QUEUE_COVER, postgresql_include=["id"])
    _untouched_due(["due_at", "status"])


def downgrade() -> None:
    _untouched_due(["due_at"])
    op.drop_index("ix_lead_territory_queue_cover", table_name="lead")
    op.create_index("ix_lead_territory_status", "lead", ["territory_id", "status"])
    op.drop_index("ix_lead_campaign_created", table_name="lead")
    op.create_index("ix_lead_campaign", "lead", ["campaign_id"])
