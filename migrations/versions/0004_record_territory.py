"""activities and feedback keep the territory they belong to (not their author's current one)

Revision ID: 0004
Revises: 0003

Backfill: an activity takes the territory of its opportunity, lead, event or account, else its
author's current territory; feedback the territory of its event, else its author's. The same
rule fills rows a bundle import adds (services/record_territory.py).
"""
import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# A frozen copy of services/record_territory.py as it was at this revision, on purpose: a migration
# must do what it did when it was written, whatever the service does later, so it does not import
# product code. Change the service, never this copy.
ACTIVITY_FILL = """
UPDATE activity SET territory_id = COALESCE(
    (SELECT o.territory_id FROM opportunity o WHERE o.id = activity.opportunity_id),
    (SELECT l.territory_id FROM lead l WHERE l.id = activity.lead_id),
    (SELECT e.territory_id FROM event e WHERE e.id = activity.event_id),
    (SELECT a.territory_id FROM account a WHERE a.id = activity.account_id),
    (SELECT u.territory_id FROM app_user u WHERE u.id = activity.user_id))
WHERE territory_id IS NULL
"""
FEEDBACK_FILL = """
UPDATE feedback SET territory_id = COALESCE(
    (SELECT e.territory_id FROM event e WHERE e.id = feedback.event_id),
    (SELECT u.territory_id FROM app_user u WHERE u.id = feedback.user_id))
WHERE territory_id IS NULL
"""


def upgrade() -> None:
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.add_column(sa.Column("territory_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_activity_territory_id_territory", "territory", ["territory_id"], ["id"])
        batch_op.create_index("ix_activity_territory_time", ["territory_id", "occurred_at"], unique=False)
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.add_column(sa.Column("territory_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_feedback_territory_id_territory", "territory", ["territory_id"], ["id"])
        batch_op.create_index("ix_feedback_territory", ["territory_id"], unique=False)
    op.execute(ACTIVITY_FILL)
    op.execute(FEEDBACK_FILL)


def downgrade() -> None:
    with op.batch_alter_table("feedback", schema=None) as batch_op:
        batch_op.drop_index("ix_feedback_territory")
        batch_op.drop_constraint("fk_feedback_territory_id_territory", type_="foreignkey")
        batch_op.drop_column("territory_id")
    with op.batch_alter_table("activity", schema=None) as batch_op:
        batch_op.drop_index("ix_activity_territory_time")
        batch_op.drop_constraint("fk_activity_territory_id_territory", type_="foreignkey")
        batch_op.drop_column("territory_id")
