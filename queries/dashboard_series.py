"""Chart data for the executive dashboard, aggregated in SQL and filtered like the KPI tiles.

Where a chart shows a KPI (attainment, win rate, SLA compliance, untouched leads, ROI, LTV) it
calls that KPI's own function, so a chart never disagrees with a tile.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pandas as pd
from sqlalchemy import case, func, select
from sqlmodel import Session

from i18n import N_, _
from models.enums import LeadStatus, Role, Stage
from models.tables import Campaign, Lead, MonthlyTarget, Opportunity, Territory
from queries.drilldown import drilldown
from queries.kpis import KpiFilter, resolve
from queries.kpis import handoff, marketing, sales
from queries.kpis.by_territory import by_territory, narrowed
from queries.kpis.filters import as_date, first_of_month, next_month
from queries.scope import Viewer, campaign_targets_territory, require_role, scope_only

# A converted lead is exactly one opportunity: one step, not two ("Converted", "Opportunities").
FUNNEL_STEPS = (N_("Leads"), N_("Worked (first-touched)"), N_("Converted to a deal"), N_("Won"))  # show with _()
# Response-time buckets (upper bounds in hours, inclusive like the SLA's ≤); the SLA is added.
BUCKET_EDGES_HOURS = (1, 4, 8, 24, 48, 72, 168)


@scope_only
def territory_choices(viewer: Viewer, *, session: Session) -> list[tuple[int, str]]:
    """(id, "CODE — name") of the territories the viewer may filter on."""
    query = select(Territory.id, Territory.code, Territory.name).order_by(Territory.code)
    if not viewer.is_company_wide:
        query = query.where(Territory.id == viewer.territory_id)
    return [(tid, f"{code} — {name}") for tid, code, name in session.execute(query).all()]


@scope_only
def campaign_choices(viewer: Viewer, start: date, end: date, *, session: Session,
                     limit: int = 500) -> list[tuple[int, str]]:
    """(id, "CODE — name") of campaigns running at some point of the period, newest first; a
    manager sees only campaigns that target their territory."""
    require_role(viewer, Role.executive, Role.admin, Role.marketer, Role.manager)
    query = select(Campaign.id, Campaign.code, Campaign.name).where(Campaign.start_date <= end,
                                                                     Campaign.end_date >= start)
    if viewer.role is Role.manager:
        query = query.where(campaign_targets_territory(Campaign.id, viewer.territory_id))
    rows = session.execute(query.order_by(Campaign.start_date.desc(), Campaign.code).limit(limit)).all()
    return [(cid, f"{code} — {name}") for cid, code, name in rows]


@scope_only
def funnel(viewer: Viewer, f: KpiFilter, *, session: Session) -> pd.DataFrame:
    """The leads created in the period followed down: worked (has first_touch_at) → converted to a
    deal → of those deals, won (stages and statuses as stored now)."""
    p = resolve(viewer, f, session=session)
    cohort = marketing.leads_created_in_period(p)
    leads, worked, converted = session.execute(
        # count(*), not count(id): PostgreSQL can then answer from ix_lead_created_cover alone (0011).
        select(func.count(),
               func.sum(case((Lead.first_touch_at.is_not(None), 1), else_=0)),
               func.sum(case((Lead.status == LeadStatus.converted, 1), else_=0)))
        .where(*cohort)).one()
    won = session.execute(
        select(func.sum(case((Opportunity.stage == Stage.won, 1), else_=0)))
        .where(Opportunity.lead_id.in_(select(Lead.id).where(*cohort)))).scalar()
    counts = [leads, worked, converted, won]
    return pd.DataFrame({"step": FUNNEL_STEPS, "count": [int(c or 0) for c in counts]})


def _months(start: date, end: date) -> list[date]:
    months, month = [], date(start.year, start.month, 1)
    while month <= end:
        months.append(month)
        month = next_month(month)
    return months


@scope_only
def monthly_revenue(viewer: Viewer, f: KpiFilter, *, session: Session) -> pd.DataFrame:
    """Per calendar month touched by the period: won revenue closed in the period (as won_revenue),
    and the month's revenue target and forecast (as revenue_target)."""
    p = resolve(viewer, f, session=session)
    month = first_of_month(Opportunity.closed_on, p.dialect).label("month")
    won = dict((as_date(m), total) for m, total in session.execute(
        select(month, func.sum(Opportunity.amount)).where(*sales.won_in_period(p)).group_by(month)).all())
    months = _months(p.start, p.end)
    planned = {as_date(m): (target, forecast) for m, target, forecast in session.execute(
        select(MonthlyTarget.month, func.sum(MonthlyTarget.revenue_target), func.sum(MonthlyTarget.forecast))
        .where(MonthlyTarget.month.between(months[0], months[-1]), *p.target_filters(MonthlyTarget))
        .group_by(MonthlyTarget.month)).all()}
    rows = [(m, won.get(m) or 0, *planned.get(m, (None, None))) for m in months]
    return pd.DataFrame(rows, columns=["month", "won_revenue", "revenue_target", "forecast"])


