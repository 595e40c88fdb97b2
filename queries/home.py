"""Numbers for each role's "My day" landing page, scoped to the viewer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func
from sqlmodel import Session, select

from models.enums import OPEN_LEAD_STATUSES, OPEN_STAGES, LeadStatus, Role
from models.tables import (
    AuditLog, Campaign, Event, Feedback, Lead, LoginThrottle, Opportunity, Territory, User,
)
from models.types import utcnow
from i18n import _

from . import notes_feed
from .scope import Viewer, event_scope, lead_scope, opportunity_scope, require_role



@dataclass(frozen=True)
class UpcomingEvent:
    code: str
    title: str
    campaign: str
    territory: str
    venue: str | None
    starts_at: datetime
    ends_at: datetime
    status: str


@dataclass(frozen=True)
class FieldDay:
    open_leads: int
    overdue_untouched: int
    due_today: int
    unread_notes: int
    open_deals: int
    open_pipeline: object
    upcoming: list[UpcomingEvent]
    unassigned_in_territory: int


def upcoming_events(viewer: Viewer, *, session: Session, days: int = 7, now: datetime | None = None,
                    limit: int = 10) -> list[UpcomingEvent]:
    """Scheduled events of the viewer's scope that run now or start within ``days``."""
    now = now or utcnow()
    rows = session.exec(
        select(Event.code, Event.title, Campaign.name, Territory.name, Event.venue, Event.starts_at, Event.ends_at,
               Event.status)
        .join(Campaign, Campaign.id == Event.campaign_id)
        .join(Territory, Territory.id == Event.territory_id)
        .where(event_scope(viewer), Event.ends_at >= now, Event.starts_at < now + timedelta(days=days))
        .order_by(Event.starts_at).limit(limit)
    ).all()
    return [UpcomingEvent(*r) for r in rows]


def field_day(viewer: Viewer, *, session: Session, now: datetime | None = None) -> FieldDay:
    require_role(viewer, Role.rep, Role.manager)
    now = now or utcnow()
    open_scope = and_(lead_scope(viewer), Lead.status.in_(OPEN_LEAD_STATUSES))
    untouched = and_(open_scope, Lead.first_touch_at.is_(None), Lead.assigned_at.is_not(None))
    open_leads = session.exec(select(func.count()).select_from(Lead).where(open_scope)).one()
    overdue = session.exec(select(func.count()).select_from(Lead).where(untouched, Lead.due_at < now)).one()
    due_today = session.exec(select(func.count()).select_from(Lead).where(
        untouched, Lead.due_at >= now, Lead.due_at < now + timedelta(hours=24))).one()
    unread = notes_feed.unread_count(viewer, session=session)
    deals = session.exec(select(func.count(), func.sum(Opportunity.amount)).where(
        opportunity_scope(viewer), Opportunity.stage.in_(OPEN_STAGES))).one()
    unassigned = 0
    if viewer.role is Role.manager:
        unassigned = session.exec(select(func.count()).select_from(Lead).where(
            Lead.territory_id == viewer.territory_id, Lead.assigned_to_id.is_(None),
            Lead.status.in_(OPEN_LEAD_STATUSES))).one()
    return FieldDay(open_leads=open_leads, overdue_untouched=overdue, due_today=due_today, unread_notes=unread,
                    open_deals=deals[0], open_pipeline=deals[1] or 0,
                    upcoming=upcoming_events(viewer, session=session, now=now), unassigned_in_territory=unassigned)


@dataclass(frozen=True)
class MarketingDay:
    active_campaigns: int
    leads_last_7_days: int
    overdue_untouched: int
    unrouted_leads: int
    unanswered_feedback: int
    upcoming: list[UpcomingEvent]


def marketing_day(viewer: Viewer, *, session: Session, now: datetime | None = None) -> MarketingDay:
    require_role(viewer, Role.marketer, Role.admin, Role.executive)
    now = now or utcnow()
    today = now.date()
    count = lambda stmt: session.exec(stmt).one()  # noqa: E731
    return MarketingDay(
        active_campaigns=count(select(func.count()).select_from(Campaign).where(
            Campaign.start_date <= today, Campaign.end_date >= today, Campaign.status != "cancelled")),
        leads_last_7_days=count(select(func.count()).select_from(Lead).where(Lead.created_at >= now - timedelta(days=7))),
        overdue_untouched=count(select(func.count()).select_from(Lead).where(
            Lead.due_at < now, Lead.first_touch_at.is_(None), Lead.status.in_(OPEN_LEAD_STATUSES))),
        unrouted_leads=unrouted_leads(session=session),
        unanswered_feedback=count(select(func.count()).select_from(Feedback).where(Feedback.answer.is_(None))),
        upcoming=upcoming_events(viewer, session=session, now=now),
    )


def unrouted_leads(*, session: Session) -> int:
    """Leads waiting for routing: open with no territory or no rep, or rejected (back to marketing).

    Counted as |no territory| + |no rep| − |neither| among the open leads, plus the rejected ones
    (the open statuses exclude rejected): each count is a seek in an index (the territory queue
    cover, the assignee index). Written as one OR, PostgreSQL scanned the whole lead table for it
    (100 ms at large)."""
    def n(*conditions) -> int:
        return session.exec(select(func.count()).select_from(Lead).where(*conditions)).one()
    open_ = Lead.status.in_(OPEN_LEAD_STATUSES)
    no_territory, no_rep = Lead.territory_id.is_(None), Lead.assigned_to_id.is_(None)
    return (n(open_, no_territory) + n(open_, no_rep) - n(open_, no_territory, no_rep)
            + n(Lead.status == LeadStatus.rejected))


@dataclass(frozen=True)
class AdminDay:
    active_users: int
    disabled_users: int
    locked_usernames: int
    recent_audit: list[tuple]


def admin_day(viewer: Viewer, *, session: Session, now: datetime | None = None) -> AdminDay:
    require_role(viewer, Role.admin)
    now = now or utcnow()
    return AdminDay(
        active_users=session.exec(select(func.count()).select_from(User).where(User.active.is_(True))).one(),
        disabled_users=session.exec(select(func.count()).select_from(User).where(User.active.is_(False))).one(),
        locked_usernames=session.exec(select(func.count()).select_from(LoginThrottle).where(
            LoginThrottle.locked_until > now)).one(),
        recent_audit=session.exec(select(AuditLog.at, AuditLog.username, AuditLog.action, AuditLog.entity,
                                         AuditLog.entity_key).order_by(AuditLog.id.desc()).limit(10)).all(),
    )


def viewer_territory_name(viewer: Viewer, *, session: Session) -> str:
    """The name of the viewer's own territory ("company-wide" for the roles without one)."""
    return territory_name(viewer.territory_id, session=session)


def territory_name(territory_id: int | None, *, session: Session) -> str:
    if territory_id is None:
        return _("company-wide")
    t = session.get(Territory, territory_id)
    return t.name if t else "?"
