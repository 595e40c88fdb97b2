"""the handoff as a process: response deadlines, acceptance/rejection, recycling, lead
commitments, the escalation ladder's step markers and notifications with their e-mail outbox

Existing hand-overs get the deadline the first round implied: due_at = assigned_at + sla_hours
(the stored setting, else 24), so last year's compliance reads the same as before.

Revision ID: 0005
Revises: 0004
"""
import sqlalchemy as sa
from alembic import op

import models.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

OLD_STATUSES = ("new", "working", "qualified", "converted", "disqualified")
NEW_STATUSES = OLD_STATUSES + ("accepted", "rejected", "nurture")


def _status(values):
    return sa.Enum(*values, name="ck_leadstatus", native_enum=False, create_constraint=True, length=20)


def _backfill_due_at() -> None:
    bind = op.get_bind()
    stored = bind.execute(sa.text("SELECT value FROM setting WHERE key = 'sla_hours'")).scalar()
    seconds = float(stored or 24) * 3600
    if bind.dialect.name == "postgresql":
        bind.execute(sa.text("UPDATE lead SET due_at = assigned_at + make_interval(secs => :s) "
                             "WHERE assigned_at IS NOT NULL"), {"s": seconds})
    elif seconds == int(seconds):
        # SQLAlchemy keeps SQLite timestamps as 'YYYY-MM-DD HH:MM:SS.ffffff': shift the whole
        # seconds and keep the fraction as it was.
        bind.execute(sa.text("UPDATE lead SET due_at = datetime(assigned_at, :shift) || substr(assigned_at, 20) "
                             "WHERE assigned_at IS NOT NULL"), {"shift": f"+{int(seconds)} seconds"})
    else:
        from datetime import timedelta

        lead = sa.table("lead", sa.column("id", sa.Integer), sa.column("assigned_at", models.types.UTCDateTime()),
                        sa.column("due_at", models.types.UTCDateTime()))
        rows = bind.execute(sa.select(lead.c.id, lead.c.assigned_at).where(lead.c.assigned_at.is_not(None))).all()
        for lead_id, assigned_at in rows:
            bind.execute(lead.update().where(lead.c.id == lead_id)
                         .values(due_at=assigned_at + timedelta(seconds=seconds)))


def upgrade() -> None:
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.add_column(sa.Column("due_at", models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("accepted_at", models.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("recycled_at", models.types.UTCDateTime(), nullable=True))
        batch_op.alter_column("status", existing_type=_status(OLD_STATUSES), type_=_status(NEW_STATUSES),
                              existing_nullable=False)
        batch_op.create_index("ix_lead_untouched_due", ["first_touch_at", "due_at"], unique=False)
        batch_op.create_index("ix_lead_accepted_at", ["accepted_at"], unique=False)
        batch_op.create_index("ix_lead_recycled_at", ["recycled_at"], unique=False)
    _backfill_due_at()

    with op.batch_alter_table("monthly_target", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lead_commitment", sa.Integer(), nullable=True))
        batch_op.create_check_constraint("ck_target_commitment_nonneg",
                                         "lead_commitment IS NULL OR lead_commitment >= 0")

    op.create_table(
        "lead_rejection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Enum("not_my_territory", "duplicate", "bad_contact", "not_a_fit", "too_early", "other",
                                    name="ck_rejectreason", native_enum=False, create_constraint=True, length=20),
                  nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("rejected_at", models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lead_id", "rejected_at", name="uq_lead_rejection_key"),
    )
    with op.batch_alter_table("lead_rejection", schema=None) as batch_op:
        batch_op.create_index("ix_lead_rejection_at", ["rejected_at"], unique=False)
        batch_op.create_index("ix_lead_rejection_user", ["user_id"], unique=False)

    op.create_table(
        "lead_escalation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("lead_id", sa.Integer(), nullable=False),
        sa.Column("handover_at", models.types.UTCDateTime(), nullable=False),
        sa.Column("step", sa.Enum("warn", "overdue", "reassign", name="ck_escalationstep", native_enum=False,
                                  create_constraint=True, length=20), nullable=False),
        sa.Column("done_at", models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("lead_id", "handover_at", "step", name="uq_lead_escalation_step"),
    )

    op.create_table(
        "notification",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Enum("lead_assigned", "lead_due_soon", "lead_overdue", "lead_reassigned", "lead_rejected",
                                  "note_published", "feedback_answered", "event_changed", name="ck_notificationkind",
                                  native_enum=False, create_constraint=True, length=20), nullable=False),
        sa.Column("entity", sa.String(length=64), nullable=False),
        sa.Column("entity_key", sa.String(length=300), nullable=True),
        sa.Column("params", sa.Text(), nullable=True),
        sa.Column("created_at", models.types.UTCDateTime(), nullable=False),
        sa.Column("read_at", models.types.UTCDateTime(), nullable=True),
        sa.Column("mail", sa.String(length=20), nullable=True),
        sa.Column("emailed_at", models.types.UTCDateTime(), nullable=True),
        sa.Column("mail_claimed_at", models.types.UTCDateTime(), nullable=True),
        sa.Column("mail_attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("mail_error", sa.Text(), nullable=True),
        sa.Column("mail_next_at", models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("notification", schema=None) as batch_op:
        batch_op.create_index("ix_notification_user_read", ["user_id", "read_at"], unique=False)
        batch_op.create_index("ix_notification_outbox", ["mail", "emailed_at"], unique=False)

    op.create_table(
        "mail_digest",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("claimed_at", models.types.UTCDateTime(), nullable=True),
        sa.Column("sent_at", models.types.UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_at", models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("user_id", "day", name="uq_mail_digest_user_day"),
    )


def downgrade() -> None:
    op.drop_table("mail_digest")
    op.drop_table("notification")
    op.drop_table("lead_escalation")
    op.drop_table("lead_rejection")
    with op.batch_alter_table("monthly_target", schema=None) as batch_op:
        batch_op.drop_constraint("ck_target_commitment_nonneg", type_="check")
        batch_op.drop_column("lead_commitment")
    with op.batch_alter_table("lead", schema=None) as batch_op:
        batch_op.drop_index("ix_lead_recycled_at")
        batch_op.drop_index("ix_lead_accepted_at")
        batch_op.drop_index("ix_lead_untouched_due")
        batch_op.alter_column("status", existing_type=_status(NEW_STATUSES), type_=_status(OLD_STATUSES),
                              existing_nullable=False)
        batch_op.drop_column("recycled_at")
        batch_op.drop_column("accepted_at")
        batch_op.drop_column("due_at")
