"""Field activity and the pipeline a rep works: recent activities, open opportunities, the
choices of the "log activity" form, and the rep's feedback to marketing with its answers."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from models.enums import OPEN_LEAD_STATUSES, OPEN_STAGES, Role
from models.tables import Account, Activity, Campaign, Event, Feedback, Lead, Opportunity, User
from models.types import utcnow

from .field_common import activity_scope, like_pattern, matches, rep_filter, require_field
from .paging import ResultPage, page_bounds
from .scope import AccessDenied, Viewer, event_scope, lead_scope, opportunity_scope


@dataclass(frozen=True)
class ActivityRow:
    id: int
    occurred_at: datetime
    kind: str
    user: str
    account: str | None
    lead: str | None
    opportunity: str | None
    event: str | None
    notes: str | None


def recent_activity(viewer: Viewer, *, session: Session, rep_id: int | None = None, limit: int = 20,
                    offset: int = 0) -> ResultPage[ActivityRow]:
    require_field(viewer)
    limit, offset = page_bounds(limit, offset)
    who = aliased(User, name="who")
    where = [activity_scope(viewer), rep_filter(Activity.user_id, rep_id)]
    rows = session.exec(
        select(Activity.id, Activity.occurred_at, Activity.kind, who.display_name, Account.name,
               (Lead.code + " · " + Lead.company), Opportunity.name, Event.title, Activity.notes)
        .join(who, who.id == Activity.user_id)
        .outerjoin(Account, Account.id == Activity.account_id)
        .outerjoin(Lead, Lead.id == Activity.lead_id)
        .outerjoin(Opportunity, Opportunity.id == Activity.opportunity_id)
        .outerjoin(Event, Event.id == Activity.event_id)
        .where(*where).order_by(Activity.occurred_at.desc(), Activity.id.desc()).limit(limit).offset(offset)).all()
    total = session.exec(select(func.count()).select_from(Activity).where(*where)).one()
    return ResultPage([ActivityRow(r[0], r[1], str(r[2]), *r[3:]) for r in rows], total, limit, offset)


@dataclass(frozen=True)
class OpportunityRow:
    id: int
    code: str
    name: str
    account: str | None
    owner: str | None
    owner_id: int | None
    stage: str
    amount: Decimal | None
    product: str | None
    opened_on: date | None
    expected_close_on: date | None
    closed_on: date | None
    version: int


def _opportunity_select():
    owner = aliased(User, name="owner")
    return (select(Opportunity.id, Opportunity.code, Opportunity.name, Account.name, owner.display_name,
                   Opportunity.owner_id, Opportunity.stage, Opportunity.amount, Opportunity.product,
                   Opportunity.opened_on, Opportunity.expected_close_on, Opportunity.closed_on, Opportunity.version)
            .outerjoin(Account, Account.id == Opportunity.account_id)
            .outerjoin(owner, owner.id == Opportunity.owner_id))


def _to_opportunity(r) -> OpportunityRow:
    return OpportunityRow(r[0], r[1], r[2], r[3], r[4], r[5], str(r[6]), *r[7:])


def open_opportunities(viewer: Viewer, *, session: Session, rep_id: int | None = None, search: str | None = None,
                       limit: int = 20, offset: int = 0) -> ResultPage[OpportunityRow]:
    """Open deals of the viewer's scope, soonest expected close first."""
    require_field(viewer)
    limit, offset = page_bounds(limit, offset)
    where = [opportunity_scope(viewer), Opportunity.stage.in_(OPEN_STAGES), rep_filter(Opportunity.owner_id, rep_id),
             matches(like_pattern(search), Opportunity.code, Opportunity.name)]
    rows = session.exec(_opportunity_select().where(*where)
                        .order_by(Opportunity.expected_close_on.asc().nulls_last(), Opportunity.id)
                        .limit(limit).offset(offset)).all()
    total = session.exec(select(func.count()).select_from(Opportunity).where(*where)).one()
    return ResultPage([_to_opportunity(r) for r in rows], total, limit, offset)


