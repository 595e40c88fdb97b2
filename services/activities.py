"""Logging field activity (call, visit, e-mail, meeting, event) linked to records in the viewer's scope."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from models.enums import ActivityKind
from models.errors import ValidationFailed
from models.tables import Activity, Event, Opportunity
from models.types import utcnow
from queries.accounts import linkable_account
from queries.field_common import require_field
from queries.lead_queue import scoped_lead
from queries.scope import AccessDenied, Viewer, event_scope, opportunity_scope

from . import audit
from .field_rules import MAX_NOTE_TEXT, checked_moment, checked_text
from .leads import record_first_touch

ACTIVITY_FIELDS = ["user_id", "kind", "occurred_at", "account_id", "lead_id", "opportunity_id", "event_id", "notes"]


def log_activity(viewer: Viewer, *, session: Session, kind: ActivityKind | str, occurred_at: datetime | None = None,
                 account_id: int | None = None, lead_id: int | None = None, opportunity_id: int | None = None,
                 event_id: int | None = None, notes: str | None = None, now: datetime | None = None) -> Activity:
    """One activity of the viewer, linked to at least one record, every one of them in scope.

    A lead's or deal's account is filled in when none is given. An activity on a lead is that
    lead's first touch if it had none (KPIS.md "First touch")."""
    require_field(viewer)
    now = now or utcnow()
    try:
        kind = ActivityKind(kind)
    except ValueError:
        raise ValidationFailed(f"kind: unknown activity kind {kind!r}") from None
    notes = checked_text(notes, "notes", max_length=MAX_NOTE_TEXT, required=False)
    if not any(x is not None for x in (account_id, lead_id, opportunity_id, event_id)):
        raise ValidationFailed("link the activity to an account, a lead, an opportunity or an event")
    lead = opportunity = None
    if lead_id is not None:
        lead = scoped_lead(viewer, lead_id, session=session, for_update=True)
    if opportunity_id is not None:
        opportunity = session.exec(select(Opportunity).where(
            Opportunity.id == int(opportunity_id), opportunity_scope(viewer))).first()
        if opportunity is None:
            raise AccessDenied(f"opportunity #{opportunity_id} is not one of your opportunities")
    if event_id is not None and session.exec(select(Event.id).where(
            Event.id == int(event_id), event_scope(viewer))).first() is None:
        raise AccessDenied(f"event #{event_id} is not an event of your territory")
    if account_id is not None:
        linkable_account(viewer, account_id, session=session)
    else:
        account_id = (lead.account_id if lead else None) or (opportunity.account_id if opportunity else None)
    when = checked_moment(occurred_at or now, "when", now=now,
                          not_before=lead.assigned_at if lead else None,
                          not_before_reason="the lead was handed to sales")
    activity = Activity(user_id=viewer.id, territory_id=viewer.territory_id, kind=kind, occurred_at=when,
                        account_id=account_id,
                        lead_id=lead.id if lead else None, opportunity_id=opportunity.id if opportunity else None,
                        event_id=event_id, notes=notes)
    session.add(activity)
    detail = {}
    if lead is not None and record_first_touch(lead, when):
        lead.version += 1
        detail["lead_first_touch"] = {"lead": lead.code, "at": lead.first_touch_at}
    session.flush()
    detail.update(audit.changes({}, audit.snapshot(activity, ACTIVITY_FIELDS)))
    audit.record(session=session, username=viewer.username, action="create", entity="activity",
                 entity_key=str(activity.id), detail=detail)
    return activity