@scope_only
def territory_comparison(viewer: Viewer, f: KpiFilter, *, session: Session) -> pd.DataFrame:
    """Attainment, win rate, SLA compliance and untouched leads per territory the viewer may see.
    Compares territories, so it ignores the territory filter; the other filters apply."""
    p = resolve(viewer, replace(f, territory_id=None) if viewer.is_company_wide else f, session=session)
    query = select(Territory.id, Territory.code, Territory.name).order_by(Territory.code)
    if p.territory_id is not None:
        query = query.where(Territory.id == p.territory_id)
    # The three passes behind these four KPIs, grouped by territory (queries.kpis.by_territory):
    # 3 statements instead of 3 per territory; the KPI functions compute each row from them.
    grouped = by_territory(p, (sales.CLOSED, sales.TARGETS, handoff.ASSIGNED), session=session)
    rows = []
    for territory_id, code, name in session.execute(query).all():
        one = narrowed(p, territory_id, grouped)
        rows.append((code, name, sales.target_attainment(one, session=session), sales.win_rate(one, session=session),
                     handoff.sla_compliance(one, session=session), handoff.untouched_leads(one, session=session)))
    return pd.DataFrame(rows, columns=["territory", "name", "target_attainment", "win_rate", "sla_compliance",
                                       "untouched_leads"])


@scope_only
def campaign_roi_points(viewer: Viewer, f: KpiFilter, *, session: Session, limit: int = 500) -> pd.DataFrame:
    """One point per campaign started in the period: attributed cost, attributed won revenue
    (as campaign_roi counts them) and its leads — the campaign_roi drill-down's own rows."""
    frame = drilldown(viewer, f, "campaign_roi", session=session, limit=limit).frame
    return frame[["code", "name", "attributed_cost", "attributed_won_revenue", "leads"]]


def _buckets(sla_hours: float) -> list[float]:
    return sorted(set(BUCKET_EDGES_HOURS) | {sla_hours})


def _bucket_label(low: float | None, high: float | None) -> str:
    if low is None:
        return _("≤ {high:g} h").format(high=high)
    return _("> {low:g} h").format(low=low) if high is None else _("{low:g}–{high:g} h").format(low=low, high=high)


@scope_only
def response_time_distribution(viewer: Viewer, f: KpiFilter, *, session: Session) -> pd.DataFrame:
    """Leads assigned in the period and touched, counted per response-time bucket (in SQL)."""
    p = resolve(viewer, f, session=session)
    edges = _buckets(p.sla_hours)
    delay_us = handoff.touch_delay_us(p)
    bucket = case(*[(delay_us <= edge * 3_600_000_000, i) for i, edge in enumerate(edges)],
                  else_=len(edges)).label("bucket")
    counts = dict(session.execute(
        select(bucket, func.count(Lead.id))
        .where(*handoff.assigned_in_period(p), Lead.first_touch_at.is_not(None)).group_by(bucket)).all())
    lows, highs = [None, *edges], [*edges, None]
    return pd.DataFrame({
        "bucket": [_bucket_label(lo, hi) for lo, hi in zip(lows, highs)],
        "leads": [int(counts.get(i, 0)) for i in range(len(edges) + 1)],
        "within_sla": [hi is not None and hi <= p.sla_hours for hi in highs],
    })


@scope_only
def sla_hours(viewer: Viewer, f: KpiFilter, *, session: Session) -> float:
    return resolve(viewer, f, session=session).sla_hours


__all__ = ["territory_choices", "campaign_choices", "funnel", "monthly_revenue", "territory_comparison", "campaign_roi_points",
           "response_time_distribution", "sla_hours"]
