"""The lead queue: leads handed to a rep (a manager: to the territory's reps), most urgent first,
each with its response deadline (the stored due_at, fixed at the hand-over: services.sla)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, case, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from models.enums import OPEN_LEAD_STATUSES, LeadStatus
from models.settings_store import load_settings
from models.tables import Account, Activity, Campaign, Event, Lead, Opportunity, User
from models.timefmt import fmt_duration
from models.types import utcnow

from .field_common import like_pattern, matches, rep_filter, require_field
from .paging import ResultPage, page_bounds
from .scope import AccessDenied, Viewer, lead_scope
from i18n import _

STATUS_FILTERS = ("open", "overdue", "all") + tuple(s.value for s in LeadStatus)


@dataclass(frozen=True)
class QueuedLead:
    id: int
    code: str
    company: str
    contact_name: str | None
    email: str | None
    phone: str | None
    status: str
    campaign: str
    event: str | None
    account: str | None
    rep: str | None
    created_at: datetime
    assigned_at: datetime | None
    first_touch_at: datetime | None
    deadline: datetime | None
    version: int

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_LEAD_STATUSES

    def due_label(self, now: datetime) -> str:
        """'due in 3h 5m' / 'overdue by 1d 2h' while untouched; afterwards how the touch went."""
        if self.deadline is None:
            return "not assigned"
        if self.first_touch_at is not None:
            return _("touched in time") if self.first_touch_at <= self.deadline else _("touched late")
        if not self.is_open:
            return "closed untouched"
        if now <= self.deadline:
            return _("due in {duration}").format(duration=fmt_duration(self.deadline - now))
        return _("overdue by {duration}").format(duration=fmt_duration(now - self.deadline))

    def is_overdue(self, now: datetime) -> bool:
        return self.is_open and self.first_touch_at is None and self.deadline is not None and now > self.deadline


@dataclass(frozen=True)
class LeadDetail:
    lead: QueuedLead
    campaign_id: int
    event_id: int | None
    account_id: int | None
    assigned_to_id: int | None
    disqualify_reason: str | None
    converted_at: datetime | None
    opportunity_id: int | None
    opportunity: str | None
    activities: list[tuple]


def _queue_select():
    rep = aliased(User, name="rep")
    return (select(Lead.id, Lead.code, Lead.company, Lead.contact_name, Lead.email, Lead.phone, Lead.status,
                   Campaign.name.label("campaign"), Event.title.label("event"), Account.name.label("account"),
                   rep.display_name.label("rep"), Lead.created_at, Lead.assigned_at, Lead.first_touch_at,
                   Lead.version, Lead.due_at)
            .join(Campaign, Campaign.id == Lead.campaign_id)
            .outerjoin(Event, Event.id == Lead.event_id)
            .outerjoin(Account, Account.id == Lead.account_id)
            .outerjoin(rep, rep.id == Lead.assigned_to_id))


def _to_queued(row, sla: timedelta) -> QueuedLead:
    deadline = row.due_at if row.assigned_at is not None else None
    return QueuedLead(row.id, row.code, row.company, row.contact_name, row.email, row.phone, str(row.status),
                      row.campaign, row.event, row.account, row.rep, row.created_at, row.assigned_at,
                      row.first_touch_at, deadline, row.version)


def _overdue_clause(now: datetime, sla: timedelta):
    """Open, untouched and past the response deadline (the stored due_at)."""
    return and_(Lead.status.in_(OPEN_LEAD_STATUSES), Lead.first_touch_at.is_(None), Lead.due_at < now)


def _status_clause(status: str, now: datetime, sla: timedelta):
    if status == "open":
        return Lead.status.in_(OPEN_LEAD_STATUSES)
    if status == "overdue":
        return _overdue_clause(now, sla)
    if status == "all":
        return None
    return Lead.status == LeadStatus(status)


def lead_queue(viewer: Viewer, *, session: Session, search: str | None = None, status: str = "open",
               rep_id: int | None = None, limit: int = 25, offset: int = 0,
               now: datetime | None = None) -> ResultPage[QueuedLead]:
    """Most urgent first: untouched open leads by deadline (the deadline is assigned_at + one
    constant, so ordering by assigned_at is ordering by deadline), then touched open leads, then
    closed ones. Search matches code, company, contact and e-mail. ``status`` is a lead status,
    "open", "all" or "overdue" (open, untouched, past the deadline)."""
    require_field(viewer)
    now = now or utcnow()
    limit, offset = page_bounds(limit, offset)
    sla = timedelta(hours=load_settings(session=session).sla_hours)
    where = [lead_scope(viewer), rep_filter(Lead.assigned_to_id, rep_id),
             matches(like_pattern(search), Lead.code, Lead.company, Lead.contact_name, Lead.email)]
    status_clause = _status_clause(status, now, sla)
    if status_clause is not None:
        where.append(status_clause)
    urgency = case((and_(Lead.status.in_(OPEN_LEAD_STATUSES), Lead.first_touch_at.is_(None)), 0),
                   (Lead.status.in_(OPEN_LEAD_STATUSES), 1), else_=2)
    order = (urgency, Lead.due_at.asc().nulls_last(), Lead.assigned_at.asc().nulls_last(), Lead.id)
    # The page's ids first, from the lead table alone, then its rows with their names: joined
    # before the sort, every open lead of a territory fetched its campaign, event, account and rep
    # (a manager's queue at large: 75,000 leads for 25 rows, 214 ms; bench/README.md, "Round 2,
    # eighth session").
    page = select(Lead.id).where(*where).order_by(*order).limit(limit).offset(offset).subquery("page")
    rows = session.exec(_queue_select().join(page, page.c.id == Lead.id).order_by(*order)).all()
    total = session.exec(select(func.count()).select_from(Lead).where(*where)).one()
    return ResultPage([_to_queued(r, sla) for r in rows], total, limit, offset)


def lead_for(viewer: Viewer, lead_id: int, *, session: Session) -> LeadDetail:
    """One lead of the viewer's queue with its recent activity; a foreign id is refused."""
    require_field(viewer)
    sla = timedelta(hours=load_settings(session=session).sla_hours)
    row = session.exec(_queue_select().add_columns(
        Lead.campaign_id, Lead.event_id, Lead.account_id, Lead.assigned_to_id, Lead.disqualify_reason,
        Lead.converted_at, Lead.opportunity_id, Opportunity.name.label("opportunity"))
        .outerjoin(Opportunity, Opportunity.id == Lead.opportunity_id)
        .where(Lead.id == int(lead_id), lead_scope(viewer))).first()
    if row is None:
        raise AccessDenied(_("lead #{lead_id} is not one of your leads").format(lead_id=lead_id))
    who = aliased(User, name="who")
    activities = session.exec(
        select(Activity.occurred_at, Activity.kind, who.display_name, Activity.notes)
        .join(who, who.id == Activity.user_id)
        .where(Activity.lead_id == row.id).order_by(Activity.occurred_at.desc()).limit(20)).all()
    return LeadDetail(_to_queued(row, sla), row.campaign_id, row.event_id, row.account_id, row.assigned_to_id,
                      row.disqualify_reason, row.converted_at, row.opportunity_id, row.opportunity,
                      [tuple(a) for a in activities])


