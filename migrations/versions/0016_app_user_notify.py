"""PostgreSQL tells every process when a user's row changes

Revision ID: 0016
Revises: 0015

The sign-in gate reads the signed-in user's row on every rerun. On PostgreSQL each process keeps
the rows it has read (``models.user_rows``) and drops one when this trigger's notification on
channel ``onevoice_app_user`` arrives: the username of every row inserted, updated or deleted, and
``*`` when the table is truncated. NOTIFY is delivered when the changing transaction commits (never
for one rolled back), and the same username twice in one transaction is delivered once.
SQLite: nothing (it has no cache to tell).
"""
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_FUNCTION = """
CREATE OR REPLACE FUNCTION onevoice_app_user_changed() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('onevoice_app_user', '*');
        RETURN NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        PERFORM pg_notify('onevoice_app_user', OLD.username);
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        PERFORM pg_notify('onevoice_app_user', NEW.username);
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_FUNCTION)
    op.execute("CREATE TRIGGER app_user_changed AFTER INSERT OR UPDATE OR DELETE ON app_user "
               "FOR EACH ROW EXECUTE FUNCTION onevoice_app_user_changed()")
    op.execute("CREATE TRIGGER app_user_truncated AFTER TRUNCATE ON app_user "
               "FOR EACH STATEMENT EXECUTE FUNCTION onevoice_app_user_changed()")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS app_user_truncated ON app_user")
    op.execute("DROP TRIGGER IF EXISTS app_user_changed ON app_user")
    op.execute("DROP FUNCTION IF EXISTS onevoice_app_user_changed()")
