"""The records behind each KPI tile, built from the same WHERE clauses as the KPI itself.

``drilldown(viewer, f, key, *, session)`` returns a ``DrillDown``: a DataFrame of the records and
the ``Measure`` that turns its rows back into the tile (a count of rows, a Σ of a column, a ratio
of two sums, a mean or median of a column). ``measure_value`` applies it, so a page can show that
the rows add up, and the tests check that they do for every tile.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import pandas as pd
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models.enums import LeadStatus, RegistrationStatus, Stage
from models.tables import (Account, Campaign, CampaignNote, Event, Lead, MonthlyTarget, Opportunity, Registration,
                           Territory)
from queries.kpis import KPI_KEYS, KpiFilter, ResolvedFilter, resolve
from queries.kpis import customers, handoff, marketing, sales
from queries.kpis.exact import money, ratio, to_decimal
from queries.kpis.filters import days_between, target_count_expr, territory_share


@dataclass(frozen=True)
class Measure:
    how: str                  # count | sum | ratio | mean | median | roi | ltv
    value: str | None = None  # the column summed / averaged (numerator of a ratio)
    per: str | None = None    # ratio denominator column; None = the number of rows


@dataclass(frozen=True)
class DrillDown:
    key: str
    records: str              # what the rows are, for the page heading
    frame: pd.DataFrame
    measure: Measure
    truncated: bool = False   # more rows exist than the limit asked for


def _col_sum(frame: pd.DataFrame, column: str) -> Fraction:
    return sum((Fraction(v) for v in frame[column] if v is not None and not pd.isna(v)), Fraction(0))


def measure_value(dd: DrillDown):
    """The tile value recomputed from the rows (meaningful when not truncated)."""
    m, frame = dd.measure, dd.frame
    if m.how == "count":
        return len(frame)
    if m.how == "sum":
        return money(_col_sum(frame, m.value))
    if m.how == "ratio":
        return ratio(_col_sum(frame, m.value), len(frame) if m.per is None else _col_sum(frame, m.per))
    if m.how == "mean":
        return ratio(_col_sum(frame, m.value), len(frame))
    if m.how == "median":
        values = sorted(Fraction(v) for v in frame[m.value])
        if not values:
            return None
        mid = len(values) // 2
        return float(values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2)
    if m.how == "roi":
        cost = _col_sum(frame, m.per)
        return ratio(_col_sum(frame, m.value) - cost, cost)
    if m.how == "ltv":
        groups = frame.groupby("segment", sort=False)
        return {seg: ratio(_col_sum(g, m.value), len(g)) for seg, g in groups}
    raise ValueError(f"unknown measure {m.how!r}")


# -- record lists ------------------------------------------------------------------------------

def _local(p: ResolvedFilter, moment: datetime | None):
    return None if moment is None else moment.astimezone(p.tz).replace(tzinfo=None)


def _frame(rows, columns, p: ResolvedFilter | None = None, local=()) -> pd.DataFrame:
    """Rows as a DataFrame of plain Python values (Decimal, int, None); the ``local`` timestamp
    columns are shown in the company time zone."""
    rows = [list(r) for r in rows]
    for i, column in enumerate(columns):
        if column in local:
            for row in rows:
                row[i] = _local(p, row[i])
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _run(session, query, limit):
    rows = session.execute(query if limit is None else query.limit(limit + 1)).all()
    truncated = limit is not None and len(rows) > limit
    return (rows[:limit] if truncated else rows), truncated


def _deals(p, conditions, *, session, limit, extra=()):
    src = aliased(Campaign, name="src")
    cycle = days_between(Opportunity.closed_on, Opportunity.opened_on, p.dialect)
    query = (select(Opportunity.code, Opportunity.name, Territory.code, Account.name, Account.segment,
                    Opportunity.stage, Opportunity.amount, Opportunity.opened_on, Opportunity.closed_on,
                    src.code, cycle, *[e for _, e in extra])
             .join(Territory, Territory.id == Opportunity.territory_id)
             .outerjoin(Account, Account.id == Opportunity.account_id)
             .outerjoin(src, src.id == Opportunity.source_campaign_id)
             .where(*conditions).order_by(Opportunity.closed_on, Opportunity.code))
    rows, truncated = _run(session, query, limit)
    columns = ["code", "name", "territory", "account", "segment", "stage", "amount", "opened_on", "closed_on",
               "source_campaign", "cycle_days", *[name for name, _ in extra]]
    frame = _frame(rows, columns)
    frame["cycle_days"] = pd.Series([None if d is None else int(d) for d in frame["cycle_days"]], dtype=object)
    return frame, truncated


def _targets(p, *, session, limit):
    query = (select(Territory.code, MonthlyTarget.month, MonthlyTarget.revenue_target, MonthlyTarget.forecast)
             .join(Territory, Territory.id == MonthlyTarget.territory_id)
             .where(*sales.targets_in_period(p)).order_by(MonthlyTarget.month, Territory.code))
    rows, truncated = _run(session, query, limit)
    return _frame(rows, ["territory", "month", "revenue_target", "forecast"]), truncated


def _campaigns(p, *, session, limit):
    leads = (select(func.count(Lead.id)).where(Lead.campaign_id == Campaign.id, *p.lead_filters(Lead))
             .scalar_subquery())
    won = (select(func.sum(Opportunity.amount))
           .where(Opportunity.source_campaign_id == Campaign.id, *marketing.attributed_won_deals(p))
           .scalar_subquery())
    query = (select(Campaign.code, Campaign.name, Campaign.start_date, Campaign.target_segment,
                    target_count_expr(Campaign), Campaign.actual_cost, leads, won)
             .where(*marketing.campaigns_started_in_period(p)).order_by(Campaign.start_date, Campaign.code))
    rows, truncated = _run(session, query, limit)
    frame = _frame(rows, ["code", "name", "start_date", "target_segment", "target_territories", "actual_cost",
                          "leads", "attributed_won_revenue"])
    frame["attributed_cost"] = [money(Fraction(cost or 0) * territory_share(p, n))
                                for cost, n in zip(frame["actual_cost"], frame["target_territories"])]
    frame["attributed_won_revenue"] = [money(w) for w in frame["attributed_won_revenue"]]
    return frame, truncated


def _leads(p, conditions, *, session, limit, extra=()):
    query = (select(Lead.code, Lead.company, Territory.code, Campaign.code, Lead.status, Lead.created_at,
                    Lead.assigned_at, Lead.first_touch_at, *[e for _, e in extra])
             .outerjoin(Territory, Territory.id == Lead.territory_id)
             .join(Campaign, Campaign.id == Lead.campaign_id)
             .where(*conditions).order_by(Lead.created_at, Lead.code))
    rows, truncated = _run(session, query, limit)
    frame = _frame(rows, ["code", "company", "territory", "campaign", "status", "created", "assigned",
                          "first_touch", *[name for name, _ in extra]], p, ("created", "assigned", "first_touch"))
    return frame, truncated


def _events(p, *, session, limit):
    leads = (select(func.count(Lead.id)).where(Lead.event_id == Event.id, *p.lead_filters(Lead))
             .scalar_subquery())
    query = (select(Event.code, Event.title, Territory.code, Campaign.code, Event.kind, Event.status,
                    Event.starts_at, leads)
             .join(Territory, Territory.id == Event.territory_id).join(Campaign, Campaign.id == Event.campaign_id)
             .where(*marketing.events_in_period(p)).order_by(Event.starts_at, Event.code))
    rows, truncated = _run(session, query, limit)
    frame = _frame(rows, ["code", "title", "territory", "campaign", "kind", "status", "starts", "leads"],
                   p, ("starts",))
    return frame, truncated


def _event_registrations(p, *, session, limit):
    counted = (select(func.count(Registration.id))
               .where(Registration.event_id == Event.id,
                      Registration.status.in_(marketing.COUNTED_REGISTRATIONS)).scalar_subquery())
    attended = (select(func.count(Registration.id))
                .where(Registration.event_id == Event.id, Registration.status == RegistrationStatus.attended)
                .scalar_subquery())
    query = (select(Event.code, Event.title, Territory.code, Campaign.code, Event.status, Event.starts_at,
                    counted, attended)
             .join(Territory, Territory.id == Event.territory_id).join(Campaign, Campaign.id == Event.campaign_id)
             .where(*marketing.events_in_period(p)).order_by(Event.starts_at, Event.code))
    rows, truncated = _run(session, query, limit)
    frame = _frame(rows, ["code", "title", "territory", "campaign", "status", "starts", "registrations", "attended"],
                   p, ("starts",))
    return frame, truncated


def _notes(p, *, session, limit):
    rep = handoff.Rep
    query = (select(Campaign.code, CampaignNote.version, CampaignNote.title, CampaignNote.published_at,
                    func.count(rep.id), func.sum(case((handoff.rep_has_read(p), 1), else_=0)))
             .select_from(CampaignNote).join(Campaign, Campaign.id == CampaignNote.campaign_id)
             .outerjoin(rep, handoff.rep_is_targeted(p))
             .where(*handoff.notes_in_period(p))
             .group_by(CampaignNote.id, Campaign.code, CampaignNote.version, CampaignNote.title,
                       CampaignNote.published_at)
             .order_by(CampaignNote.published_at, Campaign.code, CampaignNote.version))
    rows, truncated = _run(session, query, limit)
    frame = _frame(rows, ["campaign", "version", "title", "published", "reps_targeted", "reps_read"],
                   p, ("published",))
    frame["reps_read"] = [int(v or 0) for v in frame["reps_read"]]
    return frame, truncated


def _accounts(p, *, session, limit):
    query = (select(Account.name, Account.segment, Territory.code, func.count(Opportunity.id),
                    func.sum(Opportunity.amount))
             .select_from(Opportunity).join(Account, Account.id == Opportunity.account_id)
             .outerjoin(Territory, Territory.id == Account.territory_id)
             .where(*customers.won_deals_of_segmented_accounts(p))
             .group_by(Account.id, Account.name, Account.segment, Territory.code)
             .order_by(Account.segment, Account.name))
    rows, truncated = _run(session, query, limit)
    frame = _frame(rows, ["account", "segment", "territory", "won_deals", "won_amount"])
    frame["segment"] = [str(s.value if hasattr(s, "value") else s) for s in frame["segment"]]
    frame["won_amount"] = [money(v) for v in frame["won_amount"]]
    return frame, truncated


# -- one entry per KPI key ---------------------------------------------------------------------

def _one(key, p, *, session, limit):
    won, lost = sales.won_in_period(p), sales.lost_in_period(p)
    if key in ("won_revenue", "won_deals", "avg_deal_size"):
        frame, cut = _deals(p, won, session=session, limit=limit)
        measure = {"won_revenue": Measure("sum", "amount"), "won_deals": Measure("count"),
                   "avg_deal_size": Measure("mean", "amount")}[key]
        return "won deals closed in the period", frame, measure, cut
    if key == "lost_deals":
        frame, cut = _deals(p, lost, session=session, limit=limit)
        return "lost deals closed in the period", frame, Measure("count"), cut
    if key == "win_rate":
        closed = [or_(and_(*won), and_(*lost))]
        extra = [("won", case((Opportunity.stage == Stage.won, 1), else_=0))]
        frame, cut = _deals(p, closed, session=session, limit=limit, extra=extra)
        return "won and lost deals closed in the period", frame, Measure("ratio", "won"), cut
    if key == "avg_sales_cycle_days":
        frame, cut = _deals(p, [*won, Opportunity.opened_on.is_not(None)], session=session, limit=limit)
        return "won deals with an opened_on date", frame, Measure("mean", "cycle_days"), cut
    if key in ("open_deals", "open_pipeline"):
        frame, cut = _deals(p, sales.open_now(p), session=session, limit=limit)
        return "open deals", frame, Measure("count") if key == "open_deals" else Measure("sum", "amount"), cut
    if key == "revenue_target":
        frame, cut = _targets(p, session=session, limit=limit)
        return "monthly targets", frame, Measure("sum", "revenue_target"), cut
    if key == "target_attainment":
        deals, cut1 = _deals(p, won, session=session, limit=limit)
        targets, cut2 = _targets(p, session=session, limit=limit)
        frame = pd.concat([
            pd.DataFrame({"record": "won deal", "code": deals["code"], "territory": deals["territory"],
                          "date": deals["closed_on"], "won_amount": deals["amount"],
                          "revenue_target": [Decimal("0.00")] * len(deals)}),
            pd.DataFrame({"record": "monthly target", "code": "", "territory": targets["territory"],
                          "date": targets["month"], "won_amount": [Decimal("0.00")] * len(targets),
                          "revenue_target": targets["revenue_target"]}),
        ], ignore_index=True)
        return "won deals and monthly targets", frame, Measure("ratio", "won_amount", "revenue_target"), cut1 or cut2
    if key == "forecast_accuracy":
        months = sales.forecast_months(p, session=session)
        codes = dict(session.execute(select(Territory.id, Territory.code)).all())
        frame = pd.DataFrame([(codes[t], m, f, w, to_decimal(sales.month_accuracy(f, w))) for t, m, f, w in months],
                             columns=["territory", "month", "forecast", "won_revenue", "accuracy"])
        return "territory-months with a forecast and won revenue", frame, Measure("mean", "accuracy"), False
    if key in ("marketing_spend", "campaigns_started", "cost_per_lead", "campaign_roi"):
        frame, cut = _campaigns(p, session=session, limit=limit)
        measure = {"marketing_spend": Measure("sum", "attributed_cost"), "campaigns_started": Measure("count"),
                   "cost_per_lead": Measure("ratio", "attributed_cost", "leads"),
                   "campaign_roi": Measure("roi", "attributed_won_revenue", "attributed_cost")}[key]
        return "campaigns started in the period", frame, measure, cut
    if key in ("leads_created", "lead_conversion_rate"):
        extra = [("converted", case((Lead.status == LeadStatus.converted, 1), else_=0))]
        frame, cut = _leads(p, marketing.leads_created_in_period(p), session=session, limit=limit, extra=extra)
        measure = Measure("count") if key == "leads_created" else Measure("ratio", "converted")
        return "leads created in the period", frame, measure, cut
    if key == "marketing_sourced_revenue_share":
        extra = [("sourced_amount", case((Opportunity.source_campaign_id.is_not(None), Opportunity.amount),
                                         else_=literal(None)))]
        frame, cut = _deals(p, won, session=session, limit=limit, extra=extra)
        frame["sourced_amount"] = [money(v) for v in frame["sourced_amount"]]
        return "won deals closed in the period", frame, Measure("ratio", "sourced_amount", "amount"), cut
    if key in ("events_held", "leads_per_event"):
        frame, cut = _events(p, session=session, limit=limit)
        return "events in the period", frame, Measure("count") if key == "events_held" else Measure("ratio", "leads"), cut
    if key == "event_attendance_rate":
        frame, cut = _event_registrations(p, session=session, limit=limit)
        return "events in the period", frame, Measure("ratio", "attended", "registrations"), cut
    if key in ("leads_assigned", "median_first_touch_hours", "sla_compliance", "untouched_leads"):
        return _handoff(key, p, session=session, limit=limit)
    if key == "note_read_rate":
        frame, cut = _notes(p, session=session, limit=limit)
        return "notes published in the period", frame, Measure("ratio", "reps_read", "reps_targeted"), cut
    if key == "ltv_by_segment":
        frame, cut = _accounts(p, session=session, limit=limit)
        return "accounts with won deals", frame, Measure("ltv", "won_amount"), cut
    raise KeyError(key)


def _handoff(key, p, *, session, limit):
    assigned = handoff.assigned_in_period(p)
    if key == "leads_assigned":
        frame, cut = _leads(p, assigned, session=session, limit=limit)
        return "leads assigned in the period", frame, Measure("count"), cut
    if key == "median_first_touch_hours":
        hours = [("hours_to_first_touch", handoff.touch_seconds(p))]
        frame, cut = _leads(p, [*assigned, Lead.first_touch_at.is_not(None)], session=session, limit=limit,
                            extra=hours)
        frame["hours_to_first_touch"] = [float(Decimal(str(s)) / 3600) for s in frame["hours_to_first_touch"]]
        return "touched leads assigned in the period", frame, Measure("median", "hours_to_first_touch"), cut
    if key == "sla_compliance":
        extra = [("within_sla", case((handoff.touched_within_sla(p), 1), else_=0))]
        frame, cut = _leads(p, [*assigned, handoff.sla_counted(p)], session=session, limit=limit, extra=extra)
        return "assigned leads touched or past their deadline", frame, Measure("ratio", "within_sla"), cut
    frame, cut = _leads(p, handoff.untouched_overdue(p), session=session, limit=limit)
    return "untouched leads past their deadline", frame, Measure("count"), cut


def drilldown(viewer, f: KpiFilter, key: str, *, session: Session, limit: int | None = None) -> DrillDown:
    """The records behind one KPI tile, scoped and filtered exactly as the tile."""
    if key not in KPI_KEYS:
        raise KeyError(f"unknown KPI {key!r}")
    p = resolve(viewer, f, session=session)
    records, frame, measure, truncated = _one(key, p, session=session, limit=limit)
    return DrillDown(key=key, records=records, frame=frame, measure=measure, truncated=truncated)


__all__ = ["DrillDown", "Measure", "drilldown", "measure_value"]
