"""The portal's database engine: DATABASE_URL, prepared (migrated, seeded on first start) once per
server process and shared by every session.

A dictionary lookup, not ``st.cache_resource``: every read of every rerun asks for the engine, and
a cache_resource hit hashes its argument and inspects the function each time (~0.1 ms a call,
several calls a rerun: bench/README.md, thirteenth session)."""
from __future__ import annotations

import threading

from models.config import load_config

_prepared: dict = {}
_lock = threading.Lock()


def app_engine():
    """The engine of DATABASE_URL, prepared once per process (see services.bootstrap)."""
    url = load_config().database_url
    with _lock:   # one preparation per database, however many sessions start at once
        engine = _prepared.get(url)
        if engine is None:
            from services.bootstrap import prepare_database

            engine = _prepared[url] = prepare_database(url)
        return engine


def forget_prepared() -> None:
    """Prepare the databases again on next use (tests that start over; ``ui.reads.clear_caches``)."""
    with _lock:
        _prepared.clear()
