"""The records behind each KPI tile, built from the same WHERE clauses as the KPI itself.

A record set is a function ``(p, *, session, limit) -> Records``; each KPI of the registry
(``queries.kpis.registry``) names its record set and the ``Measure`` that turns those rows back
into its tile (a count of rows, a Σ of a column, a ratio of two sums, a mean or median of a column).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import pandas as pd
from sqlalchemy import and_, case, func, literal, or_, select
from sqlalchemy.orm import aliased

from i18n import N_
from models.enums import LeadStatus, RegistrationStatus, Stage
from models.tables import (Account, Campaign, CampaignNote, Event, Lead, MonthlyTarget, Opportunity, Registration,
                           Territory)

from . import customers, handoff, marketing, sales
from .exact import money, to_decimal
from .filters import ResolvedFilter, days_between, target_count_expr, territory_share


@dataclass(frozen=True)
class Measure:
    how: str                  # count | sum (money) | total (whole numbers) | ratio | mean | median | roi | ltv
    value: str | None = None  # the column summed / averaged (numerator of a ratio)
    per: str | None = None    # ratio denominator column; None = the number of rows


@dataclass(frozen=True)
class Records:
    label: str                # what the rows are, for the page heading
    frame: pd.DataFrame
    truncated: bool = False   # more rows exist than the limit asked for


# -- the row builders ------------------------------------------------------------------------------

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
    query = (select(Territory.code, MonthlyTarget.month, MonthlyTarget.revenue_target, MonthlyTarget.forecast,
                    MonthlyTarget.lead_commitment)
             .join(Territory, Territory.id == MonthlyTarget.territory_id)
             .where(*sales.targets_in_period(p)).order_by(MonthlyTarget.month, Territory.code))
    rows, truncated = _run(session, query, limit)
    return _frame(rows, ["territory", "month", "revenue_target", "forecast", "lead_commitment"]), truncated


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


# -- the record sets a KPI names ----------------------------------------------------------------

def won_deals(p, *, session, limit) -> Records:
    return Records(N_("won deals closed in the period"), *_deals(p, sales.won_in_period(p), session=session, limit=limit))


def lost_deals(p, *, session, limit) -> Records:
    return Records(N_("lost deals closed in the period"),
                   *_deals(p, sales.lost_in_period(p), session=session, limit=limit))


def closed_deals(p, *, session, limit) -> Records:
    closed = [or_(and_(*sales.won_in_period(p)), and_(*sales.lost_in_period(p)))]
    extra = [("won", case((Opportunity.stage == Stage.won, 1), else_=0))]
    return Records(N_("won and lost deals closed in the period"),
                   *_deals(p, closed, session=session, limit=limit, extra=extra))


def won_deals_with_opened_on(p, *, session, limit) -> Records:
    conditions = [*sales.won_in_period(p), Opportunity.opened_on.is_not(None)]
    return Records(N_("won deals with an opening date"), *_deals(p, conditions, session=session, limit=limit))


def open_deals(p, *, session, limit) -> Records:
    return Records(N_("open deals"), *_deals(p, sales.open_now(p), session=session, limit=limit))


def monthly_targets(p, *, session, limit) -> Records:
    return Records(N_("monthly targets"), *_targets(p, session=session, limit=limit))


def won_deals_and_targets(p, *, session, limit) -> Records:
    deals, cut1 = _deals(p, sales.won_in_period(p), session=session, limit=limit)
    targets, cut2 = _targets(p, session=session, limit=limit)
    frame = pd.concat([
        pd.DataFrame({"record": "won deal", "code": deals["code"], "territory": deals["territory"],
                      "date": deals["closed_on"], "won_amount": deals["amount"],
                      "revenue_target": [Decimal("0.00")] * len(deals)}),
        pd.DataFrame({"record": "monthly target", "code": "", "territory": targets["territory"],
                      "date": targets["month"], "won_amount": [Decimal("0.00")] * len(targets),
                      "revenue_target": targets["revenue_target"]}),
    ], ignore_index=True)
    return Records(N_("won deals and monthly targets"), frame, cut1 or cut2)


def forecast_months(p, *, session, limit) -> Records:
    months = sales.forecast_months(p, session=session)
    codes = dict(session.execute(select(Territory.id, Territory.code)).all())
    frame = pd.DataFrame([(codes[t], m, f, w, to_decimal(sales.month_accuracy(f, w))) for t, m, f, w in months],
                         columns=["territory", "month", "forecast", "won_revenue", "accuracy"])
    return Records(N_("territory-months with a forecast and won revenue"), frame, False)


def campaigns_started(p, *, session, limit) -> Records:
    return Records(N_("campaigns started in the period"), *_campaigns(p, session=session, limit=limit))


def leads_created(p, *, session, limit) -> Records:
    extra = [("converted", case((Lead.status == LeadStatus.converted, 1), else_=0))]
    return Records(N_("leads created in the period"),
                   *_leads(p, marketing.leads_created_in_period(p), session=session, limit=limit, extra=extra))


def won_deals_sourced(p, *, session, limit) -> Records:
    extra = [("sourced_amount", case((Opportunity.source_campaign_id.is_not(None), Opportunity.amount),
                                     else_=literal(None)))]
    frame, cut = _deals(p, sales.won_in_period(p), session=session, limit=limit, extra=extra)
    frame["sourced_amount"] = [money(v) for v in frame["sourced_amount"]]
    return Records(N_("won deals closed in the period"), frame, cut)


def events_held(p, *, session, limit) -> Records:
    return Records(N_("events in the period"), *_events(p, session=session, limit=limit))


def event_registrations(p, *, session, limit) -> Records:
    """The events held in the period with their counted registrations (cancelled ones never count)
    and how many of those attended."""
    return Records(N_("events in the period"), *_event_registrations(p, session=session, limit=limit))


def leads_assigned(p, *, session, limit) -> Records:
    return Records(N_("leads assigned in the period"),
                   *_leads(p, handoff.assigned_in_period(p), session=session, limit=limit))


def touched_leads_assigned(p, *, session, limit) -> Records:
    hours = [("hours_to_first_touch", handoff.touch_delay_us(p))]
    conditions = [*handoff.assigned_in_period(p), Lead.first_touch_at.is_not(None)]
    frame, cut = _leads(p, conditions, session=session, limit=limit, extra=hours)
    frame["hours_to_first_touch"] = [handoff.us_to_hours(us) for us in frame["hours_to_first_touch"]]
    return Records(N_("touched leads assigned in the period"), frame, cut)


def leads_sla_counted(p, *, session, limit) -> Records:
    extra = [("within_sla", case((handoff.touched_within_sla(p), 1), else_=0))]
    conditions = [*handoff.assigned_in_period(p), handoff.sla_counted(p)]
    return Records(N_("assigned leads touched or past their deadline"),
                   *_leads(p, conditions, session=session, limit=limit, extra=extra))


def untouched_overdue_leads(p, *, session, limit) -> Records:
    return Records(N_("untouched leads past their deadline"),
                   *_leads(p, handoff.untouched_overdue(p), session=session, limit=limit))


def notes_published(p, *, session, limit) -> Records:
    return Records(N_("notes published in the period"), *_notes(p, session=session, limit=limit))


def accounts_with_won_deals(p, *, session, limit) -> Records:
    return Records(N_("accounts with won deals"), *_accounts(p, session=session, limit=limit))


# -- the handoff as a process (KPIS.md, second round) ---------------------------------------------

def _rejections(p, *, session, limit):
    from models.tables import LeadRejection, User

    query = (select(Lead.code, Lead.company, Territory.code, Campaign.code, User.username, LeadRejection.reason,
                    LeadRejection.note, LeadRejection.rejected_at)
             .select_from(LeadRejection).join(Lead, Lead.id == LeadRejection.lead_id)
             .join(User, User.id == LeadRejection.user_id)
             .outerjoin(Territory, Territory.id == Lead.territory_id).join(Campaign, Campaign.id == Lead.campaign_id)
             .where(*handoff.rejections_in_period(p)).order_by(LeadRejection.rejected_at, Lead.code))
    rows, truncated = _run(session, query, limit)
    frame = _frame(rows, ["code", "company", "territory", "campaign", "rep", "reason", "note", "rejected"],
                   p, ("rejected",))
    frame["reason"] = [str(getattr(r, "value", r)) for r in frame["reason"]]
    return frame, truncated


def _accepted(p) -> list:
    return [p.ts_in_period(Lead.accepted_at), *p.lead_filters(Lead)]


def leads_accepted(p, *, session, limit) -> Records:
    return Records(N_("leads accepted in the period"), *_leads(p, _accepted(p), session=session, limit=limit))


def leads_recycled(p, *, session, limit) -> Records:
    return Records(N_("leads recycled to nurture in the period"),
                   *_leads(p, [p.ts_in_period(Lead.recycled_at), *p.lead_filters(Lead)], session=session,
                           limit=limit))


def rejections(p, *, session, limit) -> Records:
    return Records(N_("rejections in the period"), *_rejections(p, session=session, limit=limit))


def acceptances_and_rejections(p, *, session, limit) -> Records:
    leads, cut1 = _leads(p, _accepted(p), session=session, limit=limit)
    rejected, cut2 = _rejections(p, session=session, limit=limit)
    frame = pd.concat([
        pd.DataFrame({"record": "acceptance", "code": leads["code"], "territory": leads["territory"],
                      "accepted": [1] * len(leads)}, dtype=object),
        pd.DataFrame({"record": "rejection", "code": rejected["code"], "territory": rejected["territory"],
                      "accepted": [0] * len(rejected)}, dtype=object),
    ], ignore_index=True)
    return Records(N_("acceptances and rejections in the period"), frame, cut1 or cut2)


def lead_commitments(p, *, session, limit) -> Records:
    return Records(N_("monthly targets"), *_targets(p, session=session, limit=limit))


def leads_assigned_and_commitments(p, *, session, limit) -> Records:
    targets, cut_t = _targets(p, session=session, limit=limit)
    leads, cut_l = _leads(p, handoff.assigned_in_period(p), session=session, limit=limit)
    frame = pd.concat([
        pd.DataFrame({"record": "lead assigned", "code": leads["code"], "territory": leads["territory"],
                      "assigned": [1] * len(leads), "lead_commitment": [0] * len(leads)}, dtype=object),
        pd.DataFrame({"record": "monthly target", "code": "", "territory": targets["territory"],
                      "assigned": [0] * len(targets), "lead_commitment": targets["lead_commitment"]}, dtype=object),
    ], ignore_index=True)
    return Records(N_("leads assigned and monthly targets"), frame, cut_l or cut_t)
