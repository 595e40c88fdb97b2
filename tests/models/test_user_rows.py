"""The gate's kept user rows on PostgreSQL (models/user_rows.py, migration 0016): served from
memory only while this process listens for their changes; a change made by another process (its
own engine, its own connections) is refused by the next gate here; the process's own changes are
dropped at commit; a lost listener means every gate reads the database until it is back."""
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from models import db, user_rows
from models.db import write_session
from models.enums import Role
from models.types import utcnow
from services import admin, auth
from tests.factories import Builder

PASSWORD = "correct horse battery 9"


def _wait(condition, seconds=5.0):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.01)
    return condition()


@pytest.fixture
def pg(pg_template_url):
    """This process's engine with its listener, and another process's engine (no cache)."""
    from tests.conftest import _truncate_all

    engine = db.make_engine(pg_template_url)
    _truncate_all(engine)
    with Builder(engine) as b:
        sel = b.territory("SEL")
        boss = b.user("boss", Role.admin, password_hash=auth.hash_password(PASSWORD))
        b.user("rep1", Role.rep, sel, password_hash=auth.hash_password(PASSWORD))
        b.user("rep2", Role.rep, sel, password_hash=auth.hash_password(PASSWORD))
    from queries.scope import Viewer
    boss_viewer = Viewer.of(boss)
    other = db.make_engine(pg_template_url)
    rows = user_rows.user_rows(engine)
    assert rows.listening.wait(10), "the listener did not start"
    yield engine, other, rows, boss_viewer
    user_rows.stop_user_rows(engine)
    engine.dispose()
    other.dispose()


def _counting_fetches(monkeypatch):
    reads = []
    real = db.read_connection

    def counted(engine=None):
        reads.append(1)
        return real(engine)
    monkeypatch.setattr(db, "read_connection", counted)
    return reads


def test_a_kept_row_is_served_without_a_read_and_gives_the_same_answer(pg, monkeypatch):
    engine, _other, _rows, _boss = pg
    issued = utcnow() - timedelta(minutes=5)
    reads = _counting_fetches(monkeypatch)
    first = auth.served_gate("rep1", issued, engine=engine)
    again = auth.served_gate("rep1", issued, engine=engine)
    assert first[0].username == again[0].username == "rep1" and first == again
    assert reads == [1]
    with db.read_connection(engine) as conn:
        assert auth.session_gate("rep1", issued, session=conn) == first
    assert auth.served_gate("ghost", issued, engine=engine) == (None, False)
    assert auth.served_gate("ghost", issued, engine=engine) == (None, False)
    assert len(reads) == 1 + 1 + 2     # the read above, and unknown names are never kept


@pytest.mark.parametrize("change", ["sign_out", "disable", "role"])
def test_another_process_s_change_is_refused_by_the_next_gate_here(pg, change, monkeypatch):
    engine, other, rows, boss = pg
    issued = utcnow() - timedelta(minutes=5)
    assert auth.served_gate("rep1", issued, engine=engine)[0].role == Role.rep
    with write_session(other) as s:   # the other process: nothing of this process's runs
        if change == "sign_out":
            auth.sign_out("rep1", session=s)
        elif change == "disable":
            admin.disable_user(boss, "rep1", session=s)
        else:
            admin.update_user(boss, "rep1", session=s, display_name="Rep One", email=None,
                              role="marketer", territory_code=None, manager_username=None)
    reads = _counting_fetches(monkeypatch)
    assert _wait(lambda: auth.served_gate("rep1", issued, engine=engine) == (None, False))
    assert reads, "refused from a read of the database, after the notification"
    assert auth.served_gate("rep2", issued, engine=engine)[0].username == "rep2"


def test_a_change_in_raw_sql_and_a_truncate_are_told_too(pg):
    engine, other, rows, _boss = pg
    issued = utcnow() - timedelta(minutes=5)
    auth.served_gate("rep1", issued, engine=engine)
    auth.served_gate("rep2", issued, engine=engine)
    with other.begin() as conn:
        conn.exec_driver_sql("UPDATE app_user SET active = false WHERE username = 'rep1'")
    assert _wait(lambda: auth.served_gate("rep1", issued, engine=engine) == (None, False))
    assert auth.served_gate("rep2", issued, engine=engine)[0] is not None
    with other.begin() as conn:
        conn.exec_driver_sql("TRUNCATE app_user CASCADE")
    assert _wait(lambda: auth.served_gate("rep2", issued, engine=engine) == (None, False))


