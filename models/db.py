"""The engine and session factory: one engine per database URL per process.

SQLite gets WAL, foreign keys and a busy timeout on every connection; its write transactions
begin IMMEDIATE so two writers queue on the lock instead of failing half-way with
"database is locked" at the first write.
"""
from __future__ import annotations

import os
import re
import sqlite3
import threading
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from sqlalchemy import event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import DisconnectionError, OperationalError
from sqlalchemy.pool import StaticPool
from sqlmodel import Session, create_engine

from .config import load_config
from .user_rows import CHANGED_USERS_KEY, collect_user_changes, forget_users, stop_user_rows

_engines: dict[str, Engine] = {}
# How long a SQLite statement waits for another connection's lock (PRAGMA busy_timeout, ms).
BUSY_TIMEOUT_PRAGMA = "PRAGMA busy_timeout=30000"
_lock = threading.Lock()
_write_generation = 0


def write_generation() -> int:
    """Bumped after every committed write_session in this process; caches put it in their key so
    this process never serves a result older than its own last write (other processes: cache TTL)."""
    return _write_generation


def bump_write_generation() -> None:
    global _write_generation
    with _lock:
        _write_generation += 1


class DatabaseUnavailable(RuntimeError):
    """The configured database cannot be reached; the message says which and why."""


def normalise_url(url: str) -> str:
    """``postgresql://`` means psycopg 3 here (SQLAlchemy would otherwise pick psycopg2)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    return make_url(normalise_url(url)).render_as_string(hide_password=True)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):  # pragma: no cover - exercised by every SQLite test
        # Let SQLAlchemy, not the driver, issue BEGIN (see "begin" below).
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute(BUSY_TIMEOUT_PRAGMA)
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):  # pragma: no cover
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")


def _create_private_file(path: Path) -> None:
    """A new SQLite file is created readable and writable by its owner only (0600): it holds
    password hashes. SQLite gives its -wal and -shm files the same mode."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            _create_private_file(Path(database))
            # Every Streamlit script thread may hold a connection while it waits for the CPU;
            # SQLite connections are cheap, so the pool is sized for a busy server (bench/README.md).
            engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30},
                                   pool_size=20, max_overflow=40)
        else:
            engine = create_engine(url, connect_args={"check_same_thread": False}, poolclass=StaticPool)
        _configure_sqlite(engine)
        return engine
    # JIT compilation costs ~0.1 s per large aggregate and gains nothing at this data size (bench/).
    engine = create_engine(url, pool_size=10, max_overflow=20, pool_recycle=1800,
                           connect_args={"options": "-c jit=off"})
    ping_when_idle(engine)
    return engine


# A pooled PostgreSQL connection is pinged before use only when it has been idle this long.
# SQLAlchemy's pool_pre_ping pings on every checkout: a round trip before every read session, two
# or three per page rerun (13% of a served lead queue rerun on PostgreSQL: bench/README.md, eleventh
# session). A connection returned to the pool seconds ago is alive unless the server went away in
# those seconds; then the statement fails once, SQLAlchemy sees the disconnect and drops the pool.
PING_AFTER_IDLE_SECONDS = 5.0
_monotonic = time.monotonic   # tests move it


def ping_when_idle(engine: Engine, idle_seconds: float = PING_AFTER_IDLE_SECONDS) -> None:
    """Before a pooled connection idle for ``idle_seconds`` or more is handed out, ping it; a dead
    one is discarded and the pool connects afresh (``DisconnectionError`` makes the pool retry)."""
    @event.listens_for(engine, "checkin")
    def _returned(dbapi_connection, record) -> None:
        record.info["returned_at"] = _monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_connection, record, proxy) -> None:
        returned = record.info.get("returned_at")
        if returned is None or _monotonic() - returned < idle_seconds:
            return
        try:
            alive = engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:   # noqa: BLE001 - any failure of the ping means: not this connection
            raise DisconnectionError(f"pooled connection idle {_monotonic() - returned:.0f} s is gone: {exc}") from exc
        if alive is False:
            raise DisconnectionError("pooled connection failed its ping")


def get_engine(url: str | None = None) -> Engine:
    url = url or load_config().database_url
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = _engines[url] = make_engine(url)
        return engine


def dispose_engines() -> None:
    with _lock:
        for engine in _engines.values():
            stop_user_rows(engine)
            engine.dispose()
        _engines.clear()


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except OperationalError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise DatabaseUnavailable(f"cannot reach database {describe_url(str(engine.url))}: {reason}") from None


def is_sqlite(engine_or_session) -> bool:
    bind = engine_or_session.get_bind() if isinstance(engine_or_session, Session) else engine_or_session
    return bind.dialect.name == "sqlite"


# PostgreSQL read sessions run in autocommit: each SELECT is its own statement, without the BEGIN
# and ROLLBACK round trips around it (two of a read session's three; the sign-in gate's read is on
# every rerun of every page: bench/README.md, eleventh session). What a read sees is unchanged: at
# READ COMMITTED, the isolation these sessions had, every statement of a transaction took its own
# snapshot anyway. (SQLite's read sessions stay one deferred transaction, see _configure_sqlite.)
# Reads that must share one snapshot ask for it (``snapshot_sessions``, whose REPEATABLE READ
# overrides this per connection).
def _read_bind(engine: Engine) -> Engine:
    """The engine with autocommit on PostgreSQL (made once per engine, kept on it: same pool)."""
    if engine.dialect.name != "postgresql":
        return engine
    bind = getattr(engine, "_onevoice_read_bind", None)
    if bind is None:
        bind = engine.execution_options(isolation_level="AUTOCOMMIT")
        engine._onevoice_read_bind = bind
    return bind


