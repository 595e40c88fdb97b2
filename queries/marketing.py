"""Read side of the marketing workspace: campaigns, events, notes and their readers, the routing
queue, import batches and the feedback inbox. Every list pages in SQL; every function checks the
viewer (marketers and admins company-wide; a manager sees the routing queue of their territory).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import and_, bindparam, case, exists, false, func, or_, select, true
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models.enums import OPEN_LEAD_STATUSES, CampaignStatus, Channel, EventStatus, FeedbackKind, Role
from models.tables import (
    Account, Campaign, CampaignNote, CampaignTerritory, Event, Feedback, ImportBatch, Lead, NoteRead, Territory, User,
)
from queries.campaign_head import CampaignHead
from queries.paging import ResultPage, paged
from queries.scope import AccessDenied, Viewer, campaign_targets_territory, require_role
from i18n import _

MARKETING_ROLES = (Role.marketer, Role.admin)
ROUTING_ROLES = (Role.marketer, Role.admin, Role.manager)
Author = aliased(User, name="author")


# -- reference lists -------------------------------------------------------------------------

@dataclass(frozen=True)
class TerritoryRow:
    id: int
    code: str
    name: str


def territories(*, session: Session) -> list[TerritoryRow]:
    return [TerritoryRow(*r) for r in session.execute(select(Territory.id, Territory.code, Territory.name)
                                                      .order_by(Territory.code)).all()]


def campaign_owners(viewer: Viewer, *, session: Session) -> list[tuple[int, str]]:
    require_role(viewer, *MARKETING_ROLES)
    return [tuple(r) for r in session.execute(
        select(User.id, User.display_name).where(User.role.in_(MARKETING_ROLES), User.active.is_(True))
        .order_by(User.display_name)).all()]


def campaign_choices(viewer: Viewer, *, session: Session, search: str = "", limit: int = 200,
                     include_cancelled: bool = True, started_by: date | None = None) -> list[tuple[int, str]]:
    """(id, "CODE · name") for select boxes: the most recent campaigns matching ``search``
    (with ``started_by``, campaigns that had started by that day come first).
    A manager (routing page) gets the campaigns of their territory only: those targeting it and
    those with leads in it."""
    require_role(viewer, *ROUTING_ROLES)
    query = select(Campaign.id, Campaign.code, Campaign.name)
    if viewer.role is Role.manager:
        has_leads_here = exists().where(Lead.campaign_id == Campaign.id, Lead.territory_id == viewer.territory_id)
        query = query.where(or_(campaign_targets_territory(Campaign.id, viewer.territory_id), has_leads_here))
    if search:
        like = f"%{search.strip().lower()}%"
        query = query.where(or_(func.lower(Campaign.name).like(like), func.lower(Campaign.code).like(like)))
    if not include_cancelled:
        query = query.where(Campaign.status != CampaignStatus.cancelled)
    order = [Campaign.start_date.desc(), Campaign.id.desc()]
    if started_by is not None:
        order.insert(0, case((Campaign.start_date <= started_by, 0), else_=1))
    rows = session.execute(query.order_by(*order).limit(limit)).all()
    return [(r[0], f"{r[1]} · {r[2]}") for r in rows]


# -- campaigns and events --------------------------------------------------------------------

@dataclass(frozen=True)
class CampaignEdit(CampaignHead):
    """A campaign's own fields, what its edit form starts from (no counts of its events and leads)."""
    budget: Decimal | None
    actual_cost: Decimal | None
    target_segment: str | None
    objective: str | None
    owner_id: int | None
    owner: str | None
    version: int


@dataclass(frozen=True)
class CampaignRow(CampaignEdit):
    events: int
    leads: int


def _campaign_own_columns():
    return (Campaign.id, Campaign.code, Campaign.name, Campaign.channel, Campaign.status, Campaign.start_date,
            Campaign.end_date, Campaign.budget, Campaign.actual_cost, Campaign.target_segment, Campaign.objective,
            Campaign.owner_id, Author.display_name, Campaign.version)


def _campaign_columns():
    events = select(func.count(Event.id)).where(Event.campaign_id == Campaign.id).scalar_subquery()
    leads = select(func.count(Lead.id)).where(Lead.campaign_id == Campaign.id).scalar_subquery()
    return (*_campaign_own_columns(), events, leads)


