"""The KPI set spread over two connections (issue 18), on both databases: the same values as on
one session, one snapshot for every worker while others write, the one-session path where a
snapshot cannot be had or the caller's transaction holds writes, and a worker's error raised."""
import sqlite3
import threading
import time
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import event, func, select
from sqlmodel import Session

import queries.kpis as kpis_module
from models.db import SNAPSHOT_LOCK_WAIT_MS, snapshot_sessions
from models.tables import Territory
from queries.kpis import KPIS, KpiFilter, all_kpis, resolve
from queries.scope import Viewer
from tests.factories import Builder, Role, utc
from tests.kpi_scenario import AS_OF, END, START, build

SEOUL = timezone(timedelta(hours=9))
ADMIN = Viewer(id=0, username="admin", display_name="Admin", role=Role.admin, territory_id=None)
F = KpiFilter(START, END, AS_OF)


def _connections_and_threads(engine, work):
    """What ``work()`` returned, and the connections and threads its statements ran on."""
    connections, threads = set(), set()

    def seen(conn, *_args):
        connections.add(id(conn.connection.dbapi_connection))
        threads.add(threading.get_ident())

    event.listen(engine, "before_cursor_execute", seen)
    try:
        return work(), connections, threads
    finally:
        event.remove(engine, "before_cursor_execute", seen)


def test_two_workers_give_exactly_the_one_session_values(engine):
    build(engine)
    with Session(engine) as s:
        alone = all_kpis(ADMIN, F, session=s, workers=1)
    with Session(engine) as s:
        spread, connections, threads = _connections_and_threads(engine, lambda: all_kpis(ADMIN, F, session=s, workers=2))
    assert len(connections) == 2 and len(threads) == 2
    assert list(spread) == list(KPIS) and spread == alone
    assert any(v not in (None, 0) for v in alone.values())   # the scenario has numbers to compare
    with Session(engine) as s:   # the default spreads too, and the lifetime-only subset
        assert all_kpis(ADMIN, F, session=s, keys=("ltv_by_segment", "won_revenue")) == \
            {"won_revenue": alone["won_revenue"], "ltv_by_segment": alone["ltv_by_segment"]}


def test_every_worker_reads_one_snapshot_while_others_commit(engine):
    with Builder(engine) as b:
        b.territory()
    with snapshot_sessions(engine, 2) as sessions:
        assert sessions is not None
        with Session(engine) as writer:   # commits after both snapshots began: not blocked, not seen
            writer.add(Territory(code="NEW", name="New"))
            writer.commit()
        counts = [s.execute(select(func.count()).select_from(Territory)).scalar_one() for s in sessions]
    assert counts == [1, 1]
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(Territory)).scalar_one() == 2


def test_a_write_cannot_land_between_the_workers_snapshots(engine):
    """The moment between the first snapshot's start and the second's: a writer that tries to
    commit there waits (SQLite: the lock is held) or commits unseen by both (PostgreSQL)."""
    with Builder(engine) as b:
        b.territory()
    sqlite = engine.dialect.name == "sqlite"
    attempts = []

    def write_between(conn, cursor, statement, *_args):
        if attempts or not ("sqlite_master" in statement or "pg_export_snapshot" in statement):
            return
        if sqlite:
            other = sqlite3.connect(engine.url.database, timeout=0.05, isolation_level=None)
            try:
                other.execute("INSERT INTO territory (code, name) VALUES ('MID', 'Mid')")
                attempts.append("committed")
            except sqlite3.OperationalError as exc:
                attempts.append(str(exc))
            finally:
                other.close()
        else:
            with Session(engine) as writer:
                writer.add(Territory(code="MID", name="Mid"))
                writer.commit()
            attempts.append("committed")

    event.listen(engine, "after_cursor_execute", write_between)
    try:
        with snapshot_sessions(engine, 2) as sessions:
            counts = [s.execute(select(func.count()).select_from(Territory)).scalar_one() for s in sessions]
    finally:
        event.remove(engine, "after_cursor_execute", write_between)
    assert attempts == (["database is locked"] if sqlite else ["committed"])
    assert counts == [1, 1]


def test_a_kpi_set_started_before_a_write_does_not_count_it(engine):
    """A lead handed over while the set is computed: every KPI sees the state at its start."""
    build(engine)
    with Session(engine) as s:
        before = all_kpis(ADMIN, F, session=s, workers=1)
    started = threading.Event()
    real = KPIS["leads_created"].compute

    def slow_created(p, *, session):
        started.set()
        time.sleep(0.3)   # the write below lands while this worker's statement is still to run
        return real(p, session=session)

    object.__setattr__(KPIS["leads_created"], "compute", slow_created)   # a frozen record
    try:
        def write():
            started.wait(10)
            with Builder(engine) as b:
                t, c = b.territory(code="DURING"), b.campaign(code="C-DURING")
                b.lead(c, code="L-DURING", territory=t, created_at=utc(2026, 3, 12), assigned_at=utc(2026, 3, 12))
        writer = threading.Thread(target=write)
        writer.start()
        with Session(engine) as s:
            during = all_kpis(ADMIN, F, session=s, workers=2)
        writer.join()
    finally:
        object.__setattr__(KPIS["leads_created"], "compute", real)
    assert during == before
    with Session(engine) as s:
        after = all_kpis(ADMIN, F, session=s, workers=2)
    assert after["leads_created"] == before["leads_created"] + 1
    assert after["leads_assigned"] == before["leads_assigned"] + 1


