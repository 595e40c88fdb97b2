"""Every KPI of docs/KPIS.md: one function per key, computed in SQL, fed by one filter.

``all_kpis(viewer, f, *, session)`` returns exactly the KPIS.md keys, in its order; the dashboard,
the ``kpis`` command, the drill-downs and the tests all go through these functions.
"""
from __future__ import annotations

from typing import Callable

from sqlmodel import Session

from queries.scope import Viewer

from . import customers, handoff, marketing, sales
from .filters import KpiFilter, ResolvedFilter, resolve

KPI_FUNCTIONS: dict[str, Callable] = {
    "won_revenue": sales.won_revenue,
    "won_deals": sales.won_deals,
    "lost_deals": sales.lost_deals,
    "win_rate": sales.win_rate,
    "avg_deal_size": sales.avg_deal_size,
    "avg_sales_cycle_days": sales.avg_sales_cycle_days,
    "open_deals": sales.open_deals,
    "open_pipeline": sales.open_pipeline,
    "revenue_target": sales.revenue_target,
    "target_attainment": sales.target_attainment,
    "forecast_accuracy": sales.forecast_accuracy,
    "marketing_spend": marketing.marketing_spend,
    "campaigns_started": marketing.campaigns_started,
    "leads_created": marketing.leads_created,
    "cost_per_lead": marketing.cost_per_lead,
    "campaign_roi": marketing.campaign_roi,
    "lead_conversion_rate": marketing.lead_conversion_rate,
    "marketing_sourced_revenue_share": marketing.marketing_sourced_revenue_share,
    "events_held": marketing.events_held,
    "leads_per_event": marketing.leads_per_event,
    "event_attendance_rate": marketing.event_attendance_rate,
    "leads_assigned": handoff.leads_assigned,
    "median_first_touch_hours": handoff.median_first_touch_hours,
    "sla_compliance": handoff.sla_compliance,
    "untouched_leads": handoff.untouched_leads,
    "note_read_rate": handoff.note_read_rate,
    "ltv_by_segment": customers.ltv_by_segment,
}

KPI_KEYS: tuple[str, ...] = tuple(KPI_FUNCTIONS)

SECTIONS: dict[str, tuple[str, ...]] = {
    "Sales": KPI_KEYS[0:11],
    "Marketing": KPI_KEYS[11:21],
    "Handoff": KPI_KEYS[21:26],
    "Customers": KPI_KEYS[26:],
}

# What each key is worth, for formatting: money, count, ratio (a fraction of 1), days, hours.
UNITS: dict[str, str] = {
    "won_revenue": "money", "won_deals": "count", "lost_deals": "count", "win_rate": "ratio",
    "avg_deal_size": "money", "avg_sales_cycle_days": "days", "open_deals": "count",
    "open_pipeline": "money", "revenue_target": "money", "target_attainment": "ratio",
    "forecast_accuracy": "ratio", "marketing_spend": "money", "campaigns_started": "count",
    "leads_created": "count", "cost_per_lead": "money", "campaign_roi": "ratio",
    "lead_conversion_rate": "ratio", "marketing_sourced_revenue_share": "ratio",
    "events_held": "count", "leads_per_event": "number",
    "event_attendance_rate": "ratio", "leads_assigned": "count",
    "median_first_touch_hours": "hours", "sla_compliance": "ratio", "untouched_leads": "count",
    "note_read_rate": "ratio", "ltv_by_segment": "money",
}

TITLES: dict[str, str] = {key: key.replace("_", " ").capitalize() for key in KPI_KEYS} | {
    "avg_sales_cycle_days": "Avg sales cycle (days)", "cost_per_lead": "Cost per lead",
    "campaign_roi": "Campaign ROI", "median_first_touch_hours": "Median first touch (h)",
    "sla_compliance": "SLA compliance", "ltv_by_segment": "LTV by segment",
    "marketing_sourced_revenue_share": "Marketing-sourced revenue share",
}

from .definitions import DEFINITIONS  # noqa: E402  (text only; kept apart for length)


def compute(key: str, p: ResolvedFilter, *, session: Session):
    return KPI_FUNCTIONS[key](p, session=session)


def all_kpis(viewer: Viewer, f: KpiFilter, *, session: Session) -> dict:
    """Every KPI for this filter, keys exactly as in KPIS.md and in its order."""
    p = resolve(viewer, f, session=session)
    return {key: fn(p, session=session) for key, fn in KPI_FUNCTIONS.items()}


__all__ = ["KPI_KEYS", "KPI_FUNCTIONS", "DEFINITIONS", "SECTIONS", "UNITS", "TITLES", "KpiFilter",
           "ResolvedFilter", "resolve", "compute", "all_kpis"]
