"""PostgreSQL: the territory index of leads carries the lead id, so "the leads of a territory"
is answered from the index alone

Revision ID: 0012
Revises: 0011

The rejections KPIs under a territory filter count the period's rejections whose lead is in the
territory: ``lead_id IN (SELECT id FROM lead WHERE territory_id = ?)``. SQLite keeps the row id in
every index, so ix_lead_territory_status already answers the subquery; a PostgreSQL index holds
only its own columns, so there the subquery read the territory's lead rows from the table (a
bitmap heap scan: 190 ms for the biggest territory at large, 30 ms with the id in the index;
bench/README.md, "Round 2, eighth session"). ``INCLUDE (id)`` is PostgreSQL-only; on SQLite the
index is re-created as it was.
"""
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def _recreate(**include) -> None:
    op.drop_index("ix_lead_territory_status", table_name="lead")
    op.create_index("ix_lead_territory_status", "lead", ["territory_id", "status"], **include)


def upgrade() -> None:
    _recreate(postgresql_include=["id"])


def downgrade() -> None:
    _recreate()