def test_a_sqlite_writer_holding_its_lock_leaves_the_set_on_one_session(sqlite_url):
    from models.db import get_engine
    engine = get_engine(sqlite_url)
    build(engine)
    with Session(engine) as s:
        want = all_kpis(ADMIN, F, session=s, workers=1)
    holder = sqlite3.connect(engine.url.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")   # an import in progress
    try:
        t0 = time.perf_counter()
        with snapshot_sessions(engine, 2) as sessions:
            assert sessions is None
        assert time.perf_counter() - t0 < 10 * SNAPSHOT_LOCK_WAIT_MS / 1000
        with Session(engine) as s:
            got, connections, _ = _connections_and_threads(engine, lambda: all_kpis(ADMIN, F, session=s, workers=2))
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert got == want and len(connections) == 1


def test_a_session_in_a_transaction_computes_with_its_own_writes(engine):
    base = utc(2026, 3, 10)
    f = KpiFilter(date(2026, 3, 1), date(2026, 3, 31), datetime(2026, 6, 1, tzinfo=SEOUL))
    with Builder(engine) as b:
        t, c = b.territory(), b.campaign()
        b.lead(c, territory=t, created_at=base, assigned_at=base)
    pending = Builder(engine)   # flushed, not committed: only its own session sees the lead
    try:
        pending.lead(c, territory=t, created_at=base, assigned_at=base)
        got, connections, _ = _connections_and_threads(
            engine, lambda: all_kpis(ADMIN, f, session=pending.session, workers=2))
    finally:
        pending.session.rollback()
        pending.session.close()
    assert got["leads_created"] == 2 and len(connections) == 1


def test_an_error_in_a_worker_is_raised_and_stops_the_others(engine):
    build(engine)
    real = KPIS["note_read_rate"].compute
    calls = []

    def broken(p, *, session):
        raise RuntimeError("the note pass failed")

    def counting(key):
        inner = KPIS[key].compute

        def compute(p, *, session):
            calls.append(key)
            return inner(p, session=session)
        return compute

    originals = {key: KPIS[key].compute for key in KPIS}
    for key in KPIS:
        object.__setattr__(KPIS[key], "compute", counting(key))
    object.__setattr__(KPIS["note_read_rate"], "compute", broken)
    try:
        with Session(engine) as s, pytest.raises(RuntimeError, match="the note pass failed"):
            all_kpis(ADMIN, F, session=s, workers=2)
    finally:
        for key, compute in originals.items():
            object.__setattr__(KPIS[key], "compute", compute)
    assert real is originals["note_read_rate"]
    assert len(calls) < len(KPIS) - 1   # the queue was emptied: not every other KPI ran


def test_a_shared_pass_is_computed_once_across_threads(engine):
    with Session(engine) as s:
        p = resolve(ADMIN, F, session=s)
    runs = []

    def compute():
        runs.append(1)
        time.sleep(0.05)
        return 42

    results = []
    threads = [threading.Thread(target=lambda: results.append(p.once("a pass", compute))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 4 and runs == [1]


def test_the_slowest_first_order_names_kpis_that_exist_and_the_lock_wait_is_what_sqlite_is_told():
    import models.db

    assert set(kpis_module.SLOWEST_FIRST) <= set(KPIS)
    assert models.db._SNAPSHOT_WAIT_PRAGMA == f"PRAGMA busy_timeout={SNAPSHOT_LOCK_WAIT_MS}"


def test_postgres_workers_run_without_gather_workers_and_leave_the_pool_as_it_was(pg_template_url):
    """PostgreSQL only: SQLite has neither setting."""
    from sqlalchemy import text

    from models.db import get_engine
    engine = get_engine(pg_template_url)

    def setting(s):
        return s.execute(text("SHOW max_parallel_workers_per_gather")).scalar_one()

    with Session(engine) as s:
        default = setting(s)
    with snapshot_sessions(engine, 2) as sessions:
        inside = [setting(s) for s in sessions]
        levels = [s.execute(text("SHOW transaction_isolation")).scalar_one() for s in sessions]
    with Session(engine) as a, Session(engine) as b:
        after = [setting(a), setting(b), a.execute(text("SHOW transaction_isolation")).scalar_one()]
    assert inside == ["0", "0"] and levels == ["repeatable read"] * 2
    assert after == [default, default, "read committed"] and default != "0"


def test_the_number_of_workers_is_a_setting(engine, monkeypatch):
    from models.config import reload_config

    build(engine)
    monkeypatch.setenv("ONEVOICE_KPI_WORKERS", "1")
    reload_config()
    try:
        with Session(engine) as s:
            one, connections, _ = _connections_and_threads(engine, lambda: all_kpis(ADMIN, F, session=s))
        assert len(connections) == 1 and kpis_module.default_workers() == 1
        monkeypatch.setenv("ONEVOICE_KPI_WORKERS", "2")
        reload_config()
        with Session(engine) as s:
            two, connections, _ = _connections_and_threads(engine, lambda: all_kpis(ADMIN, F, session=s))
        assert len(connections) == 2 and two == one
    finally:
        monkeypatch.delenv("ONEVOICE_KPI_WORKERS")
        reload_config()
