"""The sales-accepted-lead step and what marketing does with a rejected lead (KPIS.md "The handoff
as a process").

A rep accepts a lead handed to them or rejects it with a reason code and a note; both are a first
touch. A rejected lead goes back to marketing (status ``rejected``, no rep; its assigned_at stays
its last hand-over) and every rejection is kept in ``lead_rejection``. Marketing then re-routes it
(a new hand-over with a new deadline), recycles it to nurture, or disqualifies it. Every write
runs in the caller's transaction, locks the lead and checks the version the person saw.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from i18n import _
from models.enums import LeadStatus, RejectReason, Role
from models.tables import Lead, LeadRejection, Territory, User
from models.types import utcnow
from queries.field_common import require_field
from queries.scope import AccessDenied, Viewer, require_role

from . import audit, notifications, sla
from models.errors import NotFound, StaleEdit, ValidationFailed
from .field_rules import checked_text
from .leads import LEAD_FIELDS, record_first_touch

MAX_REJECT_NOTE = 1000
MARKETING_ROLES = (Role.marketer, Role.admin)
ANSWER_FIELDS = [*LEAD_FIELDS, "due_at", "accepted_at", "recycled_at", "territory_id"]


def _rep_lead(viewer: Viewer, lead_id: int, expected_version: int | None, *, session: Session) -> Lead:
    """The lead, locked, if it is still handed to this rep and still waiting for an answer."""
    require_field(viewer)
    require_role(viewer, Role.rep)
    lead = session.exec(select(Lead).where(Lead.id == int(lead_id)).with_for_update()).first()
    if lead is None or (lead.territory_id != viewer.territory_id and lead.assigned_to_id != viewer.id):
        raise AccessDenied(f"lead #{lead_id} is not one of your leads")
    if lead.assigned_to_id != viewer.id:
        raise StaleEdit(_("Lead {code} is no longer yours: it was reassigned or returned to marketing "
                          "since you opened it. Reload the queue.").format(code=lead.code))
    if expected_version is not None and lead.version != int(expected_version):
        raise StaleEdit(_("Lead {code} was changed by someone else since you opened it; reload.").format(code=lead.code))
    if lead.status is not LeadStatus.new:
        raise ValidationFailed(_("Lead {code} has already been answered (it is {status}).").format(
            code=lead.code, status=lead.status.value))
    return lead


def accept_lead(viewer: Viewer, lead_id: int, *, session: Session, expected_version: int | None = None,
                now: datetime | None = None) -> Lead:
    now = now or utcnow()
    lead = _rep_lead(viewer, lead_id, expected_version, session=session)
    before = audit.snapshot(lead, ANSWER_FIELDS)
    record_first_touch(lead, now)
    lead.accepted_at = lead.first_touch_at if lead.first_touch_at and lead.first_touch_at > now else now
    lead.status = LeadStatus.accepted
    lead.version += 1
    audit.record(session=session, username=viewer.username, action="accept", entity="lead", entity_key=lead.code,
                 detail=audit.changes(before, audit.snapshot(lead, ANSWER_FIELDS)))
    return lead


def checked_reason(reason) -> RejectReason:
    if not reason:
        raise ValidationFailed(_("reason: choose why you are handing the lead back"))
    try:
        return RejectReason(reason)
    except ValueError:
        raise ValidationFailed(_("reason: unknown reason {reason!r}").format(reason=reason)) from None


def reject_lead(viewer: Viewer, lead_id: int, *, reason, note: str | None = None, session: Session,
                expected_version: int | None = None, now: datetime | None = None) -> LeadRejection:
    """Hand a lead back to marketing with a reason (a note is required for `other`)."""
    now = now or utcnow()
    reason = checked_reason(reason)
    note = checked_text(note, "note", max_length=MAX_REJECT_NOTE, required=reason is RejectReason.other)
    lead = _rep_lead(viewer, lead_id, expected_version, session=session)
    before = audit.snapshot(lead, ANSWER_FIELDS)
    record_first_touch(lead, now)
    at = max(now, lead.first_touch_at)
    rejection = LeadRejection(lead_id=lead.id, user_id=viewer.id, reason=reason, note=note, rejected_at=at)
    session.add(rejection)
    lead.status = LeadStatus.rejected
    lead.assigned_to_id = None
    lead.version += 1
    session.flush()
    audit.record(session=session, username=viewer.username, action="reject", entity="lead", entity_key=lead.code,
                 detail={**audit.changes(before, audit.snapshot(lead, ANSWER_FIELDS)), "reason": reason.value,
                         "note": note})
    notifications.lead_rejected(lead, reason=reason.value, rep_name=viewer.display_name, session=session, now=at)
    return rejection


# -- marketing's answer to a rejected lead ------------------------------------------------------

def _returned_lead(viewer: Viewer, lead_id: int, expected_version: int | None, *, session: Session,
                   statuses=(LeadStatus.rejected,)) -> Lead:
    require_role(viewer, *MARKETING_ROLES)
    lead = session.exec(select(Lead).where(Lead.id == int(lead_id)).with_for_update()).first()
    if lead is None:
        raise NotFound(f"no lead with id {lead_id}")
    if expected_version is not None and lead.version != int(expected_version):
        raise StaleEdit(_("Lead {code} was changed by someone else since you opened it (it is now {status}); "
                          "reload the queue.").format(code=lead.code, status=lead.status.value))
    if lead.status not in statuses:
        raise ValidationFailed(_("Lead {code} is {status}, not waiting in the rejected queue.").format(
            code=lead.code, status=lead.status.value))
    return lead


def reroute_lead(viewer: Viewer, lead_id: int, *, territory_id: int, rep_id: int, session: Session,
                 expected_version: int | None = None, now: datetime | None = None) -> Lead:
    """A new hand-over of a rejected lead: new rep, new assigned_at and due_at. The rejection and
    the first touch stay in the history; the new rep answers it again."""
    now = now or utcnow()
    lead = _returned_lead(viewer, lead_id, expected_version, session=session,
                          statuses=(LeadStatus.rejected, LeadStatus.nurture))
    if session.get(Territory, int(territory_id)) is None:
        raise ValidationFailed(f"territory: unknown territory id {territory_id}")
    rep = session.get(User, int(rep_id)) if rep_id is not None else None
    if rep is None or rep.role != Role.rep or not rep.active or rep.territory_id != int(territory_id):
        raise ValidationFailed(_("rep: choose an active rep of that territory"))
    before = audit.snapshot(lead, ANSWER_FIELDS)
    lead.territory_id = int(territory_id)
    # The schema keeps first_touch_at ≥ assigned_at: a new hand-over starts a new response clock.
    lead.first_touch_at = None
    lead.accepted_at = None
    sla.hand_over(lead, rep.id, now, session=session)
    lead.status = LeadStatus.new
    lead.version += 1
    audit.record(session=session, username=viewer.username, action="reroute", entity="lead", entity_key=lead.code,
                 detail=audit.changes(before, audit.snapshot(lead, ANSWER_FIELDS)))
    notifications.lead_assigned(lead, session=session, now=now)
    return lead


def recycle_lead(viewer: Viewer, lead_id: int, *, session: Session, expected_version: int | None = None,
                 now: datetime | None = None) -> Lead:
    """Not for sales yet: back to marketing's nurture programmes."""
    now = now or utcnow()
    lead = _returned_lead(viewer, lead_id, expected_version, session=session)
    before = audit.snapshot(lead, ANSWER_FIELDS)
    lead.status = LeadStatus.nurture
    lead.recycled_at = max(now, lead.created_at)
    lead.version += 1
    audit.record(session=session, username=viewer.username, action="recycle", entity="lead", entity_key=lead.code,
                 detail=audit.changes(before, audit.snapshot(lead, ANSWER_FIELDS)))
    return lead


def disqualify_returned_lead(viewer: Viewer, lead_id: int, *, reason: str, session: Session,
                             expected_version: int | None = None) -> Lead:
    lead = _returned_lead(viewer, lead_id, expected_version, session=session)
    reason = checked_text(reason, "reason", max_length=500)
    before = audit.snapshot(lead, ANSWER_FIELDS)
    lead.status = LeadStatus.disqualified
    lead.disqualify_reason = reason
    lead.version += 1
    audit.record(session=session, username=viewer.username, action="disqualify", entity="lead",
                 entity_key=lead.code, detail=audit.changes(before, audit.snapshot(lead, ANSWER_FIELDS)))
    return lead
