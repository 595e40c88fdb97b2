"""Reads of event registrations: the check-in list, the events one can check in at, marketing's
per-event results, and for reps the registrations of people from their accounts.

Scoping is in SQL: ``event_scope`` (reps and managers: their territory's events) and, for the
account view, the account rules of ``queries.scope``."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models.enums import OPEN_STAGES, RegistrationStatus, Role, Stage
from models.tables import Account, Campaign, Event, Lead, Opportunity, Registration, Territory
from models.types import utcnow

from .field_common import like_pattern, matches, require_field
from .paging import ResultPage, page_bounds
from .kpis.exact import money, ratio
from .scope import AccessDenied, Viewer, event_scope, require_role

CHECK_IN_ROLES = (Role.marketer, Role.admin, Role.manager, Role.rep)
RESULT_ROLES = (Role.marketer, Role.admin, Role.executive)
COUNTED = (RegistrationStatus.registered, RegistrationStatus.attended, RegistrationStatus.no_show)


@dataclass(frozen=True)
class RegistrationView:
    id: int
    email: str
    company: str
    contact_name: str | None
    phone: str | None
    status: str
    registered_at: datetime
    checked_in_at: datetime | None
    lead_code: str | None


@dataclass(frozen=True)
class EventOption:
    id: int
    code: str
    title: str
    territory: str
    starts_at: datetime
    ends_at: datetime
    status: str
    registrations: int


@dataclass(frozen=True)
class EventResult:
    id: int
    code: str
    title: str
    territory: str
    campaign_code: str
    starts_at: datetime
    status: str
    registered: int          # every registration that is not cancelled
    attended: int
    no_show: int
    cancelled: int
    attendance_rate: Decimal | None
    leads: int               # leads whose event is this one
    pipeline: Decimal        # open deals of those leads
    won_revenue: Decimal     # won deals of those leads


@dataclass(frozen=True)
class AccountRegistration:
    event_code: str
    event_title: str
    starts_at: datetime
    account: str
    company: str
    contact_name: str | None
    email: str
    status: str


def _event_in_scope(viewer: Viewer, event_id: int, *, session: Session) -> None:
    found = session.execute(select(Event.id).where(Event.id == int(event_id), event_scope(viewer))).first()
    if found is None:
        raise AccessDenied(f"event #{event_id} is not an event you may see")


def event_registrations(viewer: Viewer, event_id: int, *, session: Session, search: str = "",
                        status: str | None = None, limit: int = 50, offset: int = 0) -> ResultPage[RegistrationView]:
    """An event's registrations for the check-in list: name, company or e-mail contains ``search``."""
    require_role(viewer, *CHECK_IN_ROLES)
    _event_in_scope(viewer, event_id, session=session)
    limit, offset = page_bounds(limit, offset)
    where = [Registration.event_id == int(event_id),
             matches(like_pattern(search), Registration.contact_name, Registration.company, Registration.email)]
    if status:
        where.append(Registration.status == RegistrationStatus(status))
    order = (case((Registration.status == RegistrationStatus.registered, 0), else_=1),
             func.lower(func.coalesce(Registration.contact_name, Registration.company)), Registration.id)
    rows = session.execute(
        select(Registration.id, Registration.email, Registration.company, Registration.contact_name,
               Registration.phone, Registration.status, Registration.registered_at, Registration.checked_in_at,
               Lead.code)
        .outerjoin(Lead, Lead.id == Registration.lead_id).where(*where).order_by(*order)
        .limit(limit).offset(offset)).all()
    total = session.execute(select(func.count()).select_from(Registration).where(*where)).scalar_one()
    return ResultPage([RegistrationView(r[0], r[1], r[2], r[3], r[4], str(r[5]), r[6], r[7], r[8]) for r in rows],
                      int(total), limit, offset)


def check_in_events(viewer: Viewer, *, session: Session, now: datetime | None = None, past_days: int = 30,
                    ahead_days: int = 60, limit: int = 100) -> list[EventOption]:
    """Events one may work registrations of: from ``past_days`` ago (no-shows) to ``ahead_days``
    ahead, the running and soonest first."""
    require_role(viewer, *CHECK_IN_ROLES)
    now = now or utcnow()
    counted = (select(func.count(Registration.id)).where(Registration.event_id == Event.id)
               .correlate(Event).scalar_subquery())
    running = case((and_(Event.starts_at <= now + timedelta(days=1), Event.ends_at > now), 0),
                   (Event.ends_at > now, 1), else_=2)
    rows = session.execute(
        select(Event.id, Event.code, Event.title, Territory.name, Event.starts_at, Event.ends_at, Event.status,
               counted)
        .join(Territory, Territory.id == Event.territory_id)
        .where(event_scope(viewer), Event.ends_at >= now - timedelta(days=past_days),
               Event.starts_at <= now + timedelta(days=ahead_days))
        .order_by(running, case((Event.ends_at > now, Event.starts_at), else_=None), Event.starts_at.desc(),
                  Event.id).limit(limit)).all()
    return [EventOption(r[0], r[1], r[2], r[3], r[4], r[5], str(r[6]), int(r[7] or 0)) for r in rows]


