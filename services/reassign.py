"""A sales manager's tools: move leads and opportunities between the territory's reps (one at a
time, or all of a rep's open ones when they leave or move), and route the territory's unassigned
leads. Only records of the manager's own territory are touched, whoever holds them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, select

from models.enums import OPEN_LEAD_STATUSES, OPEN_STAGES, Role
from models.errors import StaleEdit, ValidationFailed
from models.tables import Lead, Opportunity, User
from models.types import utcnow
from queries.field_common import require_field
from queries.scope import AccessDenied, Viewer, require_role

from . import audit, notifications, sla
from .leads import STALE_LEAD
from .opportunities import STALE_OPPORTUNITY
from i18n import _

MAX_ROUTE_BATCH = 1000


def _manager(viewer: Viewer) -> None:
    require_field(viewer)
    require_role(viewer, Role.manager)


def _target_rep(viewer: Viewer, user_id: int, *, session: Session) -> User:
    rep = session.exec(select(User).where(User.id == int(user_id), User.territory_id == viewer.territory_id,
                                          User.role == Role.rep)).first()
    if rep is None:
        raise AccessDenied(_("user #{user_id} is not a rep of your territory").format(user_id=user_id))
    if not rep.active:
        raise ValidationFailed(_("{display_name} is disabled; choose an active rep").format(display_name=rep.display_name))
    return rep


def _territory_lead(viewer: Viewer, lead_id: int, *, session: Session) -> Lead:
    lead = session.exec(select(Lead).where(Lead.id == int(lead_id), Lead.territory_id == viewer.territory_id)
                        .with_for_update()).first()
    if lead is None:
        raise AccessDenied(_("lead #{lead_id} is not a lead of your territory").format(lead_id=lead_id))
    return lead


def reassign_lead(viewer: Viewer, lead_id: int, to_user_id: int, *, session: Session,
                  expected_version: int | None = None, now: datetime | None = None) -> Lead:
    """Hand one lead to another rep. An untouched lead is a new hand-over (DESIGN.md: reassigning
    computes a new deadline); a lead already touched keeps its assigned_at and due_at."""
    _manager(viewer)
    rep = _target_rep(viewer, to_user_id, session=session)
    lead = _territory_lead(viewer, lead_id, session=session)
    if expected_version is not None and lead.version != int(expected_version):
        raise StaleEdit(STALE_LEAD)
    if lead.status not in OPEN_LEAD_STATUSES:
        raise ValidationFailed(_("lead {code} is {value}; only open leads are reassigned").format(code=lead.code, value=lead.status.value))
    fields = ["assigned_to_id", "assigned_at", "due_at"]
    before = audit.snapshot(lead, fields)
    previous = lead.assigned_to_id
    if lead.first_touch_at is None:
        sla.hand_over(lead, rep.id, now or utcnow(), session=session)
    else:
        lead.assigned_to_id = rep.id
    lead.version += 1
    audit.record(session=session, username=viewer.username, action="reassign", entity="lead", entity_key=lead.code,
                 detail=audit.changes(before, audit.snapshot(lead, fields)))
    notifications.lead_reassigned(lead, previous_rep_id=previous, by=viewer.username, session=session)
    return lead


def reassign_opportunity(viewer: Viewer, opportunity_id: int, to_user_id: int, *, session: Session,
                         expected_version: int | None = None) -> Opportunity:
    _manager(viewer)
    rep = _target_rep(viewer, to_user_id, session=session)
    opportunity = session.exec(select(Opportunity).where(
        Opportunity.id == int(opportunity_id), Opportunity.territory_id == viewer.territory_id)
        .with_for_update()).first()
    if opportunity is None:
        raise AccessDenied(_("opportunity #{opportunity_id} is not an opportunity of your territory").format(opportunity_id=opportunity_id))
    if expected_version is not None and opportunity.version != int(expected_version):
        raise StaleEdit(STALE_OPPORTUNITY)
    before = audit.snapshot(opportunity, ["owner_id"])
    opportunity.owner_id = rep.id
    opportunity.version += 1
    audit.record(session=session, username=viewer.username, action="reassign", entity="opportunity",
                 entity_key=opportunity.code, detail=audit.changes(before, {"owner_id": rep.id}))
    return opportunity


@dataclass(frozen=True)
class Moved:
    leads: int
    opportunities: int


def _holds_open_work(user_id: int, territory_id: int, *, session: Session) -> bool:
    leads = select(Lead.id).where(Lead.territory_id == territory_id, Lead.assigned_to_id == user_id,
                                  Lead.status.in_(OPEN_LEAD_STATUSES)).exists()
    deals = select(Opportunity.id).where(Opportunity.territory_id == territory_id, Opportunity.owner_id == user_id,
                                         Opportunity.stage.in_(OPEN_STAGES)).exists()
    return bool(session.execute(sa_select(or_(leads, deals))).scalar())


def move_open_work(*, session: Session, from_user_id: int, to_user_id: int,
                   territory_id: int | None = None) -> Moved:
    """Hand every open lead and open opportunity one person holds (of one territory, if given) to
    another, in two set-based UPDATEs that bump the rows' versions. No checks: callers check."""
    lead_where = [Lead.assigned_to_id == from_user_id, Lead.status.in_(OPEN_LEAD_STATUSES)]
    deal_where = [Opportunity.owner_id == from_user_id, Opportunity.stage.in_(OPEN_STAGES)]
    if territory_id is not None:
        lead_where.append(Lead.territory_id == territory_id)
        deal_where.append(Opportunity.territory_id == territory_id)
    leads = session.execute(update(Lead).where(*lead_where).values(assigned_to_id=to_user_id, version=Lead.version + 1)
                            .execution_options(synchronize_session=False)).rowcount
    deals = session.execute(update(Opportunity).where(*deal_where)
                            .values(owner_id=to_user_id, version=Opportunity.version + 1)
                            .execution_options(synchronize_session=False)).rowcount
    return Moved(leads, deals)


