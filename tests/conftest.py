"""Shared fixtures: a clean, migrated database per test, on SQLite and on PostgreSQL.

PostgreSQL comes from ``TEST_DATABASE_URL`` (a server URL; this run creates and drops its own
database there) or the local server on 127.0.0.1:5432. Outside CI a missing server skips the
PostgreSQL half with a reason; in CI (``CI=true``) it is an error, so nothing is skipped there.
"""
from __future__ import annotations

import os
import shutil
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from models.db import dispose_engines, get_engine, normalise_url
from models.migrate import upgrade_to_head

IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
PG_SERVER_URL = os.environ.get("TEST_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
ARTIFACTS = Path(__file__).parent / "artifacts"


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: real Chromium through Playwright")
    config.addinivalue_line("markers", "slow: takes more than a few seconds")


def _pg_admin_engine():
    url = sa.engine.make_url(normalise_url(PG_SERVER_URL)).set(database="postgres")
    return sa.create_engine(url, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def pg_template_url():
    """A fresh PostgreSQL database for this test process, migrated once, dropped at the end."""
    admin = _pg_admin_engine()
    try:
        with admin.connect() as conn:
            conn.exec_driver_sql("SELECT 1")
    except sa.exc.OperationalError as exc:
        if IN_CI:
            raise RuntimeError(f"PostgreSQL is required in CI and cannot be reached: {exc.orig}") from exc
        pytest.skip(f"PostgreSQL not reachable at {PG_SERVER_URL} (set TEST_DATABASE_URL)")
    name = f"ov_test_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = sa.engine.make_url(normalise_url(PG_SERVER_URL)).set(database=name).render_as_string(hide_password=False)
    upgrade_to_head(get_engine(url))
    yield url
    dispose_engines()
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory):
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    engine = sa.create_engine(f"sqlite:///{path}")
    upgrade_to_head(get_engine(f"sqlite:///{path}"))
    dispose_engines()
    engine.dispose()
    return path


def _truncate_all(engine) -> None:
    from sqlmodel import SQLModel

    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """The URL of an empty, migrated database; the test runs once per database."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        path = tmp_path / "onevoice.db"
        shutil.copyfile(template, path)
        yield f"sqlite:///{path}"
    else:
        url = request.getfixturevalue("pg_template_url")
        _truncate_all(get_engine(url))
        yield url


@pytest.fixture
def engine(db_url):
    return get_engine(db_url)


@pytest.fixture
def sqlite_url(sqlite_template, tmp_path):
    """SQLite only, for tests of SQLite-specific behaviour or of the UI (AppTest)."""
    path = tmp_path / "onevoice.db"
    shutil.copyfile(sqlite_template, path)
    return f"sqlite:///{path}"


@pytest.fixture(autouse=True)
def _clear_streamlit_caches():
    """AppTest keeps st.cache_* between instances in one process."""
    yield
    try:
        import streamlit as st
        from ui.reads import clear_caches as clear_read_caches

        clear_read_caches()
        st.cache_resource.clear()
    except Exception:  # noqa: BLE001 - streamlit not importable: nothing to clear
        pass


@pytest.fixture
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, sqlite_template):
    """A SQLite copy of the migrated schema filled with the demo, shared by one test module (page tests and
    the services tests that check what the demo holds)."""
    from services.demo_seed import seed_demo

    path = tmp_path_factory.mktemp("demo") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    seed_demo(engine=get_engine(url), seed=1)
    return url
