"""How a page reads data: the one way, in two kinds.

- ``cached_read(query, viewer, **filters)`` — lists, counts and charts: through the cache below.
- ``shared_read(query, *args)`` — the same cache for reads that do not depend on who asks (the
  company's settings).
- ``fresh_read(query, viewer, *args, **kwargs)`` — what must be current at this moment: a record
  opened for editing (its version), the check-in list at the door, a routing rule being changed.
  One short read session around one query.

Either way a page holds no database session while it draws widgets: it reads, then draws.

``prefetch(viewer, reads)`` starts cached reads a page will make further down on two worker
threads, so independent reads run while the page computes and draws what comes first (the
dashboard's tiles while its charts' data is read). The page still calls ``cached_read`` for each:
it gets the value, or waits for the computation in progress (``st.cache_data`` holds one lock per
key), so nothing is computed twice and what the page shows is exactly what it would read itself.

A cached result is keyed on who is asking (id, role, territory), every filter, the database, and
this process's write generation (so a page never shows data older than its own last write);
other processes' writes show within ``cache_ttl_seconds``. Two viewers of different scopes can
therefore never be served each other's rows. A query marked ``queries.scope.scope_only`` (the KPIs,
the dashboard's series and drill-downs, the scorecard: results that depend on the viewer only
through role and territory) is keyed on role and territory alone, so the company's executives
share one computation of the same dashboard instead of one each.
"""
from __future__ import annotations

import contextvars
import importlib
import logging
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import streamlit as st
from streamlit.runtime.scriptrunner import add_script_run_ctx, get_script_run_ctx

from i18n import current_language, use_language
from models.config import load_config
from models.db import read_session, write_generation
from queries.scope import Viewer
from ui.session import app_engine


def scope_key(viewer: Viewer, *, scope_only: bool = False) -> tuple:
    """Who the cached result is for: the person, or (``scope_only``) anyone of the same role and
    territory, for queries marked ``queries.scope.scope_only``."""
    return (None if scope_only else viewer.id, viewer.role.value, viewer.territory_id)


def _query_name(query) -> str:
    """A query function as the caches key it (and find it again): ``module:function``."""
    return f"{query.__module__}:{query.__name__}"


def _query_function(name: str):
    module_name, function_name = name.split(":")
    return getattr(importlib.import_module(module_name), function_name)


@st.cache_data(ttl=load_config().cache_ttl_seconds, show_spinner=False, max_entries=5000)
def _cached(query: str, scope: tuple, _viewer: Viewer, filters: tuple, generation: int, database_url: str,
            language: str):
    with use_language(language), read_session(app_engine()) as session:
        return _query_function(query)(_viewer, session=session, **dict(filters))


@st.cache_data(ttl=load_config().cache_ttl_seconds, show_spinner=False, max_entries=256)
def _cached_shared(query: str, args: tuple, generation: int, database_url: str):
    with read_session(app_engine()) as session:
        return _query_function(query)(*args, session=session)


def shared_read(query, *args):
    """``query(*args, session=…)`` through the cache, for reads that do not depend on who asks
    (the company's settings, which every page's rerun shows): keyed on the arguments, the
    database and the write generation, like ``cached_read``."""
    return _cached_shared(_query_name(query), args, write_generation(), load_config().database_url)


def fresh_read(query, viewer: Viewer | None, *args, **kwargs):
    """``query(viewer, *args, session=…, **kwargs)`` in its own short read session (``viewer``
    None: ``query(*args, session=…)``, for reads that do not depend on who asks, e.g. settings)."""
    with read_session(app_engine()) as session:
        if viewer is None:
            return query(*args, session=session, **kwargs)
        return query(viewer, *args, session=session, **kwargs)


def _cache_key(query, viewer: Viewer, filters: dict) -> tuple:
    # Keyed on the language too: some results carry words ("company-wide") in the reader's language.
    return (_query_name(query), scope_key(viewer, scope_only=getattr(query, "scope_only", False)),
            tuple(sorted(filters.items())), write_generation(), load_config().database_url, current_language())


def cached_read(query, viewer: Viewer, **filters):
    """``query(viewer, session=…, **filters)`` through the cache. ``query`` is a function of
    ``queries/``; filters must be hashable values (tuples, not lists)."""
    name, scope, items, generation, url, language = key = _cache_key(query, viewer, filters)
    value = _cached(name, scope, viewer, items, generation, url, language)
    with _WARM_LOCK:
        _WARM[key] = time.monotonic()
        _WARM.move_to_end(key)
        while len(_WARM) > _WARM_ENTRIES:
            _WARM.popitem(last=False)
    return value


# The keys this process has read through the cache lately, and when: so a page can tell a read that
# will be served from the cache (a rerun) from one that will be computed (a first visit, a new
# filter), and show a spinner only for the latter. Streamlit's spinner starts a timer thread on
# every use, whose start waits for the GIL: 11% of a warm dashboard rerun (bench/README.md,
# eleventh session). A key read longer ago than the cache's lifetime counts as cold.
_WARM: OrderedDict = OrderedDict()
_WARM_LOCK = threading.Lock()
_WARM_ENTRIES = 5000


def is_warm(query, viewer: Viewer, **filters) -> bool:
    """``cached_read(query, viewer, **filters)`` was read in this process within the cache's
    lifetime, so it is (most likely) answered from the cache: no spinner is needed for it."""
    with _WARM_LOCK:
        read_at = _WARM.get(_cache_key(query, viewer, filters))
    return read_at is not None and time.monotonic() - read_at < load_config().cache_ttl_seconds


@contextmanager
def spinner_unless_warm(text: str, reads: Iterable[tuple[Callable, dict]], viewer: Viewer):
    """``st.spinner(text)`` around reads some of which may be computed; nothing when every one of
    ``reads`` (query, filters) is warm."""
    if all(is_warm(query, viewer, **filters) for query, filters in reads):
        yield
        return
    with st.spinner(text):
        yield


log = logging.getLogger(__name__)
# Two threads per process: on this product's machines (2 cores) more would only queue on the CPU,
# and each holds at most one read connection beside the script threads' own.
_PREFETCH = ThreadPoolExecutor(max_workers=2, thread_name_prefix="onevoice-prefetch")
_RECENT: deque = deque(maxlen=64)   # the last prefetches' futures: tests wait for them to finish


def prefetch(viewer: Viewer, reads: Iterable[tuple[Callable, dict]]) -> None:
    """Start ``cached_read(query, viewer, **filters)`` for each (query, filters) in the background,
    in the reader's language. A read that fails here is left to the page's own call to raise."""
    script_ctx = get_script_run_ctx()
    for query, filters in reads:
        _RECENT.append(_PREFETCH.submit(contextvars.copy_context().run, _prefetch_one, script_ctx, query, viewer,
                                        filters))


def _prefetch_one(script_ctx, query, viewer: Viewer, filters: dict) -> None:
    if script_ctx is not None:   # st.cache_data reads the script's context for its messages
        add_script_run_ctx(threading.current_thread(), script_ctx)
    try:
        cached_read(query, viewer, **filters)
    except Exception:  # noqa: BLE001 - the page's own cached_read raises it where it is shown
        log.debug("prefetch of %s failed", getattr(query, "__name__", query), exc_info=True)
