"""PostgreSQL's pooled connections are pinged only after sitting idle (models/db.ping_when_idle):
a connection the server dropped while it sat in the pool is replaced before anyone reads on it,
and a connection returned a moment ago is handed out without a round trip."""
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
