"""Fixtures of the page tests (AppTest on the real app.py over the seeded demo).

``app`` (on the root conftest's ``demo_db``): one seeded demo per module, shared by its tests (for tests that only read,
or whose writes do not meet); ``app_engine`` is the engine on it. ``demo_template``/``demo_copy``:
one seeded demo file per module and a fresh copy of it per test, for tests that write.
"""
from __future__ import annotations

import shutil

import pytest

from models.db import get_engine
from tests.apptest_support import app_env


@pytest.fixture
def app(monkeypatch, tmp_path, demo_db):
    """The environment of the real app.py (AppTest) pointed at the module's demo database."""
    app_env(monkeypatch, demo_db, tmp_path)
    return demo_db


@pytest.fixture
def app_engine(app):
    """The engine on the module's demo database, with the app's environment pointed at it."""
    return get_engine(app)


@pytest.fixture(scope="module")
def demo_template(tmp_path_factory, sqlite_template):
    """A seeded demo file for the module, its WAL folded back in so that copies hold everything."""
    from services.demo_seed import seed_demo

    path = tmp_path_factory.mktemp("demo-template") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    engine = get_engine(f"sqlite:///{path}")
    seed_demo(engine=engine, seed=1)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return path


@pytest.fixture
def demo_copy(monkeypatch, tmp_path, demo_template):
    """A fresh copy of the seeded demo per test, so tests that write do not meet each other; the
    app's environment points at it. Returns its engine."""
    path = tmp_path / "demo.db"
    shutil.copyfile(demo_template, path)
    url = f"sqlite:///{path}"
    app_env(monkeypatch, url, tmp_path)
    return get_engine(url)
