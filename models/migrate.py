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


def is_empty(engine: Engine) -> bool:
    """True when the schema has no users yet (a fresh database that the demo may fill)."""
    from sqlmodel import Session, select

    from .tables import User

    if "app_user" not in inspect(engine).get_table_names():
        return True
    with Session(engine) as session:
        return session.exec(select(User.id).limit(1)).first() is None
