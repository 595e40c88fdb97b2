"""A sales manager's view of their team: each rep's load, and the territory's unassigned leads."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_
from sqlmodel import Session, select

from models.enums import OPEN_LEAD_STATUSES, OPEN_STAGES, Role
from models.tables import Campaign, Lead, Opportunity, User
from models.types import utcnow

from .field_common import like_pattern, matches, require_field
from .paging import ResultPage, page_bounds
from .scope import Viewer, require_role


@dataclass(frozen=True)
class TeamMember:
    id: int
    username: str
    display_name: str
    role: str
    active: bool
    in_territory: bool
    open_leads: int
    overdue_leads: int
    open_deals: int


def team_load(viewer: Viewer, *, session: Session, now: datetime | None = None) -> list[TeamMember]:
    """The territory's reps, plus anyone outside it (a rep who left or moved) who still holds
    open leads or deals of this territory, with their open work here."""
    require_field(viewer)
    require_role(viewer, Role.manager)
    now = now or utcnow()
    territory = viewer.territory_id
    open_lead = (Lead.assigned_to_id == User.id) & (Lead.territory_id == territory) \
        & Lead.status.in_(OPEN_LEAD_STATUSES)
    open_leads = select(func.count(Lead.id)).where(open_lead).correlate(User).scalar_subquery()
    overdue = select(func.count(Lead.id)).where(open_lead, Lead.first_touch_at.is_(None),
                                                Lead.due_at < now).correlate(User).scalar_subquery()
    open_deal = (Opportunity.owner_id == User.id) & (Opportunity.territory_id == territory) \
        & Opportunity.stage.in_(OPEN_STAGES)
    open_deals = select(func.count(Opportunity.id)).where(open_deal).correlate(User).scalar_subquery()
    holds_work = or_(select(Lead.id).where(open_lead).correlate(User).exists(),
                     select(Opportunity.id).where(open_deal).correlate(User).exists())
    rows = session.exec(
        select(User.id, User.username, User.display_name, User.role, User.active, User.territory_id == territory,
               open_leads, overdue, open_deals)
        .where(or_((User.territory_id == territory) & (User.role == Role.rep), holds_work))
        .order_by(User.active.desc(), User.display_name)).all()
    return [TeamMember(r[0], r[1], r[2], str(r[3]), bool(r[4]), bool(r[5]), *r[6:]) for r in rows]


@dataclass(frozen=True)
class UnassignedLead:
    id: int
    code: str
    company: str
    contact_name: str | None
    campaign: str
    created_at: datetime
    version: int


def unassigned_leads(viewer: Viewer, *, session: Session, search: str | None = None, limit: int = 25,
                     offset: int = 0) -> ResultPage[UnassignedLead]:
    """Open leads routed to the manager's territory but to no rep yet, oldest first."""
    require_field(viewer)
    require_role(viewer, Role.manager)
    limit, offset = page_bounds(limit, offset)
    where = [Lead.territory_id == viewer.territory_id, Lead.assigned_to_id.is_(None),
             Lead.status.in_(OPEN_LEAD_STATUSES),
             matches(like_pattern(search), Lead.code, Lead.company, Lead.contact_name)]
    rows = session.exec(
        select(Lead.id, Lead.code, Lead.company, Lead.contact_name, Campaign.name, Lead.created_at, Lead.version)
        .join(Campaign, Campaign.id == Lead.campaign_id)
        .where(*where).order_by(Lead.created_at, Lead.id).limit(limit).offset(offset)).all()
    total = session.exec(select(func.count()).select_from(Lead).where(*where)).one()
    return ResultPage([UnassignedLead(*r) for r in rows], total, limit, offset)