def list_campaigns(viewer: Viewer, *, session: Session, search: str = "", status: CampaignStatus | None = None,
                   channel: Channel | None = None, territory_id: int | None = None, limit: int = 25,
                   offset: int = 0) -> ResultPage[CampaignRow]:
    require_role(viewer, *MARKETING_ROLES)
    conds = []
    if search:
        like = f"%{search.strip().lower()}%"
        conds.append(or_(func.lower(Campaign.name).like(like), func.lower(Campaign.code).like(like)))
    if status:
        conds.append(Campaign.status == status)
    if channel:
        conds.append(Campaign.channel == channel)
    if territory_id is not None:
        listed = select(CampaignTerritory.campaign_id).where(CampaignTerritory.campaign_id == Campaign.id)
        conds.append(or_(~listed.exists(), listed.where(CampaignTerritory.territory_id == territory_id).exists()))
    query = (select(*_campaign_columns()).outerjoin(Author, Author.id == Campaign.owner_id).where(*conds)
             .order_by(Campaign.start_date.desc(), Campaign.id.desc()))
    return paged(session, query, select(func.count(Campaign.id)).where(*conds), limit=limit, offset=offset,
                 make=lambda r: CampaignRow(*r))


def campaign_row(viewer: Viewer, campaign_id: int, *, session: Session) -> CampaignRow | None:
    require_role(viewer, *MARKETING_ROLES)
    row = session.execute(select(*_campaign_columns()).outerjoin(Author, Author.id == Campaign.owner_id)
                          .where(Campaign.id == campaign_id)).first()
    return CampaignRow(*row) if row else None


_TARGET_IDS = (select(CampaignTerritory.territory_id)
               .where(CampaignTerritory.campaign_id == bindparam("campaign_id"))
               .order_by(CampaignTerritory.territory_id))


def campaign_target_ids(campaign_id: int, *, session: Session) -> list[int]:
    """Listed target territories, in id order; empty means every territory."""
    return list(session.connection().execute(_TARGET_IDS, {"campaign_id": campaign_id}).scalars())


def campaign_for_edit(viewer: Viewer, campaign_id: int, *, session: Session) -> tuple[CampaignEdit | None, list[int]]:
    """The campaign as it is now (its version, for the edit form) and its target territories, in one
    read: what the campaigns page opens, read fresh on every rerun of it. Without the counts of its
    events and leads, which the list above shows (from the cache) and the form does not need (a
    third of this read's time). Statements built once, run as Core on the session's connection:
    0.66 -> 0.22 ms for the read alone (bench/README.md, thirteenth session)."""
    require_role(viewer, *MARKETING_ROLES)
    row = session.connection().execute(_EDIT_ROW, {"campaign_id": campaign_id}).first()
    if row is None:
        return None, []
    return CampaignEdit(*row), campaign_target_ids(campaign_id, session=session)


_EDIT_ROW = (select(*_campaign_own_columns()).outerjoin(Author, Author.id == Campaign.owner_id)
             .where(Campaign.id == bindparam("campaign_id")))


@dataclass(frozen=True)
class EventRow:
    id: int
    code: str
    title: str
    kind: str
    territory_id: int
    territory: str
    venue: str | None
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    status: str
    leads: int


def events_of_campaign(viewer: Viewer, campaign_id: int, *, session: Session) -> list[EventRow]:
    require_role(viewer, *MARKETING_ROLES)
    leads = select(func.count(Lead.id)).where(Lead.event_id == Event.id).scalar_subquery()
    rows = session.execute(
        select(Event.id, Event.code, Event.title, Event.kind, Event.territory_id, Territory.name, Event.venue,
               Event.starts_at, Event.ends_at, Event.capacity, Event.status, leads)
        .join(Territory, Territory.id == Event.territory_id)
        .where(Event.campaign_id == campaign_id).order_by(Event.starts_at, Event.id)).all()
    return [EventRow(*r) for r in rows]


# -- notes -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class NoteRow:
    id: int
    version: int
    title: str
    body_md: str
    status: str
    published_at: datetime | None
    author: str | None


def notes_of_campaign(viewer: Viewer, campaign_id: int, *, session: Session) -> list[NoteRow]:
    """Every version, newest first (the draft, if any, is the highest version)."""
    require_role(viewer, *MARKETING_ROLES)
    rows = session.execute(
        select(CampaignNote.id, CampaignNote.version, CampaignNote.title, CampaignNote.body_md, CampaignNote.status,
               CampaignNote.published_at, Author.display_name)
        .outerjoin(Author, Author.id == CampaignNote.author_id)
        .where(CampaignNote.campaign_id == campaign_id).order_by(CampaignNote.version.desc())).all()
    return [NoteRow(*r) for r in rows]