@contextmanager
def read_session(engine: Engine | None = None) -> Iterator[Session]:
    """A session for reads; objects stay usable after it closes. Not for writes (write_session):
    on PostgreSQL every statement commits on its own."""
    with Session(_read_bind(engine or get_engine()), expire_on_commit=False) as session:
        yield session


@contextmanager
def read_connection(engine: Engine | None = None) -> Iterator[Connection]:
    """A connection for one Core read, without an ORM session around it: the sign-in gate's read
    on every rerun (0.18 against 0.33 ms for the same statement in a session on PostgreSQL here,
    0.06 against 0.17 ms on SQLite: bench/README.md, eleventh session). Autocommit on PostgreSQL,
    as ``read_session``."""
    with _read_bind(engine or get_engine()).connect() as connection:
        yield connection


@contextmanager
def write_session(engine: Engine | None = None) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error. SQLite: BEGIN IMMEDIATE."""
    engine = engine or get_engine()
    with engine.connect() as conn:
        conn.info["write"] = True
        try:
            with Session(bind=conn, expire_on_commit=False) as session:
                event.listen(session, "before_flush", collect_user_changes)
                with session.begin():
                    yield session
                changed = session.info.pop(CHANGED_USERS_KEY, None)
            bump_write_generation()
            if changed:
                # The gate of this process sees its own change of a user on the next rerun,
                # without waiting for the database's notification (models.user_rows).
                forget_users(engine, changed)
        finally:
            conn.info.pop("write", None)


# How long a snapshot waits for SQLite's write lock before its reads fall back to one session:
# the portal's own writes hold it for milliseconds; an import holds it for seconds.
_SNAPSHOT_WAIT_PRAGMA = "PRAGMA busy_timeout=100"
SNAPSHOT_LOCK_WAIT_MS = int(_SNAPSHOT_WAIT_PRAGMA.rsplit("=", 1)[1])
_SNAPSHOT_ID = re.compile(r"[0-9A-Fa-f]+(-[0-9A-Fa-f]+)+")


@contextmanager
def snapshot_sessions(engine: Engine, n: int) -> Iterator[list[Session] | None]:
    """``n`` read sessions on ``n`` connections that all see one and the same committed state,
    for reads spread over threads (one session per thread); None where that cannot be had (an
    in-memory SQLite database has one connection; a SQLite writer held its lock longer than
    ``SNAPSHOT_LOCK_WAIT_MS``): the caller then reads on one session.

    PostgreSQL: the first session's REPEATABLE READ snapshot is exported and the others import it
    (``SET TRANSACTION SNAPSHOT``, as pg_dump's parallel workers do); the sessions' statements run
    without parallel workers of their own, as the sessions already share the cores (the KPI set
    on two sessions was 14% faster so, bench/README.md). SQLite (WAL): the write lock is held
    while the n read transactions begin, so no commit can land between their snapshots, and
    released at once; readers never wait for it and writers wait for microseconds.
    """
    sqlite = engine.dialect.name == "sqlite"
    if sqlite and isinstance(engine.pool, StaticPool):
        yield None
        return
    sessions = [Session(engine, expire_on_commit=False) for _ in range(n)]
    try:
        if sqlite:
            begun = _begin_sqlite_snapshot(engine, sessions)
        else:
            _begin_postgres_snapshot(sessions)
            begun = True
        yield sessions if begun else None
    finally:
        for session in sessions:
            session.close()


def _begin_sqlite_snapshot(engine: Engine, sessions: list[Session]) -> bool:
    raw = engine.raw_connection()
    try:
        lock = raw.driver_connection
        lock.execute(_SNAPSHOT_WAIT_PRAGMA)
        try:
            try:
                lock.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError:   # a writer holds the lock (database is locked)
                return False
            try:
                for session in sessions:   # the first read of a transaction fixes its snapshot
                    session.execute(text("SELECT count(*) FROM sqlite_master"))
            finally:
                lock.execute("ROLLBACK")
        finally:
            lock.execute(BUSY_TIMEOUT_PRAGMA)
    finally:
        raw.close()
    return True


def _begin_postgres_snapshot(sessions: list[Session]) -> None:
    from psycopg import sql as pg_sql

    for session in sessions:
        session.connection(execution_options={"isolation_level": "REPEATABLE READ"})
    snapshot = sessions[0].execute(text("SELECT pg_export_snapshot()")).scalar_one()
    if not _SNAPSHOT_ID.fullmatch(snapshot):
        raise RuntimeError(f"unexpected snapshot id from the server: {snapshot!r}")
    for session in sessions[1:]:
        # SET takes no bind parameters: the id goes in as a literal quoted by the driver.
        conn = session.connection()
        conn.exec_driver_sql(pg_sql.SQL("SET TRANSACTION SNAPSHOT {}").format(pg_sql.Literal(snapshot))
                             .as_string(conn.connection.dbapi_connection))
    for session in sessions:   # the sessions are the parallelism: no workers of their own (bench/README.md)
        session.execute(text("SET LOCAL max_parallel_workers_per_gather = 0"))
