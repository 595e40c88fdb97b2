"""Routing leads to reps: the automatic rule used by the import, and routing by hand.

The rule (issue 4): a lead's territory comes from the file, else its account, else its event; it
goes to the rep who owns its account when that rep is an active rep of the territory, else to the
territory's active rep with the fewest open leads — counting those handed out earlier in the same
run — ties broken by username. A lead nobody can take stays unassigned, in the routing queue.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from models.enums import OPEN_LEAD_STATUSES, Role
from models.errors import NotFound, StaleEdit, ValidationFailed
from models.tables import Account, Event, Lead, Territory, User
from models.types import utcnow
from queries.scope import AccessDenied, Viewer, require_role
from services import audit, notifications, sla
from i18n import _

ROUTING_ROLES = (Role.marketer, Role.admin, Role.manager)
LEAD_ROUTING_FIELDS = ["territory_id", "assigned_to_id", "assigned_at", "due_at", "status"]


@dataclass(frozen=True)
class RepSlot:
    id: int
    username: str


class RepPicker:
    """Picks reps per the rule above; remembers what it handed out so a whole import is balanced."""

    def __init__(self, *, session: Session):
        self.session = session
        self._reps: dict[int, list[RepSlot]] = {}
        self._open: dict[int, int] = {}

    def reps_of(self, territory_id: int) -> list[RepSlot]:
        if territory_id not in self._reps:
            rows = self.session.exec(
                select(User.id, User.username)
                .where(User.role == Role.rep, User.active.is_(True), User.territory_id == territory_id)
                .order_by(User.username)).all()
            reps = [RepSlot(id=r[0], username=r[1]) for r in rows]
            if reps:
                # count(*), not count(id): PostgreSQL answers it from ix_lead_assignee_status alone.
                counts = dict(self.session.exec(
                    select(Lead.assigned_to_id, func.count())
                    .where(Lead.assigned_to_id.in_([r.id for r in reps]), Lead.status.in_(OPEN_LEAD_STATUSES))
                    .group_by(Lead.assigned_to_id)).all())
                for rep in reps:
                    self._open[rep.id] = int(counts.get(rep.id, 0))
            self._reps[territory_id] = reps
        return self._reps[territory_id]

    def pick(self, territory_id: int | None, account_owner_id: int | None = None) -> int | None:
        if territory_id is None:
            return None
        reps = self.reps_of(territory_id)
        if not reps:
            return None
        owner = next((r for r in reps if r.id == account_owner_id), None)
        choice = owner or min(reps, key=lambda r: (self._open[r.id], r.username))
        self._open[choice.id] += 1
        return choice.id


def routed_territory(file_territory_id: int | None, account_territory_id: int | None,
                     event_territory_id: int | None) -> int | None:
    """From the file, else the account, else the event."""
    for candidate in (file_territory_id, account_territory_id, event_territory_id):
        if candidate is not None:
            return candidate
    return None


def _lead_for_routing(viewer: Viewer, lead_id: int, expected_version: int | None, *, session: Session) -> Lead:
    lead = session.get(Lead, lead_id)
    if lead is None:
        raise NotFound(_("no lead with id {lead_id}").format(lead_id=lead_id))
    if viewer.role is Role.manager and lead.territory_id != viewer.territory_id:
        raise AccessDenied(_("a manager routes only the leads of their own territory"))
    if lead.assigned_to_id is not None:
        raise ValidationFailed(_("lead {code} is already assigned; reassignments are made from the team's lead list").format(code=lead.code))
    if expected_version is not None and lead.version != expected_version:
        raise StaleEdit(_("lead {code} was changed by someone else; reload the queue").format(code=lead.code))
    return lead


def _assign(viewer: Viewer, lead: Lead, territory_id: int, rep_id: int | None, now: datetime, action: str, *,
            session: Session) -> Lead:
    before = audit.snapshot(lead, LEAD_ROUTING_FIELDS)
    lead.territory_id = territory_id
    if rep_id is not None:
        sla.hand_over(lead, rep_id, now, session=session)
    lead.version += 1
    session.add(lead)
    session.flush()
    audit.record(session=session, username=viewer.username, action=action, entity="lead", entity_key=lead.code,
                 detail=audit.changes(before, audit.snapshot(lead, LEAD_ROUTING_FIELDS)))
    if rep_id is not None:
        notifications.lead_assigned(lead, session=session, now=now)
    return lead


def route_lead(viewer: Viewer, lead_id: int, *, territory_id: int, rep_id: int | None, session: Session,
               expected_version: int | None = None) -> Lead:
    """Route an unassigned lead by hand: to a territory and (optionally) one of its active reps.

    Marketers and admins route any lead anywhere; a manager routes only their territory's leads, and
    only to their territory's active reps.
    """
    require_role(viewer, *ROUTING_ROLES)
    if viewer.role is Role.manager and territory_id != viewer.territory_id:
        raise AccessDenied(_("a manager routes leads only within their own territory"))
    lead = _lead_for_routing(viewer, lead_id, expected_version, session=session)
    if session.get(Territory, territory_id) is None:
        raise ValidationFailed(_("territory: unknown territory id {territory_id}").format(territory_id=territory_id))
    if rep_id is not None:
        rep = session.get(User, rep_id)
        if rep is None or rep.role != Role.rep or not rep.active or rep.territory_id != territory_id:
            raise ValidationFailed(_("rep: choose an active rep of that territory"))
    return _assign(viewer, lead, territory_id, rep_id, utcnow(), "route", session=session)


def auto_route(viewer: Viewer, lead_ids: list[int], *, session: Session) -> dict[str, int]:
    """Apply the automatic rule to unassigned leads (e.g. after a rep joined a territory).
    Returns {"assigned": n, "still_unassigned": m}."""
    require_role(viewer, *ROUTING_ROLES)
    picker = RepPicker(session=session)
    now = utcnow()
    assigned = still = 0
    for lead_id in sorted(set(lead_ids)):
        lead = _lead_for_routing(viewer, lead_id, None, session=session)
        account = session.get(Account, lead.account_id) if lead.account_id else None
        event = session.get(Event, lead.event_id) if lead.event_id else None
        territory_id = routed_territory(lead.territory_id, account.territory_id if account else None,
                                        event.territory_id if event else None)
        if viewer.role is Role.manager and territory_id != viewer.territory_id:
            raise AccessDenied(_("a manager routes leads only within their own territory"))
        rep_id = picker.pick(territory_id, account.owner_id if account else None)
        if territory_id is None or rep_id is None:
            still += 1
            if territory_id is not None and lead.territory_id != territory_id:
                _assign(viewer, lead, territory_id, None, now, "route", session=session)
            continue
        _assign(viewer, lead, territory_id, rep_id, now, "auto_route", session=session)
        assigned += 1
    return {"assigned": assigned, "still_unassigned": still}
