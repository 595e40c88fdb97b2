"""Shared bits of the CLI: opening the configured database with a clear error."""
from __future__ import annotations

from models.db import check_connection, get_engine


def open_engine(*, migrate: bool = True):
    """The engine of DATABASE_URL, reachable and (by default) upgraded to the latest schema."""
    from models.migrate import upgrade_to_head

    engine = get_engine()
    check_connection(engine)
    if migrate:
        upgrade_to_head(engine)
    return engine