def _count(status: RegistrationStatus):
    return func.sum(case((Registration.status == status, 1), else_=0))


def event_results(viewer: Viewer, *, session: Session, campaign_id: int | None = None,
                  limit: int = 200) -> list[EventResult]:
    """Per event: registered, attended, no-show, attendance rate (as the KPI), leads of the event,
    their open pipeline and won revenue. Marketing and executives, company-wide."""
    require_role(viewer, *RESULT_ROLES)
    reg = (select(Registration.event_id.label("event_id"),
                  func.sum(case((Registration.status != RegistrationStatus.cancelled, 1), else_=0)).label("registered"),
                  _count(RegistrationStatus.attended).label("attended"),
                  _count(RegistrationStatus.no_show).label("no_show"),
                  _count(RegistrationStatus.cancelled).label("cancelled"))
           .group_by(Registration.event_id).subquery())
    opp = aliased(Opportunity)
    leads = (select(Lead.event_id.label("event_id"), func.count(Lead.id).label("leads"),
                    func.sum(case((opp.stage.in_(OPEN_STAGES), opp.amount), else_=None)).label("pipeline"),
                    func.sum(case((opp.stage == Stage.won, opp.amount), else_=None)).label("won"))
             .outerjoin(opp, opp.id == Lead.opportunity_id)
             .where(Lead.event_id.is_not(None)).group_by(Lead.event_id).subquery())
    stmt = (select(Event.id, Event.code, Event.title, Territory.name, Campaign.code, Event.starts_at, Event.status,
                   reg.c.registered, reg.c.attended, reg.c.no_show, reg.c.cancelled, leads.c.leads, leads.c.pipeline,
                   leads.c.won)
            .join(Territory, Territory.id == Event.territory_id).join(Campaign, Campaign.id == Event.campaign_id)
            .outerjoin(reg, reg.c.event_id == Event.id).outerjoin(leads, leads.c.event_id == Event.id))
    if campaign_id is not None:
        stmt = stmt.where(Event.campaign_id == int(campaign_id))
    rows = session.execute(stmt.order_by(Event.starts_at.desc(), Event.id).limit(min(int(limit), 500))).all()
    out = []
    for r in rows:
        registered, attended, no_show, cancelled = (int(v or 0) for v in (r[7], r[8], r[9], r[10]))
        out.append(EventResult(r[0], r[1], r[2], r[3], r[4], r[5], str(r[6]), registered, attended, no_show,
                               cancelled, ratio(attended, registered), int(r[11] or 0), money(r[12]), money(r[13])))
    return out


def account_registrations(viewer: Viewer, *, session: Session, now: datetime | None = None, past_days: int = 30,
                          limit: int = 100) -> list[AccountRegistration]:
    """Who from the viewer's accounts registered for their territory's events (recent and
    upcoming): a rep's own accounts, a manager's territory's; matched by the registration's lead's
    account or by the company name."""
    require_field(viewer)
    now = now or utcnow()
    mine = Account.owner_id == viewer.id if viewer.role is Role.rep else Account.territory_id == viewer.territory_id
    stmt = (select(Event.code, Event.title, Event.starts_at, Account.name, Registration.company,
                   Registration.contact_name, Registration.email, Registration.status)
            .select_from(Registration)
            .join(Event, Event.id == Registration.event_id)
            .outerjoin(Lead, Lead.id == Registration.lead_id)
            .join(Account, or_(Account.id == Lead.account_id, func.lower(Account.name) == func.lower(Registration.company)))
            .where(event_scope(viewer), Event.territory_id == viewer.territory_id, mine,
                   Event.ends_at >= now - timedelta(days=past_days),
                   Registration.status != RegistrationStatus.cancelled)
            .distinct()
            .order_by(Event.starts_at, Event.code, Account.name, Registration.email).limit(min(int(limit), 500)))
    return [AccountRegistration(r[0], r[1], r[2], r[3], r[4], r[5], r[6], str(r[7])) for r in session.execute(stmt)]
