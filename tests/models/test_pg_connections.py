"""PostgreSQL's connections (models/db.py). Pooled connections are pinged only after sitting idle
(``ping_when_idle``): one the server dropped while it sat in the pool is replaced before anyone
reads on it, and one returned a moment ago is handed out without a round trip. Read sessions run
in autocommit (no BEGIN/ROLLBACK around their statements); write sessions are transactions still,
on the same pooled connections."""
import pytest
import sqlalchemy as sa

from models import db


@pytest.fixture
def pg_engine(pg_template_url, monkeypatch):
    clock = {"now": 1000.0}
    monkeypatch.setattr(db, "_monotonic", lambda: clock["now"])
    engine = db.make_engine(pg_template_url)
    pings = []
    real_ping = engine.dialect.do_ping
    monkeypatch.setattr(engine.dialect, "do_ping", lambda conn: pings.append(1) or real_ping(conn))
    yield engine, clock, pings
    engine.dispose()


def _backend_pid(engine) -> int:
    with engine.connect() as conn:
        return conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one()


def test_a_connection_back_in_the_pool_a_moment_ago_is_not_pinged(pg_engine):
    engine, clock, pings = pg_engine
    first = _backend_pid(engine)
    clock["now"] += db.PING_AFTER_IDLE_SECONDS / 2
    assert _backend_pid(engine) == first
    assert pings == []


def test_an_idle_connection_the_server_dropped_is_replaced_before_a_read_uses_it(pg_engine, pg_template_url):
    engine, clock, pings = pg_engine
    dropped = _backend_pid(engine)
    admin = sa.create_engine(db.normalise_url(pg_template_url), poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        assert conn.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": dropped}).scalar_one()
    admin.dispose()
    clock["now"] += db.PING_AFTER_IDLE_SECONDS + 1
    with engine.connect() as conn:   # no error: the ping found it dead and the pool connected afresh
        assert conn.exec_driver_sql("SELECT pg_backend_pid()").scalar_one() != dropped
    assert pings == [1]


def test_an_idle_live_connection_is_pinged_and_kept(pg_engine):
    engine, clock, pings = pg_engine
    first = _backend_pid(engine)
    clock["now"] += db.PING_AFTER_IDLE_SECONDS + 1
    assert _backend_pid(engine) == first
    assert pings == [1]


def test_a_read_session_runs_in_autocommit_and_a_write_session_after_it_is_a_transaction(pg_template_url):
    from sqlmodel import select

    from models.tables import Territory
    engine = db.get_engine(pg_template_url)
    with db.read_session(engine) as session:
        session.execute(sa.text("SELECT 1"))
        assert session.connection().connection.dbapi_connection.autocommit is True
        # outside a transaction block the server has nothing to roll back
        assert session.execute(sa.text("SELECT now() = statement_timestamp()")).scalar_one() is True
    with db.write_session(engine) as session:
        assert session.connection().connection.dbapi_connection.autocommit is False
        session.add(Territory(code="PGT", name="Transaction test"))
        session.flush()
    try:
        with db.write_session(engine) as session:
            session.add(Territory(code="PGR", name="Rolled back"))
            session.flush()
            raise RuntimeError("roll back")
    except RuntimeError:
        pass
    with db.read_session(engine) as session:
        codes = set(session.exec(select(Territory.code)).all())
    assert "PGT" in codes and "PGR" not in codes
    with db.write_session(engine) as session:
        session.execute(sa.delete(Territory).where(Territory.code == "PGT"))