def opportunity_for(viewer: Viewer, opportunity_id: int, *, session: Session) -> OpportunityRow:
    require_field(viewer)
    row = session.exec(_opportunity_select().where(Opportunity.id == int(opportunity_id),
                                                   opportunity_scope(viewer))).first()
    if row is None:
        raise AccessDenied(f"opportunity #{opportunity_id} is not one of your opportunities")
    return _to_opportunity(row)


@dataclass(frozen=True)
class LinkOptions:
    """Choices of the "log activity" form, each (id, label), bounded in size."""
    leads: list[tuple[int, str]]
    opportunities: list[tuple[int, str]]
    events: list[tuple[int, str]]


def link_options(viewer: Viewer, *, session: Session, now: datetime | None = None, limit: int = 100) -> LinkOptions:
    """The viewer's open leads (most urgent first), open deals, and the territory's events of the
    last and next 30 days."""
    require_field(viewer)
    now = now or utcnow()
    leads = session.exec(
        select(Lead.id, Lead.code, Lead.company).where(lead_scope(viewer), Lead.status.in_(OPEN_LEAD_STATUSES))
        .order_by(Lead.first_touch_at.is_not(None), Lead.assigned_at, Lead.id).limit(limit)).all()
    opps = session.exec(
        select(Opportunity.id, Opportunity.code, Opportunity.name)
        .where(opportunity_scope(viewer), Opportunity.stage.in_(OPEN_STAGES))
        .order_by(Opportunity.expected_close_on.asc().nulls_last(), Opportunity.id).limit(limit)).all()
    events = session.exec(
        select(Event.id, Event.code, Event.title, Event.starts_at)
        .where(event_scope(viewer), Event.starts_at >= now - timedelta(days=30),
               Event.starts_at <= now + timedelta(days=30))
        .order_by(Event.starts_at.desc()).limit(limit)).all()
    return LinkOptions(leads=[(r[0], f"{r[1]} · {r[2]}") for r in leads],
                       opportunities=[(r[0], f"{r[1]} · {r[2]}") for r in opps],
                       events=[(r[0], f"{r[1]} · {r[2]}") for r in events])


@dataclass(frozen=True)
class FeedbackRow:
    id: int
    created_at: datetime
    kind: str
    author: str
    campaign: str | None
    event: str | None
    body: str
    answer: str | None
    answered_by: str | None
    answered_at: datetime | None
    resolved_at: datetime | None


def feedback_scope(viewer: Viewer):
    """A rep's own feedback in their territory; a manager's territory's feedback. By the territory
    the feedback was written in, not its author's current one."""
    if viewer.role is Role.manager:
        return Feedback.territory_id == viewer.territory_id
    return and_(Feedback.user_id == viewer.id, Feedback.territory_id == viewer.territory_id)


def my_feedback(viewer: Viewer, *, session: Session, rep_id: int | None = None, limit: int = 20,
                offset: int = 0) -> ResultPage[FeedbackRow]:
    require_field(viewer)
    limit, offset = page_bounds(limit, offset)
    author, answerer = aliased(User, name="author"), aliased(User, name="answerer")
    where = [feedback_scope(viewer), rep_filter(Feedback.user_id, rep_id)]
    rows = session.exec(
        select(Feedback.id, Feedback.created_at, Feedback.kind, author.display_name, Campaign.name, Event.title,
               Feedback.body, Feedback.answer, answerer.display_name, Feedback.answered_at, Feedback.resolved_at)
        .join(author, author.id == Feedback.user_id)
        .outerjoin(answerer, answerer.id == Feedback.answered_by_id)
        .outerjoin(Campaign, Campaign.id == Feedback.campaign_id)
        .outerjoin(Event, Event.id == Feedback.event_id)
        .where(*where).order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(limit).offset(offset)).all()
    total = session.exec(select(func.count()).select_from(Feedback).where(*where)).one()
    return ResultPage([FeedbackRow(r[0], r[1], str(r[2]), *r[3:]) for r in rows], total, limit, offset)