def reassign_all_open(viewer: Viewer, from_user_id: int, to_user_id: int, *, session: Session) -> Moved:
    """Every open lead and open opportunity of this territory held by one person (a rep who left
    or moved away) goes to an active rep of the territory, in two set-based UPDATEs."""
    _manager(viewer)
    rep = _target_rep(viewer, to_user_id, session=session)
    if int(from_user_id) == rep.id:
        raise ValidationFailed(_("choose two different reps"))
    source = session.get(User, int(from_user_id))
    if source is None:
        raise AccessDenied(_("user #{from_user_id} is unknown").format(from_user_id=from_user_id))
    if source.territory_id != viewer.territory_id and not _holds_open_work(source.id, viewer.territory_id,
                                                                           session=session):
        # someone of another territory who holds none of this territory's open work is none of
        # this manager's business (and must not even get an audit entry written in their name)
        raise AccessDenied(_("user #{from_user_id} is not a rep of your territory").format(from_user_id=from_user_id))
    moved = move_open_work(session=session, from_user_id=source.id, to_user_id=rep.id,
                           territory_id=viewer.territory_id)
    audit.record(session=session, username=viewer.username, action="reassign_all", entity="user",
                 entity_key=source.username,
                 detail={"to": rep.username, "territory_id": viewer.territory_id, "open_leads": moved.leads,
                         "open_opportunities": moved.opportunities})
    return moved


def route_leads(viewer: Viewer, lead_ids: list[int], to_user_id: int, *, session: Session,
                now: datetime | None = None) -> int:
    """Give chosen unassigned open leads of the territory to a rep; the handoff (assigned_at)
    is now. Any id that is not such a lead refuses the whole batch."""
    _manager(viewer)
    ids = sorted({int(i) for i in lead_ids})
    if not ids:
        raise ValidationFailed(_("choose at least one lead to route"))
    if len(ids) > MAX_ROUTE_BATCH:
        raise ValidationFailed(_("route at most {MAX_ROUTE_BATCH} leads at a time").format(MAX_ROUTE_BATCH=MAX_ROUTE_BATCH))
    rep = _target_rep(viewer, to_user_id, session=session)
    now = now or utcnow()
    leads = session.exec(select(Lead).where(Lead.id.in_(ids), Lead.territory_id == viewer.territory_id)
                         .with_for_update()).all()
    if len(leads) != len(ids):
        missing = sorted(set(ids) - {lead.id for lead in leads})
        raise AccessDenied(_("not leads of your territory: {join}").format(join=', '.join(f'#{i}' for i in missing[:10])))
    taken = [lead.code for lead in leads if lead.assigned_to_id is not None or lead.status not in OPEN_LEAD_STATUSES]
    if taken:
        raise StaleEdit(_("already routed or closed since you opened the list: {join}; reload").format(join=', '.join(taken[:10])))
    policy = sla.current_policy(session=session)
    for lead in leads:
        # assigned_at is never before created_at (hand_over) — a lead created "later" by a skewed clock
        sla.hand_over(lead, rep.id, now, session=session, policy=policy)
        lead.version += 1
        notifications.lead_assigned(lead, session=session)
    audit.record(session=session, username=viewer.username, action="route", entity="lead",
                 entity_key=leads[0].code if len(leads) == 1 else f"{len(leads)} leads",
                 detail={"to": rep.username, "leads": [lead.code for lead in leads],
                         "assigned_to_id": {"before": None, "after": rep.id}})
    return len(leads)