def test_this_process_s_own_change_is_dropped_at_its_commit_without_the_notification(pg_template_url):
    """A cache that is live but hears nothing (no listener thread): only write_session's own
    forgetting can make the next gate refuse."""
    from tests.conftest import _truncate_all

    engine = db.make_engine(pg_template_url)
    try:
        _truncate_all(engine)
        with Builder(engine) as b:
            b.user("rep1", Role.rep, b.territory("SEL"), password_hash=auth.hash_password(PASSWORD))
        deaf = user_rows.UserRows(engine)   # never started
        deaf._set_live(True)
        engine._onevoice_user_rows = deaf
        issued = utcnow() - timedelta(minutes=5)
        assert auth.served_gate("rep1", issued, engine=engine)[0].username == "rep1"
        assert "rep1" in deaf._rows
        with engine.begin() as conn:   # a raw change: only a notification would tell
            conn.exec_driver_sql("UPDATE app_user SET display_name = 'x' WHERE username = 'rep1'")
        assert auth.served_gate("rep1", issued, engine=engine)[0].display_name != "x"   # kept (deaf)
        with write_session(engine) as s:
            auth.sign_out("rep1", session=s)
        assert auth.served_gate("rep1", issued, engine=engine) == (None, False)
    finally:
        engine.__dict__.pop("_onevoice_user_rows", None)
        engine.dispose()


def test_a_read_begun_before_a_change_is_not_kept(pg):
    engine, _other, rows, _boss = pg
    fetched = []

    def fetch_then_changed():
        fetched.append(1)
        rows.forget("rep1")          # the notification arrives while the read is in flight
        return "old row"
    assert rows.row("rep1", fetch_then_changed) == "old row"
    assert "rep1" not in rows._rows
    assert rows.row("rep1", lambda: "new row") == "new row"
    assert rows.row("rep1", lambda: "not read") == "new row"


def test_a_kept_row_expires_whatever_happens(pg, monkeypatch):
    engine, _other, rows, _boss = pg
    clock = {"now": 1000.0}
    monkeypatch.setattr(user_rows, "_monotonic", lambda: clock["now"])
    rows.row("rep1", lambda: "first")
    clock["now"] += user_rows.MAX_AGE_SECONDS - 1
    assert rows.row("rep1", lambda: "second") == "first"
    clock["now"] += 2
    assert rows.row("rep1", lambda: "third") == "third"


def test_before_the_listener_listens_every_gate_reads_the_database():
    rows = user_rows.UserRows(engine=None)   # not started: not listening
    assert rows.row("rep1", lambda: "read") == "read"
    assert rows.row("rep1", lambda: "read again") == "read again"
    assert rows._rows == {}


def test_a_lost_listener_empties_the_cache_and_comes_back(pg):
    engine, other, rows, _boss = pg
    issued = utcnow() - timedelta(minutes=5)
    auth.served_gate("rep1", issued, engine=engine)
    assert "rep1" in rows._rows and rows.listens == 1
    with other.connect() as conn:
        killed = conn.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
            " WHERE application_name = 'onevoice-user-rows' AND datname = current_database()")).scalars().all()
    assert killed and all(killed)
    assert _wait(lambda: rows.listens == 2 and rows.live, 15), "the listener did not reconnect"
    assert "rep1" not in rows._rows      # emptied when it was lost, and again when back
    with other.begin() as conn:                            # and it hears again
        conn.exec_driver_sql("UPDATE app_user SET active = false WHERE username = 'rep1'")
    assert _wait(lambda: auth.served_gate("rep1", issued, engine=engine) == (None, False))


def test_without_the_trigger_nothing_is_kept(pg_template_url):
    """A database not migrated to 0016 tells no one: the listener never goes live."""
    from tests.conftest import _truncate_all

    engine = db.make_engine(pg_template_url)
    rows = None
    try:
        _truncate_all(engine)
        with engine.begin() as conn:
            conn.exec_driver_sql("ALTER TABLE app_user RENAME TO app_user_hidden")
            conn.exec_driver_sql("CREATE TABLE app_user (username text)")
        rows = user_rows.UserRows(engine)
        rows.start()
        time.sleep(1.5)
        assert not rows.live
        assert rows.row("rep1", lambda: "read") == "read"
        assert rows.row("rep1", lambda: "read again") == "read again"
    finally:
        if rows is not None:
            rows.stop()
        with engine.begin() as conn:
            conn.exec_driver_sql("DROP TABLE IF EXISTS app_user")
            conn.exec_driver_sql("ALTER TABLE IF EXISTS app_user_hidden RENAME TO app_user")
        engine.dispose()


def test_sqlite_keeps_nothing(sqlite_url):
    assert user_rows.user_rows(db.get_engine(sqlite_url)) is None


def test_the_setting_turns_it_off(pg_template_url, monkeypatch):
    from models.config import reload_config

    monkeypatch.setenv("ONEVOICE_USER_ROW_CACHE", "false")
    reload_config()
    engine = db.make_engine(pg_template_url)
    try:
        assert user_rows.user_rows(engine) is None
        monkeypatch.setenv("ONEVOICE_USER_ROW_CACHE", "yes please")
        with pytest.raises(Exception, match="ONEVOICE_USER_ROW_CACHE"):
            reload_config()
    finally:
        monkeypatch.delenv("ONEVOICE_USER_ROW_CACHE")
        reload_config()
        engine.dispose()
