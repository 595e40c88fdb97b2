"""Every KPI of docs/KPIS.md: one record per key in ``registry.KPIS``, computed in SQL, fed by one filter.

``all_kpis(viewer, f, *, session)`` returns exactly the KPIS.md keys, in its order; the dashboard,
the ``kpis`` command, the drill-downs and the tests all go through the registry's functions.
KPIs made of the same rows share one pass over them, computed once per ``ResolvedFilter``
(``ResolvedFilter.once``): the deals closed in the period, the open deals, the monthly targets,
the period's hand-overs, the leads created; the median first touch sorts the stored
``lead.touch_delay_us`` (migration 0009).
"""
from __future__ import annotations

from sqlmodel import Session

from queries.scope import Viewer

from . import customers, handoff, marketing, sales  # noqa: F401  (the KPI functions, by topic)
from .filters import KpiFilter, ResolvedFilter, resolve
from .registry import CUSTOMERS, HANDOFF, KPI_KEYS, KPIS, MARKETING, SALES, SECTIONS, Kpi


def all_kpis(viewer: Viewer, f: KpiFilter, *, session: Session) -> dict:
    """Every KPI for this filter, keys exactly as in KPIS.md and in its order."""
    p = resolve(viewer, f, session=session)
    return {key: kpi.compute(p, session=session) for key, kpi in KPIS.items()}


__all__ = ["KPIS", "KPI_KEYS", "SECTIONS", "SALES", "MARKETING", "HANDOFF", "CUSTOMERS", "Kpi", "KpiFilter",
           "ResolvedFilter", "resolve", "all_kpis"]
