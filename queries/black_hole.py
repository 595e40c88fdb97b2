"""The black-hole view: what happened to a campaign's leads once they reached sales, per territory.

Every number is a KPI of docs/KPIS.md taken with the campaign (and territory) filter, from the
very functions the executive dashboard uses (``queries.kpis``); the counts that have no KPI of their
own (touched within the SLA, converted, disqualified) are taken over the KPI modules' record sets,
so they mean the same thing. Only the record lists behind them are this module's own queries.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from i18n import _
from i18n.labels import name_in_language
from models.enums import LeadStatus, Role
from models.errors import NotFound
from models.tables import Campaign, CampaignTerritory, Lead, Territory, User
from models.timefmt import local_date
from models.types import utcnow
from queries.kpis import KpiFilter, ResolvedFilter, handoff, marketing, resolve, sales
from queries.paging import ResultPage, paged
from queries.scope import Viewer, require_role

BLACK_HOLE_ROLES = (Role.marketer, Role.admin)
Rep = aliased(User, name="bh_rep")


@dataclass(frozen=True)
class HandoffRow:
    territory_id: int | None
    territory: str
    leads_assigned: int
    touched_within_sla: int
    sla_compliance: Decimal | None
    untouched_leads: int
    median_first_touch_hours: float | None
    leads_created: int
    converted: int
    lead_conversion_rate: Decimal | None
    disqualified: int
    open_deals: int
    open_pipeline: Decimal
    won_deals: int
    won_revenue: Decimal


@dataclass(frozen=True)
class BlackHole:
    campaign_code: str
    campaign_name: str
    start: date
    end: date
    as_of: datetime
    sla_hours: float
    total: HandoffRow
    by_territory: list[HandoffRow]
    without_territory: int
    disqualify_reasons: list[tuple[str, int]]


def _campaign(campaign_id: int, *, session: Session) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(_("no campaign with id {campaign_id}").format(campaign_id=campaign_id))
    return campaign


def default_period(viewer: Viewer, campaign_id: int, *, session: Session, as_of: datetime | None = None,
                   ) -> tuple[date, date]:
    """The campaign's whole life: from its start (or its first lead, if earlier) to as_of (or its end)."""
    require_role(viewer, *BLACK_HOLE_ROLES)
    campaign = _campaign(campaign_id, session=session)
    as_of = as_of or utcnow()
    probe = resolve(viewer, KpiFilter(start=campaign.start_date, end=campaign.start_date, as_of=as_of), session=session)
    first = session.execute(select(func.min(Lead.created_at)).where(Lead.campaign_id == campaign.id)).scalar_one()
    start = min(campaign.start_date, local_date(first, probe.tz)) if first else campaign.start_date
    return start, max(campaign.end_date, probe.as_of_date)


def _count(conditions, *, session: Session) -> int:
    return int(session.execute(select(func.count(Lead.id)).where(*conditions)).scalar_one())


def _row(p: ResolvedFilter, territory: str, *, session: Session) -> HandoffRow:
    created = marketing.leads_created_in_period(p)
    return HandoffRow(
        territory_id=p.territory_id, territory=territory,
        leads_assigned=handoff.leads_assigned(p, session=session),
        touched_within_sla=_count([*handoff.assigned_in_period(p), handoff.touched_within_sla(p)], session=session),
        sla_compliance=handoff.sla_compliance(p, session=session),
        untouched_leads=handoff.untouched_leads(p, session=session),
        median_first_touch_hours=handoff.median_first_touch_hours(p, session=session),
        leads_created=marketing.leads_created(p, session=session),
        converted=_count([*created, Lead.status == LeadStatus.converted], session=session),
        lead_conversion_rate=marketing.lead_conversion_rate(p, session=session),
        disqualified=_count([*created, Lead.status == LeadStatus.disqualified], session=session),
        open_deals=sales.open_deals(p, session=session),
        open_pipeline=sales.open_pipeline(p, session=session),
        won_deals=sales.won_deals(p, session=session),
        won_revenue=sales.won_revenue(p, session=session),
    )


def _territories_to_show(campaign_id: int, *, session: Session) -> list[tuple[int, str]]:
    """The campaign's listed targets plus every territory that holds one of its leads."""
    listed = select(CampaignTerritory.territory_id).where(CampaignTerritory.campaign_id == campaign_id)
    with_leads = select(Lead.territory_id).where(Lead.campaign_id == campaign_id, Lead.territory_id.is_not(None))
    rows = session.execute(select(Territory.id, Territory.name)
                           .where(or_(Territory.id.in_(listed), Territory.id.in_(with_leads)))
                           .order_by(Territory.code)).all()
    return [(r[0], name_in_language(r[1]) or r[1]) for r in rows]   # "Seoul 서울" -> the reader's half