def _target_reps_of_note(note_id: int):
    """Active reps of the note's campaign's target territories (every territory when none is listed)."""
    note_campaign = select(CampaignNote.campaign_id).where(CampaignNote.id == note_id).scalar_subquery()
    listed = select(CampaignTerritory.territory_id).where(CampaignTerritory.campaign_id == note_campaign)
    in_targets = or_(~listed.exists(), User.territory_id.in_(listed))
    return and_(User.role == Role.rep, User.active.is_(True), in_targets)


def _has_read(note_id: int):
    return exists().where(NoteRead.note_id == note_id, NoteRead.user_id == User.id)


@dataclass(frozen=True)
class ReadRateRow:
    territory: str
    target_reps: int
    read: int

    @property
    def rate(self) -> Decimal | None:
        return None if self.target_reps == 0 else Decimal(self.read) / Decimal(self.target_reps)


def note_read_rate_by_territory(viewer: Viewer, note_id: int, *, session: Session) -> list[ReadRateRow]:
    """Per target territory: its active reps and how many of them have read this version."""
    require_role(viewer, *MARKETING_ROLES)
    rows = session.execute(
        select(Territory.name, func.count(User.id), func.sum(case((_has_read(note_id), 1), else_=0)))
        .join(User, User.territory_id == Territory.id).where(_target_reps_of_note(note_id))
        .group_by(Territory.id, Territory.name).order_by(Territory.name)).all()
    return [ReadRateRow(r[0], int(r[1]), int(r[2] or 0)) for r in rows]


def unread_reps(viewer: Viewer, note_id: int, *, session: Session) -> list[tuple[str, str, str]]:
    """(display name, username, territory) of target reps with no read receipt for this version."""
    require_role(viewer, *MARKETING_ROLES)
    rows = session.execute(
        select(User.display_name, User.username, Territory.name).join(Territory, Territory.id == User.territory_id)
        .where(_target_reps_of_note(note_id), ~_has_read(note_id)).order_by(Territory.name, User.username)).all()
    return [tuple(r) for r in rows]


# -- routing queue ---------------------------------------------------------------------------

@dataclass(frozen=True)
class QueueRow:
    id: int
    code: str
    company: str
    contact_name: str | None
    email: str | None
    campaign: str
    event: str | None
    territory_id: int | None
    territory: str | None
    account: str | None
    created_at: datetime
    version: int


def _queue_scope(viewer: Viewer):
    require_role(viewer, *ROUTING_ROLES)
    if viewer.role is Role.manager:
        return Lead.territory_id == viewer.territory_id
    return true()


def unassigned_queue(viewer: Viewer, *, session: Session, campaign_id: int | None = None,
                     territory_id: int | None = None, without_territory: bool = False, limit: int = 50,
                     offset: int = 0) -> ResultPage[QueueRow]:
    """Open leads nobody is assigned to, oldest first; a manager sees their territory's only."""
    conds = [_queue_scope(viewer), Lead.assigned_to_id.is_(None), Lead.status.in_(OPEN_LEAD_STATUSES)]
    if campaign_id is not None:
        conds.append(Lead.campaign_id == campaign_id)
    if without_territory:
        conds.append(Lead.territory_id.is_(None) if viewer.role is not Role.manager else false())
    elif territory_id is not None:
        conds.append(Lead.territory_id == territory_id)
    query = (select(Lead.id, Lead.code, Lead.company, Lead.contact_name, Lead.email, Campaign.name, Event.title,
                    Lead.territory_id, Territory.name, Account.name, Lead.created_at, Lead.version)
             .join(Campaign, Campaign.id == Lead.campaign_id).outerjoin(Event, Event.id == Lead.event_id)
             .outerjoin(Territory, Territory.id == Lead.territory_id).outerjoin(Account, Account.id == Lead.account_id)
             .where(*conds).order_by(Lead.created_at, Lead.id))
    return paged(session, query, select(func.count(Lead.id)).where(*conds), limit=limit, offset=offset,
                 make=lambda r: QueueRow(*r))


def routable_reps(viewer: Viewer, territory_id: int, *, session: Session) -> list[tuple[int, str, int]]:
    """(id, display name, open leads) of the territory's active reps, fewest open leads first."""
    require_role(viewer, *ROUTING_ROLES)
    if viewer.role is Role.manager and territory_id != viewer.territory_id:
        raise AccessDenied(_("a manager routes leads only within their own territory"))
    open_leads = (select(func.count(Lead.id)).where(Lead.assigned_to_id == User.id,
                                                    Lead.status.in_(OPEN_LEAD_STATUSES)).scalar_subquery())
    rows = session.execute(select(User.id, User.display_name, open_leads)
                           .where(User.role == Role.rep, User.active.is_(True), User.territory_id == territory_id)
                           .order_by(open_leads, User.username)).all()
    return [(r[0], r[1], int(r[2])) for r in rows]


