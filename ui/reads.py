"""How a page reads data: the one way, in two kinds.

- ``cached_read(query, viewer, **filters)`` — lists, counts and charts: through the cache below.
- ``shared_read(query, *args)`` — the same cache for reads that do not depend on who asks (the
  company's settings).
- ``fresh_read(query, viewer, *args, **kwargs)`` — what must be current at this moment: a record
  opened for editing (its version), the check-in list at the door, a routing rule being changed.
  One short read session around one query.
- ``built_read(build, query, viewer, **filters)`` — what a page makes of a large cached read (a
  table as shown, a list of choices), kept as built instead of unpickled and rebuilt every rerun.
- ``@kept()`` — values computed from reads (figures, the dashboard's tiles), the object itself per
  the function's arguments.

Either way a page holds no database session while it draws widgets: it reads, then draws.

``prefetch(viewer, reads)`` starts cached reads a page will make further down on two worker
threads, so independent reads run while the page computes and draws what comes first (the
dashboard's tiles while its charts' data is read). The page still calls ``cached_read`` for each:
it gets the value, or waits for the computation in progress (``ReadCache`` holds one lock per
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
import functools
import inspect
import logging
import pickle
import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager

import streamlit as st

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


class ReadCache:
    """Results by key, for ``ttl`` seconds, the ``max_entries`` most recently used; each stored
    pickled and unpickled for every reader, so no reader can change what another gets (as
    ``st.cache_data``, which this replaces: its hit cost 180-300 µs of hashing the arguments and
    inspecting the function's signature, on every read of every rerun, against ~2 µs for a key
    lookup and the unpickling; bench/README.md, eleventh session). One computation per key at a
    time: a reader arriving while a key is being computed waits for it (the prefetch relies on this).
    A failed computation is not kept."""

    def __init__(self, max_entries: int, clock: Callable[[], float] = time.monotonic, *, copies: bool = True):
        self.max_entries = max_entries
        self._clock = clock
        # copies=False (``kept``): the object itself is kept and handed to every reader, for values
        # nobody changes after they are built (figures, Arrow tables).
        self._dumps = (lambda value: pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)) if copies else (lambda v: v)
        self._loads = pickle.loads if copies else (lambda v: v)
        self._entries: OrderedDict[tuple, tuple[float, bytes]] = OrderedDict()
        self._computing: dict[tuple, threading.Lock] = {}
        self._lock = threading.Lock()

    def _fresh(self, key: tuple, ttl: float) -> tuple | None:
        """``(stored,)`` if a value younger than ``ttl`` is kept, else None (the caller holds ``_lock``)."""
        entry = self._entries.get(key)
        if entry is None or self._clock() - entry[0] >= ttl:
            return None
        self._entries.move_to_end(key)
        return (entry[1],)

    def get(self, key: tuple, compute: Callable[[], object], ttl: float):
        with self._lock:
            hit = self._fresh(key, ttl)
            if hit is None:
                key_lock = self._computing.setdefault(key, threading.Lock())
        if hit is not None:
            return self._loads(hit[0])
        with key_lock:
            with self._lock:   # computed while this reader waited for the key?
                hit = self._fresh(key, ttl)
            if hit is not None:
                return self._loads(hit[0])
            try:
                value = compute()
                stored = self._dumps(value)
                with self._lock:
                    self._entries[key] = (self._clock(), stored)
                    self._entries.move_to_end(key)
                    while len(self._entries) > self.max_entries:
                        self._entries.popitem(last=False)
            finally:
                with self._lock:
                    if self._computing.get(key) is key_lock:
                        del self._computing[key]
        return value

    def holds(self, key: tuple, ttl: float) -> bool:
        """A value younger than ``ttl`` is kept for ``key`` (a read of it will not compute)."""
        with self._lock:
            entry = self._entries.get(key)
        return entry is not None and self._clock() - entry[0] < ttl

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        return len(self._entries)


_READS = ReadCache(max_entries=5000)
_SHARED_READS = ReadCache(max_entries=256)
_KEPT: dict[str, ReadCache] = {}


def _function_id(fn) -> str:
    """A function as the caches key it: its file and qualified name. Not ``__module__``: a page file
    runs as ``__main__`` on every rerun, so two pages' functions of one name would share it, and the
    page's functions are new objects on every rerun."""
    code = getattr(fn, "__code__", None)
    return f"{code.co_filename if code else fn.__module__}:{fn.__qualname__}"


def clear_caches() -> None:
    """Forget every cached read and kept object, and which databases this process prepared (tests
    and benchmarks that want a first visit)."""
    from ui.engine import forget_prepared

    _READS.clear()
    _SHARED_READS.clear()
    _BUILT_READS.clear()
    for cache in _KEPT.values():
        cache.clear()
    forget_prepared()


