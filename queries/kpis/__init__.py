"""Every KPI of docs/KPIS.md: one record per key in ``registry.KPIS``, computed in SQL, fed by one filter.

``all_kpis(viewer, f, *, session)`` returns exactly the KPIS.md keys, in its order; the dashboard,
the ``kpis`` command, the drill-downs and the tests all go through the registry's functions.
KPIs made of the same rows share one pass over them, computed once per ``ResolvedFilter``
(``ResolvedFilter.once``): the deals closed in the period, the open deals, the monthly targets,
the period's hand-overs, the leads created; the median first touch reads the stored
``lead.touch_delay_us`` (migration 0009): on SQLite through a bracket drawn from a sample the
assigned pass collects, on PostgreSQL by sorting (``handoff``). The note read rate's receipts
are counted in parts over the period's notes, materialised once (``handoff._targeted_receipts``).
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from sqlmodel import Session

from models.enums import Segment

from queries.scope import Viewer, scope_only

from . import customers, handoff, marketing, sales  # noqa: F401  (the KPI functions, by topic)
from .filters import KpiFilter, ResolvedFilter, resolve
from .registry import (CUSTOMERS, HANDOFF, KPI_KEYS, KPIS, LIFETIME_KEYS, MARKETING, PERIOD_KEYS, SALES, SECTIONS,
                       Kpi)


@scope_only
def all_kpis(viewer: Viewer, f: KpiFilter, *, session: Session, keys: tuple[str, ...] | None = None) -> dict:
    """Every KPI for this filter, keys exactly as in KPIS.md and in its order (``keys``: only those,
    in KPIS.md's order)."""
    p = resolve(viewer, f, session=session)
    return {key: kpi.compute(p, session=session) for key, kpi in KPIS.items() if keys is None or key in keys}


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
           "ResolvedFilter", "resolve", "all_kpis", "lifetime_kpis", "PERIOD_KEYS", "LIFETIME_KEYS"]