def scoped_lead(viewer: Viewer, lead_id: int, *, session: Session, for_update: bool = False) -> Lead:
    """The Lead row, if the viewer may see it (services lock it for update); else AccessDenied."""
    require_field(viewer)
    stmt = select(Lead).where(Lead.id == int(lead_id), lead_scope(viewer))
    if for_update:
        stmt = stmt.with_for_update()
    lead = session.exec(stmt).first()
    if lead is None:
        raise AccessDenied(_("lead #{lead_id} is not one of your leads").format(lead_id=lead_id))
    return lead


def overdue_count(viewer: Viewer, *, session: Session, rep_id: int | None = None,
                  now: datetime | None = None) -> int:
    """Open, untouched leads of the queue past their deadline."""
    require_field(viewer)
    now = now or utcnow()
    sla = timedelta(hours=load_settings(session=session).sla_hours)
    return session.exec(select(func.count()).select_from(Lead).where(
        lead_scope(viewer), rep_filter(Lead.assigned_to_id, rep_id), _overdue_clause(now, sla))).one()


def lead_id_by_code(viewer: Viewer, code: str, *, session: Session) -> int | None:
    """The id of the viewer's lead with this code (a notification's link), or None."""
    require_field(viewer)
    return session.exec(select(Lead.id).where(Lead.code == str(code), lead_scope(viewer))).first()