@dataclass(frozen=True)
class AssignedLeadRow:
    code: str
    company: str
    contact_name: str | None
    territory: str | None
    rep: str | None


def leads_of_batch(viewer: Viewer, batch_id: int, *, session: Session, limit: int = 50,
                   offset: int = 0) -> ResultPage[AssignedLeadRow]:
    require_role(viewer, *MARKETING_ROLES)
    rep = aliased(User, name="rep")
    conds = [Lead.import_batch_id == batch_id]
    query = (select(Lead.code, Lead.company, Lead.contact_name, Territory.name, rep.display_name)
             .outerjoin(Territory, Territory.id == Lead.territory_id).outerjoin(rep, rep.id == Lead.assigned_to_id)
             .where(*conds).order_by(Lead.code))
    return paged(session, query, select(func.count(Lead.id)).where(*conds), limit=limit, offset=offset,
                 make=lambda r: AssignedLeadRow(*r))


# -- import batches --------------------------------------------------------------------------

@dataclass(frozen=True)
class BatchRow:
    id: int
    campaign: str
    event: str | None
    filename: str
    created_at: datetime
    created_by: str | None
    row_count: int
    undone_at: datetime | None


def import_batches(viewer: Viewer, *, session: Session, campaign_id: int | None = None, limit: int = 20,
                   offset: int = 0) -> ResultPage[BatchRow]:
    require_role(viewer, *MARKETING_ROLES)
    conds = [] if campaign_id is None else [ImportBatch.campaign_id == campaign_id]
    query = (select(ImportBatch.id, Campaign.name, Event.title, ImportBatch.filename, ImportBatch.created_at,
                    Author.display_name, ImportBatch.row_count, ImportBatch.undone_at)
             .join(Campaign, Campaign.id == ImportBatch.campaign_id)
             .outerjoin(Event, Event.id == ImportBatch.event_id)
             .outerjoin(Author, Author.id == ImportBatch.created_by_id)
             .where(*conds).order_by(ImportBatch.id.desc()))
    return paged(session, query, select(func.count(ImportBatch.id)).where(*conds), limit=limit, offset=offset,
                 make=lambda r: BatchRow(*r))


# -- feedback inbox --------------------------------------------------------------------------

@dataclass(frozen=True)
class FeedbackRow:
    id: int
    kind: str
    body: str
    created_at: datetime
    author: str
    territory: str | None
    campaign: str | None
    event: str | None
    answer: str | None
    answered_at: datetime | None
    resolved_at: datetime | None


def feedback_inbox(viewer: Viewer, *, session: Session, campaign_id: int | None = None, event_id: int | None = None,
                   kind: FeedbackKind | None = None, show_resolved: bool = True, limit: int = 25,
                   offset: int = 0) -> ResultPage[FeedbackRow]:
    """Unanswered first, then the newest."""
    require_role(viewer, *MARKETING_ROLES)
    conds = []
    if campaign_id is not None:
        conds.append(Feedback.campaign_id == campaign_id)
    if event_id is not None:
        conds.append(Feedback.event_id == event_id)
    if kind:
        conds.append(Feedback.kind == FeedbackKind(kind))
    if not show_resolved:
        conds.append(Feedback.resolved_at.is_(None))
    unanswered_first = case((Feedback.answer.is_(None), 0), else_=1)
    query = (select(Feedback.id, Feedback.kind, Feedback.body, Feedback.created_at, User.display_name, Territory.name,
                    Campaign.name, Event.title, Feedback.answer, Feedback.answered_at, Feedback.resolved_at)
             .join(User, User.id == Feedback.user_id).outerjoin(Territory, Territory.id == Feedback.territory_id)
             .outerjoin(Campaign, Campaign.id == Feedback.campaign_id).outerjoin(Event, Event.id == Feedback.event_id)
             .where(*conds).order_by(unanswered_first, Feedback.created_at.desc(), Feedback.id.desc()))
    return paged(session, query, select(func.count(Feedback.id)).where(*conds), limit=limit, offset=offset,
                 make=lambda r: FeedbackRow(*r))


def event_choices(viewer: Viewer, campaign_id: int, *, session: Session) -> list[tuple[int, str]]:
    require_role(viewer, *MARKETING_ROLES)
    rows = session.execute(select(Event.id, Event.code, Event.title, Event.status).where(Event.campaign_id == campaign_id)
                           .order_by(Event.starts_at)).all()
    return [(r[0], f"{r[1]} · {r[2]}" + (" (cancelled)" if r[3] == EventStatus.cancelled else "")) for r in rows]

