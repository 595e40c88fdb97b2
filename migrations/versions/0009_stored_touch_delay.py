"""a lead's first-touch delay, stored: lead.touch_delay_us

Revision ID: 0009
Revises: 0008

`median_first_touch_hours` sorted the period's hand-overs by an expression computed per row
(`first_touch_at − assigned_at`: text arithmetic on SQLite, a NUMERIC interval on PostgreSQL);
at medium scale that sort was 40% of the whole KPI set. The delay is now a generated column,
BIGINT microseconds, computed by the database whenever either time changes, so no writer has
to keep it (SQLite: VIRTUAL, kept in the two covering indexes below; PostgreSQL: STORED).
The indexes on accepted_at and recycled_at take territory_id too, so the territory's
acceptances and recycles are counted from the index alone.
Exact: the same microseconds as before, as an integer. The expression is
`models.tables.columns.microseconds_between_sql`, the model's too; change it only together with
a new migration that rebuilds the column.
"""
import sqlalchemy as sa
from alembic import op

from models.tables.columns import microseconds_between_sql

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

BEFORE = {
    "ix_lead_assigned_cover": ["assigned_at", "territory_id", "first_touch_at", "due_at", "status"],
    "ix_lead_territory_assigned_cover": ["territory_id", "assigned_at", "first_touch_at", "due_at", "status"],
}
AFTER = {name: [*columns, "touch_delay_us"] for name, columns in BEFORE.items()}
# leads_accepted / leads_recycled under a territory filter: counted from the index alone.
BEFORE_ONE = {"ix_lead_accepted_at": ["accepted_at"], "ix_lead_recycled_at": ["recycled_at"]}
AFTER_ONE = {name: [*columns, "territory_id"] for name, columns in BEFORE_ONE.items()}


def _replace_indexes(columns_by_name: dict[str, list[str]]) -> None:
    for name, columns in columns_by_name.items():
        op.drop_index(name, table_name="lead")
        op.create_index(name, "lead", columns)


def upgrade() -> None:
    # ix_lead_assigned_at is a prefix of ix_lead_assigned_cover, so it served nothing the cover
    # does not; SQLite's planner also preferred it (it does not see that the cover holds the
    # virtual touch_delay_us) and then recomputed the delay from every table row.
    op.drop_index("ix_lead_assigned_at", table_name="lead")
    dialect = op.get_bind().dialect.name
    expression = microseconds_between_sql("first_touch_at", "assigned_at", dialect)
    # SQLite can add only a VIRTUAL generated column to an existing table; PostgreSQL only STORED.
    kind = "VIRTUAL" if dialect == "sqlite" else "STORED"
    op.execute(sa.text(f"ALTER TABLE lead ADD COLUMN touch_delay_us BIGINT "
                       f"GENERATED ALWAYS AS ({expression}) {kind}"))
    _replace_indexes({**AFTER, **AFTER_ONE})


def downgrade() -> None:
    _replace_indexes({**BEFORE, **BEFORE_ONE})
    op.create_index("ix_lead_assigned_at", "lead", ["assigned_at"])
    op.drop_column("lead", "touch_delay_us")