def black_hole(viewer: Viewer, campaign_id: int, *, session: Session, start: date | None = None,
               end: date | None = None, as_of: datetime | None = None) -> BlackHole:
    require_role(viewer, *BLACK_HOLE_ROLES)
    campaign = _campaign(campaign_id, session=session)
    as_of = as_of or utcnow()
    if start is None or end is None:
        default_start, default_end = default_period(viewer, campaign_id, session=session, as_of=as_of)
        start, end = start or default_start, end or default_end
    base = KpiFilter(start=start, end=end, as_of=as_of, campaign_id=campaign.id)
    p_all = resolve(viewer, base, session=session)
    rows = []
    for territory_id, name in _territories_to_show(campaign.id, session=session):
        f = KpiFilter(start=start, end=end, as_of=as_of, campaign_id=campaign.id, territory_id=territory_id)
        rows.append(_row(resolve(viewer, f, session=session), name, session=session))
    created = marketing.leads_created_in_period(p_all)
    reasons = session.execute(
        select(func.coalesce(Lead.disqualify_reason, _("(no reason given)")), func.count(Lead.id))
        .where(*created, Lead.status == LeadStatus.disqualified)
        .group_by(Lead.disqualify_reason).order_by(func.count(Lead.id).desc())).all()
    return BlackHole(
        campaign_code=campaign.code, campaign_name=campaign.name, start=start, end=end, as_of=p_all.as_of,
        sla_hours=p_all.sla_hours, total=_row(p_all, _("All territories"), session=session), by_territory=rows,
        without_territory=_count([Lead.campaign_id == campaign.id, Lead.territory_id.is_(None)], session=session),
        disqualify_reasons=[(str(r[0]), int(r[1])) for r in reasons],
    )


@dataclass(frozen=True)
class LeadLine:
    code: str
    company: str
    contact_name: str | None
    territory: str | None
    rep: str | None
    assigned_at: datetime | None
    age: timedelta | None
    disqualify_reason: str | None


def _lead_lines(viewer: Viewer, campaign_id: int, conditions_of, *, session: Session, territory_id, start, end,
                as_of, limit: int, offset: int) -> ResultPage[LeadLine]:
    require_role(viewer, *BLACK_HOLE_ROLES)
    as_of = as_of or utcnow()
    p = resolve(viewer, KpiFilter(start=start, end=end, as_of=as_of, campaign_id=campaign_id,
                                  territory_id=territory_id), session=session)
    conds = conditions_of(p)
    query = (select(Lead.code, Lead.company, Lead.contact_name, Territory.name, Rep.display_name, Lead.assigned_at,
                    Lead.disqualify_reason)
             .outerjoin(Territory, Territory.id == Lead.territory_id).outerjoin(Rep, Rep.id == Lead.assigned_to_id)
             .where(*conds).order_by(Lead.assigned_at, Lead.id))

    def make(r) -> LeadLine:
        age = p.as_of - r[5] if r[5] is not None else None
        return LeadLine(r[0], r[1], r[2], name_in_language(r[3]), r[4], r[5], age, r[6])
    return paged(session, query, select(func.count(Lead.id)).where(*conds), limit=limit, offset=offset, make=make)


def overdue_untouched(viewer: Viewer, campaign_id: int, *, session: Session, start: date, end: date,
                      territory_id: int | None = None, as_of: datetime | None = None, limit: int = 50,
                      offset: int = 0) -> ResultPage[LeadLine]:
    """The leads behind ``untouched_leads``: past the deadline, never touched — with rep and age."""
    return _lead_lines(viewer, campaign_id, handoff.untouched_overdue, session=session, territory_id=territory_id,
                       start=start, end=end, as_of=as_of, limit=limit, offset=offset)


def disqualified_leads(viewer: Viewer, campaign_id: int, *, session: Session, start: date, end: date,
                       territory_id: int | None = None, as_of: datetime | None = None, limit: int = 50,
                       offset: int = 0) -> ResultPage[LeadLine]:
    def conds(p):
        return [*marketing.leads_created_in_period(p), Lead.status == LeadStatus.disqualified]
    return _lead_lines(viewer, campaign_id, conds, session=session, territory_id=territory_id,
                       start=start, end=end, as_of=as_of, limit=limit, offset=offset)
