"""Schema upgrades through Alembic; the app never runs create_all on a database with data."""
from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import inspect
from sqlalchemy.engine import Engine

from .config import PROJECT_ROOT


def alembic_config() -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    return cfg


def upgrade_to_head(engine: Engine) -> None:
    cfg = alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
        if conn.dialect.name == "sqlite":
            analyze_new_sqlite_indexes(conn)
            conn.commit()


def analyze_new_sqlite_indexes(conn) -> list[str]:
    """Give the statistics of an analysed SQLite database to the indexes a migration (re)created.

    SQLite's planner reads ``sqlite_stat1``; an index with no row there looks highly selective.
    Migration 0012 re-created the territory index of leads, and without its row a rep's lead counts
    (assignee and territory both given) chose it over the assignee's index: 130 ms instead of a
    fraction of one at large (bench/README.md, "Round 2, eighth session"). PostgreSQL keeps its
    statistics per column, so a re-created plain index needs nothing there. A database never
    analysed keeps SQLite's defaults; an empty table has nothing to measure. Returns the indexes
    analysed."""
    if conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is None:
        return []
    missing = conn.exec_driver_sql(
        "SELECT i.name, i.tbl_name FROM sqlite_master i WHERE i.type = 'index' "
        "AND NOT EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.idx = i.name) ORDER BY i.name").all()
    analysed = []
    quote = conn.dialect.identifier_preparer.quote      # names read from sqlite_master, never values
    for index, table in missing:
        if conn.exec_driver_sql(f"SELECT 1 FROM {quote(table)} LIMIT 1").first() is not None:
            conn.exec_driver_sql(f"ANALYZE {quote(index)}")
            analysed.append(index)
    return analysed


def is_empty(engine: Engine) -> bool:
    """True when the schema has no users yet (a fresh database that the demo may fill)."""
    from sqlmodel import Session, select

    from .tables import User

    if "app_user" not in inspect(engine).get_table_names():
        return True
    with Session(engine) as session:
        return session.exec(select(User.id).limit(1)).first() is None
