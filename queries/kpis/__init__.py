"""Every KPI of docs/KPIS.md: one record per key in ``registry.KPIS``, computed in SQL, fed by one filter.

``all_kpis(viewer, f, *, session)`` returns exactly the KPIS.md keys, in its order; the dashboard,
the ``kpis`` command, the drill-downs and the tests all go through the registry's functions.
KPIs made of the same rows share one pass over them, computed once per ``ResolvedFilter``
(``ResolvedFilter.once``): the deals closed in the period, the open deals, the monthly targets,
the period's hand-overs, the leads created; the median first touch reads the stored
``lead.touch_delay_us`` (migration 0009): on SQLite through a bracket drawn from a sample the
assigned pass collects, on PostgreSQL by sorting (``handoff``). The note read rate's receipts
are counted in parts over the period's notes, materialised once (``handoff._targeted_receipts``).
The KPIs are spread over two connections that read one snapshot (``all_kpis``).
"""
from __future__ import annotations

import contextvars
import os
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, time, timezone

from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.config import load_config
from models.db import snapshot_sessions
from models.enums import Segment

from queries.scope import Viewer, scope_only

from . import customers, handoff, marketing, sales  # noqa: F401  (the KPI functions, by topic)
from .filters import KpiFilter, ResolvedFilter, resolve
from .registry import (CUSTOMERS, HANDOFF, KPI_KEYS, KPIS, LIFETIME_KEYS, MARKETING, PERIOD_KEYS, SALES, SECTIONS,
                       Kpi)


@scope_only
def all_kpis(viewer: Viewer, f: KpiFilter, *, session: Session, keys: tuple[str, ...] | None = None,
             workers: int | None = None) -> dict:
    """Every KPI for this filter, keys exactly as in KPIS.md and in its order (``keys``: only those,
    in KPIS.md's order).

    The passes run on ``workers`` connections at once (default ``default_workers()``), one thread
    each, all reading one snapshot (``models.db.snapshot_sessions``), as DuckDB's baseline uses
    the cores.
    A session already in a transaction may hold writes the others cannot see, so its KPIs are
    computed on it alone, as they are where no shared snapshot can be had.
    """
    wanted = [key for key in KPIS if keys is None or key in keys]
    n = min(default_workers() if workers is None else workers, len(wanted))
    bind = session.get_bind()
    if n > 1 and isinstance(bind, Engine) and not session.in_transaction():
        with snapshot_sessions(bind, n) as sessions:
            if sessions:
                p = resolve(viewer, f, session=sessions[0])
                values = _compute_spread(p, wanted, sessions)
                return {key: values[key] for key in wanted}
    p = resolve(viewer, f, session=session)
    return {key: KPIS[key].compute(p, session=session) for key in wanted}


def default_workers() -> int:
    """``ONEVOICE_KPI_WORKERS``, else two where there are two cores: the product's machines have two
    (DESIGN.md), and DuckDB's baseline uses both. 1 computes every KPI set on its own session."""
    return load_config().kpi_workers or max(1, min(2, os.cpu_count() or 1))


# The KPIs whose passes cost most at scale, slowest first (bench/README.md, "Round 2, tenth
# session"): started first so that the workers finish together; the rest follow in KPIS.md's order.
SLOWEST_FIRST = ("median_first_touch_hours", "note_read_rate", "ltv_by_segment", "leads_created",
                 "forecast_accuracy", "won_revenue")


def _compute_spread(p: ResolvedFilter, wanted: list[str], sessions: list[Session]) -> dict:
    """``wanted``'s values, each KPI computed by whichever worker is free, one session per worker.
    A pass two KPIs share is computed once (``ResolvedFilter.once`` waits for the other thread)."""
    queue = deque(sorted(wanted, key=lambda k: SLOWEST_FIRST.index(k) if k in SLOWEST_FIRST else len(SLOWEST_FIRST)))
    values: dict = {}

    def work(session: Session) -> None:
        try:
            while True:
                try:
                    key = queue.popleft()
                except IndexError:
                    return
                values[key] = KPIS[key].compute(p, session=session)
        except BaseException:
            queue.clear()   # the others stop after their current KPI
            raise

    with ThreadPoolExecutor(max_workers=len(sessions) - 1, thread_name_prefix="onevoice-kpis") as pool:
        others = [pool.submit(contextvars.copy_context().run, work, s) for s in sessions[1:]]
        try:
            work(sessions[0])
        finally:
            problems = [fut.exception() for fut in others]   # waits for each
        for problem in problems:
            if problem is not None:
                raise problem
    return values


# A lifetime KPI reads no period and no moment (KPIS.md), so any valid filter gives the same value:
# this fixed one lets a page key the lifetime KPIs on the other filters alone.
_NO_PERIOD = date(2000, 1, 1)


@scope_only
def lifetime_kpis(viewer: Viewer, *, session: Session, territory_id: int | None = None,
                  campaign_id: int | None = None, segment: Segment | None = None) -> dict:
    """The lifetime KPIs (``LIFETIME_KEYS``) for these filters: what ``all_kpis`` gives them for
    any period. The dashboard reads them once for the period and the previous one, not twice."""
    f = KpiFilter(_NO_PERIOD, _NO_PERIOD, datetime.combine(_NO_PERIOD, time(), timezone.utc),
                  territory_id=territory_id, campaign_id=campaign_id, segment=segment)
    return all_kpis(viewer, f, session=session, keys=LIFETIME_KEYS)


__all__ = ["KPIS", "KPI_KEYS", "SECTIONS", "SALES", "MARKETING", "HANDOFF", "CUSTOMERS", "Kpi", "KpiFilter",
           "ResolvedFilter", "resolve", "all_kpis", "default_workers", "lifetime_kpis", "PERIOD_KEYS", "LIFETIME_KEYS"]
