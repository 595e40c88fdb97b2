"""A sales manager's view of their team: each rep's load, and the territory's unassigned leads."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, func, or_
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
    open leads or deals of this territory, with their open work here.

    Three statements whatever the team's size: the territory's open leads per assignee (with the
    overdue ones), its open deals per owner, then those people. (Correlated counts per user made
    the database visit every user of the company; at 5,000 users one Team page took minutes.)"""
    require_field(viewer)
    require_role(viewer, Role.manager)
    now = now or utcnow()
    territory = viewer.territory_id
    overdue = func.coalesce(func.sum(case((and_(Lead.first_touch_at.is_(None), Lead.due_at < now), 1), else_=0)), 0)
    leads = {owner: (int(n), int(late)) for owner, n, late in session.exec(
        select(Lead.assigned_to_id, func.count(), overdue)
        .where(Lead.territory_id == territory, Lead.status.in_(OPEN_LEAD_STATUSES), Lead.assigned_to_id.is_not(None))
        .group_by(Lead.assigned_to_id)).all()}
    deals = {owner: int(n) for owner, n in session.exec(
        select(Opportunity.owner_id, func.count())
        .where(Opportunity.territory_id == territory, Opportunity.stage.in_(OPEN_STAGES),
               Opportunity.owner_id.is_not(None))
        .group_by(Opportunity.owner_id)).all()}
    holders = sorted(set(leads) | set(deals))
    people = (User.territory_id == territory) & (User.role == Role.rep)
    if holders:
        people = or_(people, User.id.in_(holders))
    rows = session.exec(
        select(User.id, User.username, User.display_name, User.role, User.active, User.territory_id)
        .where(people).order_by(User.active.desc(), User.display_name)).all()
    return [TeamMember(r[0], r[1], r[2], str(r[3]), bool(r[4]), r[5] == territory, *leads.get(r[0], (0, 0)),
                       deals.get(r[0], 0)) for r in rows]


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
    # The page's ids from the territory queue cover first, then their rows (as the lead queue does).
    order = (Lead.created_at, Lead.id)
    page = select(Lead.id).where(*where).order_by(*order).limit(limit).offset(offset).subquery("page")
    rows = session.exec(
        select(Lead.id, Lead.code, Lead.company, Lead.contact_name, Campaign.name, Lead.created_at, Lead.version)
        .join(page, page.c.id == Lead.id).join(Campaign, Campaign.id == Lead.campaign_id)
        .order_by(*order)).all()
    total = session.exec(select(func.count()).select_from(Lead).where(*where)).one()
    return ResultPage([UnassignedLead(*r) for r in rows], total, limit, offset)
