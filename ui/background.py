"""The escalation sweep runs by itself in every portal process: one daemon thread per process,
started once per database when app.py first runs (then a dictionary lookup on every rerun). The sweep is idempotent across
processes, so several portal processes sweeping the same database never notify twice.
``ONEVOICE_SWEEP_SECONDS`` sets the interval (default 60; 0 = off, e.g. for tests)."""
from __future__ import annotations

import logging
import threading

from models.config import load_config

log = logging.getLogger(__name__)


def _loop(engine, interval: float, stop: threading.Event) -> None:
    from i18n import use_language
    from services.escalation import sweep

    while not stop.wait(interval):
        try:
            with use_language(None):
                report = sweep(engine=engine)
            if report.failed:
                log.warning("sweep: %s", "; ".join(report.failed)[:1000])
        except Exception:  # noqa: BLE001 - a bad pass must not end the thread
            log.exception("escalation sweep failed")


_started: dict[str, threading.Event | None] = {}
_lock = threading.Lock()


def start_background_sweep(database_url: str) -> threading.Event | None:
    """Start this process's sweep of ``database_url`` unless it runs (its stop event; None: off)."""
    with _lock:
        if database_url in _started:
            return _started[database_url]
        interval = load_config().sweep_seconds
        stop = None
        if interval > 0:
            from ui.session import app_engine

            stop = threading.Event()
            threading.Thread(target=_loop, args=(app_engine(), interval, stop), name="onevoice-sweep",
                             daemon=True).start()
        _started[database_url] = stop
        return stop
