"""Marketing KPIs (KPIS.md "Marketing"): one function per key, aggregates computed in SQL."""
from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from sqlalchemy import case, func, select
from sqlmodel import Session

from models.enums import LeadStatus, RegistrationStatus, Stage
from models.tables import Campaign, Event, Lead, Opportunity, Registration

from .exact import money, ratio
from .filters import ResolvedFilter, attributed_cost
from .sales import marketing_sourced_revenue, won_revenue


# -- the record sets, shared with the drill-down ---------------------------------------------

def campaigns_started_in_period(p: ResolvedFilter) -> list:
    # With a territory filter: campaigns that target it (a campaign with no targets targets all).
    return [p.date_in_period(Campaign.start_date), *p.campaign_filters(Campaign)]


def started_campaign_ids(p: ResolvedFilter):
    return select(Campaign.id).where(*campaigns_started_in_period(p))


def leads_of_started_campaigns(p: ResolvedFilter) -> list:
    # Leads created at any date; the lead filters (territory, segment) apply to them.
    return [Lead.campaign_id.in_(started_campaign_ids(p)), *p.lead_filters(Lead)]


def leads_created_in_period(p: ResolvedFilter) -> list:
    return [p.ts_in_period(Lead.created_at), *p.lead_filters(Lead)]


def attributed_won_deals(p: ResolvedFilter) -> list:
    # "Up to as_of" for closed_on: on or before as_of's local date. With a territory filter
    # only campaigns that target it count, and only their won deals in that territory.
    return [Opportunity.stage == Stage.won, Opportunity.closed_on <= p.as_of_date,
            Opportunity.source_campaign_id.in_(started_campaign_ids(p)),
            *p.opportunity_filters(Opportunity)]


def events_in_period(p: ResolvedFilter) -> list:
    # KPIS.md counts every event whose starts_at is in the period, whatever its status.
    return [p.ts_in_period(Event.starts_at), *p.event_filters(Event)]


def leads_of_events_held(p: ResolvedFilter) -> list:
    held = select(Event.id).where(*events_in_period(p))
    return [Lead.event_id.in_(held), *p.lead_filters(Lead)]


def registrations_of_events_held(p: ResolvedFilter) -> list:
    # Cancelled registrations never count (KPIS.md).
    held = select(Event.id).where(*events_in_period(p))
    return [Registration.event_id.in_(held), Registration.status.in_(COUNTED_REGISTRATIONS)]


COUNTED_REGISTRATIONS = (RegistrationStatus.registered, RegistrationStatus.attended, RegistrationStatus.no_show)


def _count_leads(conditions, *, session: Session) -> int:
    return int(session.execute(select(func.count()).select_from(Lead).where(*conditions)).scalar_one())


def _spend(p: ResolvedFilter, *, session: Session) -> Fraction:
    return p.once("campaign.spend", lambda: attributed_cost(p, campaigns_started_in_period(p), session=session))


def _created_pass(p: ResolvedFilter, *, session: Session) -> tuple[int, int]:
    """(leads created in the period, of them converted): one pass (ix_lead_created_cover)."""
    def compute():
        converted = func.count().filter(Lead.status == LeadStatus.converted)
        n, n_converted = session.execute(select(func.count(), converted).select_from(Lead)
                                         .where(*leads_created_in_period(p))).one()
        return int(n), int(n_converted)
    return p.once("leads.created", compute)


# -- KPIs ------------------------------------------------------------------------------------

def marketing_spend(p: ResolvedFilter, *, session: Session) -> Decimal:
    return money(_spend(p, session=session))


def campaigns_started(p: ResolvedFilter, *, session: Session) -> int:
    return int(session.execute(
        select(func.count()).select_from(Campaign).where(*campaigns_started_in_period(p))).scalar_one())


def leads_created(p: ResolvedFilter, *, session: Session) -> int:
    return _created_pass(p, session=session)[0]


def cost_per_lead(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    return ratio(_spend(p, session=session), _count_leads(leads_of_started_campaigns(p), session=session))


def attributed_won_revenue(p: ResolvedFilter, *, session: Session) -> Decimal:
    return p.once("opportunity.attributed", lambda: money(session.execute(
        select(func.sum(Opportunity.amount)).where(*attributed_won_deals(p))).scalar_one()))


def campaign_roi(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    spend = _spend(p, session=session)
    return ratio(Fraction(attributed_won_revenue(p, session=session)) - spend, spend)


def lead_conversion_rate(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    created, converted = _created_pass(p, session=session)
    return ratio(converted, created)


def marketing_sourced_revenue_share(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    return ratio(marketing_sourced_revenue(p, session=session), won_revenue(p, session=session))


def events_held(p: ResolvedFilter, *, session: Session) -> int:
    return p.once("event.held", lambda: int(session.execute(
        select(func.count()).select_from(Event).where(*events_in_period(p))).scalar_one()))


def leads_per_event(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    return ratio(_count_leads(leads_of_events_held(p), session=session), events_held(p, session=session))


def event_attendance_rate(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    attended = case((Registration.status == RegistrationStatus.attended, 1), else_=0)
    row = session.execute(select(func.count(), func.sum(attended))
                          .select_from(Registration).where(*registrations_of_events_held(p))).one()
    return ratio(int(row[1] or 0), int(row[0] or 0))
