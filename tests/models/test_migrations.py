"""The models and the migrations describe the same schema, on both databases: a migrated
database has nothing for Alembic's autogenerate to add or drop."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import models  # noqa: F401  (every table on the metadata)


# SQLite's reflection cannot read an expression index, so autogenerate skips ix_account_name_lower
# there (with these two warnings); the test below checks that index on both databases itself.
@pytest.mark.filterwarnings("ignore:Skipped unsupported reflection of expression-based index")
@pytest.mark.filterwarnings("ignore:autogenerate skipping metadata-specified expression-based index")
def test_models_match_the_migrated_schema(engine):
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), SQLModel.metadata)
    # Alembic compares types loosely across dialects; tables, columns and indexes must all agree.
    structural = [d for d in diff if not (isinstance(d, list) and d and d[0][0] in ("modify_type",))]
    assert structural == []


def _at_revision(path, revision):
    from alembic import command

    from models.db import get_engine
    from models.migrate import alembic_config

    engine = get_engine(f"sqlite:///{path}")
    cfg = alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)
        conn.commit()
    return engine


def _stat_rows(engine) -> set[str]:
    with engine.connect() as conn:
        return {idx for (idx,) in conn.exec_driver_sql("SELECT idx FROM sqlite_stat1")}


def test_an_analysed_sqlite_database_keeps_statistics_for_the_indexes_a_migration_recreates(tmp_path):
    from models.migrate import upgrade_to_head
    from tests.factories import Builder, Role, utc

    engine = _at_revision(tmp_path / "old.db", "0011")
    with Builder(engine) as b:
        t, c = b.territory(), b.campaign()
        rep = b.user(role=Role.rep, territory=t)
        for day in (1, 2, 3):
            b.lead(c, territory=t, assigned_to=rep, created_at=utc(2026, 3, day), assigned_at=utc(2026, 3, day))
    with engine.connect() as conn:
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    assert "ix_lead_territory_status" in _stat_rows(engine)
    upgrade_to_head(engine)             # 0012 replaces ix_lead_territory_status, re-creates ix_lead_untouched_due
    assert {"ix_lead_territory_queue_cover", "ix_lead_untouched_due", "ix_lead_assignee_status"} <= _stat_rows(engine)
    assert "ix_lead_territory_status" not in _stat_rows(engine)


def test_a_sqlite_database_never_analysed_is_left_to_sqlites_defaults(tmp_path):
    from models.migrate import upgrade_to_head
    from tests.factories import Builder

    engine = _at_revision(tmp_path / "plain.db", "0011")
    with Builder(engine) as b:
        b.territory()
    upgrade_to_head(engine)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'").first() is None


def test_the_accounts_are_found_by_their_lowercased_name_from_an_index(engine):
    """Migration 0015: the lead import's ``lower(name) IN (…)`` is answered from
    ix_account_name_lower on both databases (autogenerate cannot compare it on SQLite)."""
    from sqlalchemy import func, select

    from models.tables import Account

    query = select(Account.id).where(func.lower(Account.name).in_(["hanbit steel", "new co"]))
    with engine.connect() as conn:
        sql = str(query.compile(conn, compile_kwargs={"literal_binds": True}))
        if engine.dialect.name == "sqlite":
            plan = " ".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
            assert "ix_account_name_lower" in plan, plan
        else:
            defined = conn.exec_driver_sql("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_account_name_lower'").scalar_one()
            assert "lower" in defined and "name" in defined, defined
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " ".join(r[0] for r in conn.exec_driver_sql("EXPLAIN " + sql))
            assert "ix_account_name_lower" in plan, plan
