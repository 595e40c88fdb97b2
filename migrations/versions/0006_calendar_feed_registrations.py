"""calendar feed tokens, event SEQUENCE/LAST-MODIFIED, event registrations

Revision ID: 0006
Revises: 0005
"""
from datetime import timezone

import sqlalchemy as sa
from alembic import op

import models.types

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.add_column(sa.Column("sequence", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("updated_at", models.types.UTCDateTime(), nullable=True))
    # Existing events: last modified "now" (the product's clock), so calendars get a LAST-MODIFIED
    # from the first fetch.
    now = models.types.utcnow().astimezone(timezone.utc).replace(tzinfo=None)
    op.get_bind().execute(sa.text("UPDATE event SET updated_at = :now"), {"now": now})

    op.create_table(
        "calendar_token",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=False),
        sa.Column("created_at", models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["app_user.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
        sa.UniqueConstraint("token_hash"),
    )
    op.create_table(
        "registration",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("email_key", sa.String(length=320), nullable=False),
        sa.Column("company", sa.String(length=300), nullable=False),
        sa.Column("contact_name", sa.String(length=200), nullable=True),
        sa.Column("phone", sa.String(length=64), nullable=True),
        sa.Column("status", sa.Enum("registered", "attended", "no_show", "cancelled", name="ck_registrationstatus",
                                    native_enum=False, create_constraint=True, length=20), nullable=False),
        sa.Column("registered_at", models.types.UTCDateTime(), nullable=False),
        sa.Column("checked_in_at", models.types.UTCDateTime(), nullable=True),
        sa.Column("lead_id", sa.Integer(), nullable=True),
        sa.CheckConstraint("checked_in_at IS NULL OR status = 'attended'", name="ck_registration_checked_in"),
        sa.ForeignKeyConstraint(["event_id"], ["event.id"]),
        sa.ForeignKeyConstraint(["lead_id"], ["lead.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_id", "email_key", name="uq_registration_event_email"),
    )
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.create_index("ix_registration_lead", ["lead_id"], unique=False)
        batch_op.create_index("ix_registration_event_status", ["event_id", "status"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("registration", schema=None) as batch_op:
        batch_op.drop_index("ix_registration_event_status")
        batch_op.drop_index("ix_registration_lead")
    op.drop_table("registration")
    op.drop_table("calendar_token")
    with op.batch_alter_table("event", schema=None) as batch_op:
        batch_op.drop_column("updated_at")
        batch_op.drop_column("sequence")