def kept(max_entries: int = 500):
    """Keep what the decorated function returns, the object itself, per its arguments (those whose
    name starts with ``_`` are not part of the key, as with ``st.cache_resource``, which this
    replaces: its hit hashed every argument and inspected the signature, 0.2-0.4 ms a call, where
    this is a key lookup: bench/README.md, thirteenth session). For values never changed after they
    are built (figures, Arrow tables); they live ``cache_ttl_seconds``, one computation per key at a
    time, a failure not kept. Positional arguments only. ``fn.clear()`` forgets them.

    In a page file, which runs again on every rerun, each run decorates a new function object: they
    share one store by the function's file and name (``_function_id``), as st.cache_resource did."""
    def wrap(fn):
        name = _function_id(fn)
        cache = _KEPT.get(name) or _KEPT.setdefault(name, ReadCache(max_entries, copies=False))
        keyed = tuple(not arg.startswith("_") for arg in inspect.signature(fn).parameters)

        @functools.wraps(fn)
        def kept_fn(*args):
            key = (name, _hashable(tuple(a for a, k in zip(args, keyed) if k)))
            return cache.get(key, lambda: fn(*args), load_config().cache_ttl_seconds)
        kept_fn.clear = cache.clear
        return kept_fn
    return wrap


def _hashable(items: tuple) -> tuple | bytes:
    """The filters as a key: themselves, or (a list or dict among them) their pickled form."""
    try:
        hash(items)
    except TypeError:
        return pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL)
    return items


def shared_read(query, *args):
    """``query(*args, session=…)`` through the cache, for reads that do not depend on who asks
    (the company's settings, which every page's rerun shows): keyed on the arguments, the
    database and the write generation, like ``cached_read``."""
    config = load_config()
    name = _query_name(query)

    def compute():
        with read_session(app_engine()) as session:
            return query(*args, session=session)
    return _SHARED_READS.get((name, _hashable(args), write_generation(), config.database_url), compute,
                             config.cache_ttl_seconds)


def fresh_read(query, viewer: Viewer | None, *args, **kwargs):
    """``query(viewer, *args, session=…, **kwargs)`` in its own short read session (``viewer``
    None: ``query(*args, session=…)``, for reads that do not depend on who asks, e.g. settings)."""
    with read_session(app_engine()) as session:
        if viewer is None:
            return query(*args, session=session, **kwargs)
        return query(viewer, *args, session=session, **kwargs)


def _cache_key(query, viewer: Viewer, filters: dict, database_url: str) -> tuple:
    # Keyed on the language too: some results carry words ("company-wide") in the reader's language.
    return (_query_name(query), scope_key(viewer, scope_only=getattr(query, "scope_only", False)),
            _hashable(tuple(sorted(filters.items()))), write_generation(), database_url, current_language())


def cached_read(query, viewer: Viewer, **filters):
    """``query(viewer, session=…, **filters)`` through the cache. ``query`` is a function of
    ``queries/``; filters should be hashable values (tuples, not lists)."""
    return _read_through(_READS, (), query, viewer, filters)


def _read_through(store: ReadCache, prefix: tuple, query, viewer: Viewer, filters: dict, build=None):
    """``query(viewer, session=…, **filters)`` (then ``build`` of it) through ``store``, keyed as a
    cached read, after ``prefix``; computed in the reader's language."""
    config = load_config()
    key = (*prefix, *_cache_key(query, viewer, filters, config.database_url))
    language = key[-1]

    def compute():
        with use_language(language):   # the build too: it writes headers and labels
            with read_session(app_engine()) as session:
                result = query(viewer, session=session, **filters)
            return result if build is None else build(result)
    return store.get(key, compute, config.cache_ttl_seconds)


_BUILT_READS = ReadCache(max_entries=2000, copies=False)


def built_read(build: Callable, query, viewer: Viewer, **filters):
    """``build(query(viewer, session=…, **filters))``, kept as the built object itself, keyed as
    ``cached_read`` keys the read (who asks, every filter, the database, the write generation, the
    language) plus ``build``; it lives ``cache_ttl_seconds`` from the read, as a cached read does.

    For what a page makes of a large read on every rerun: the Team page's 719-row table and the
    manager's 700-rep choices were unpickled (1.1 and 0.4 ms) and rebuilt row by row, their words
    translated per row, on every rerun (bench/README.md, thirteenth session). ``build`` is a named
    function of the page (its file and name are part of the key) and returns something nobody changes: an
    Arrow table, a tuple, a ``MappingProxyType``."""
    if build.__name__ == "<lambda>":
        raise TypeError("built_read needs a named build function: its name is part of the key")
    return _read_through(_BUILT_READS, (_function_id(build),), query, viewer, filters, build)


def is_warm(query, viewer: Viewer, **filters) -> bool:
    """``cached_read(query, viewer, **filters)`` will be answered from the cache, not computed: a
    page shows a spinner only for reads that are not (Streamlit's spinner starts a timer thread on
    every use, whose start waits for the GIL: 11% of a warm dashboard rerun, bench/README.md,
    eleventh session)."""
    config = load_config()
    return _READS.holds(_cache_key(query, viewer, filters, config.database_url), config.cache_ttl_seconds)


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
    for query, filters in reads:
        # Only what is not in the cache: a warm read started on a worker was unpickled there for
        # nobody, beside the page's own read of it (23% of a warm dashboard rerun's samples were the
        # two workers': bench/README.md, thirteenth session).
        if not is_warm(query, viewer, **filters):
            _RECENT.append(_PREFETCH.submit(contextvars.copy_context().run, _prefetch_one, query, viewer, filters))


def _prefetch_one(query, viewer: Viewer, filters: dict) -> None:
    try:
        cached_read(query, viewer, **filters)
    except Exception:  # noqa: BLE001 - the page's own cached_read raises it where it is shown
        log.debug("prefetch of %s failed", getattr(query, "__name__", query), exc_info=True)
