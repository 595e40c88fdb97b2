"""Getting a database ready for the app: reachable, migrated, and (embedded default) seeded."""
from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory

from models.config import load_config
from models.db import DatabaseUnavailable, check_connection, describe_url, get_engine
from models.migrate import alembic_config, is_empty, upgrade_to_head
from services.demo_seed import seed_demo


def schema_is_current(engine) -> bool:
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision() == head


def prepare_database(url: str):
    """The embedded SQLite default is upgraded and, when empty, filled with the demo.
    Any other database must have been migrated with ``manage.py init-db``."""
    engine = get_engine(url)
    check_connection(engine)
    if load_config().is_default_sqlite:
        upgrade_to_head(engine)
        if is_empty(engine):
            seed_demo(engine=engine, seed=1, only_if_empty=True)
    elif not schema_is_current(engine):
        raise DatabaseUnavailable(
            f"the schema of {describe_url(url)} is not up to date: run `python manage.py init-db`")
    return engine
