"""users choose their interface language and how they hear of notifications

Revision ID: 0003
Revises: 0002
"""
import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.Enum("ko", "en", name="ck_language", native_enum=False,
                                                          create_constraint=True, length=20), nullable=True))
        batch_op.add_column(sa.Column("notify", sa.Enum("inbox", "email", "digest", name="ck_notifypreference",
                                                        native_enum=False, create_constraint=True, length=20),
                                      nullable=False, server_default="inbox"))


def downgrade() -> None:
    with op.batch_alter_table("app_user", schema=None) as batch_op:
        batch_op.drop_column("notify")
        batch_op.drop_column("language")
