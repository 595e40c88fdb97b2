"""Creating, editing and cancelling campaigns and their events (marketing's write side).

Every function checks the viewer's role, validates every field (all problems at once: the fields'
rules are declared in ``models.inputs`` — ``CampaignInput``/``EventInput``, re-exported here —, the
database's checks are here), writes in the caller's transaction (``models.db.write_session``) and appends one audit entry per changed row.
"""
from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, select

from models.enums import CampaignStatus, EventStatus, Role
from models.errors import NotFound, StaleEdit, ValidationFailed
from models.tables import Campaign, CampaignTerritory, Event, Territory, User
from models.inputs import CampaignInput, EventInput
from models.types import utcnow
from queries.scope import Viewer, require_role
from services import audit, codes, notifications
from i18n import _

MARKETING_ROLES = (Role.marketer, Role.admin)
CAMPAIGN_FIELDS = ["code", "name", "channel", "status", "start_date", "end_date", "objective", "budget",
                   "actual_cost", "target_segment", "owner_id", "territory_ids"]
EVENT_FIELDS = ["code", "campaign_id", "title", "kind", "territory_id", "venue", "starts_at", "ends_at",
                "capacity", "status"]
# A change to one of these is news for a calendar that holds the event: SEQUENCE grows.
CALENDAR_FIELDS = ("title", "venue", "starts_at", "ends_at", "status")


def _mark_calendar_change(event: Event, changed: set[str]) -> None:
    """iCalendar SEQUENCE/LAST-MODIFIED of the feed (services.calendar_feed)."""
    if changed & set(CALENDAR_FIELDS):
        event.sequence = (event.sequence or 0) + 1
        event.updated_at = utcnow()


def _validated_campaign(data: CampaignInput, *, session: Session) -> dict:
    """The fields' problems (models.inputs.CampaignFields) and the database's, all at once."""
    checked, problems = data.validated()
    territory_ids = sorted(set(data.territory_ids or []))
    if territory_ids:
        known = set(session.exec(select(Territory.id).where(Territory.id.in_(territory_ids))).all())
        unknown = [t for t in territory_ids if t not in known]
        if unknown:
            problems.append(_("target territories: unknown id(s) {unknown}").format(unknown=unknown))
    if data.owner_id is not None and session.get(User, data.owner_id) is None:
        problems.append(_("owner: unknown user id {owner_id}").format(owner_id=data.owner_id))
    if problems:
        raise ValidationFailed(problems)
    return dict(name=checked.name, channel=checked.channel, status=checked.status,
                target_segment=checked.target_segment, start_date=checked.start_date, end_date=checked.end_date,
                budget=checked.budget, actual_cost=checked.actual_cost, objective=checked.objective,
                owner_id=checked.owner_id, territory_ids=territory_ids, code=checked.code)


def target_territory_ids(campaign_id: int, *, session: Session) -> list[int]:
    """The campaign's listed targets; empty means every territory."""
    return sorted(session.exec(select(CampaignTerritory.territory_id)
                               .where(CampaignTerritory.campaign_id == campaign_id)).all())


def _campaign_snapshot(campaign: Campaign, *, session: Session) -> dict:
    snap = audit.snapshot(campaign, CAMPAIGN_FIELDS[:-1])
    snap["territory_ids"] = target_territory_ids(campaign.id, session=session)
    return snap


def _set_targets(campaign_id: int, territory_ids: list[int], *, session: Session) -> None:
    session.execute(delete(CampaignTerritory).where(CampaignTerritory.campaign_id == campaign_id))
    for territory_id in territory_ids:
        session.add(CampaignTerritory(campaign_id=campaign_id, territory_id=territory_id))
    session.flush()


def _code_taken(model, code: str, exclude_id: int | None, *, session: Session) -> bool:
    query = select(model.id).where(model.code == code)
    if exclude_id is not None:
        query = query.where(model.id != exclude_id)
    return session.exec(query).first() is not None


def get_campaign(campaign_id: int, *, session: Session) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(_("no campaign with id {campaign_id}").format(campaign_id=campaign_id))
    return campaign


def create_campaign(viewer: Viewer, data: CampaignInput, *, session: Session) -> Campaign:
    require_role(viewer, *MARKETING_ROLES)
    values = _validated_campaign(data, session=session)
    territory_ids = values.pop("territory_ids")
    code = values.pop("code")
    if code and _code_taken(Campaign, code, None, session=session):
        raise ValidationFailed(_("code: {code!r} is already used by another campaign").format(code=code))
    if values["owner_id"] is None:
        values["owner_id"] = viewer.id
    campaign = Campaign(code=code or codes.new_code("campaign", session=session), **values)
    session.add(campaign)
    session.flush()
    _set_targets(campaign.id, territory_ids, session=session)
    audit.record(session=session, username=viewer.username, action="create", entity="campaign",
                 entity_key=campaign.code, detail=audit.changes({}, _campaign_snapshot(campaign, session=session)))
    return campaign


def _check_version(row, expected_version: int | None, what: str) -> None:
    if expected_version is not None and row.version != expected_version:
        raise StaleEdit(_("{what} was changed by someone else since you opened it; reload and try again").format(what=what))


def update_campaign(viewer: Viewer, campaign_id: int, data: CampaignInput, *, session: Session,
                    expected_version: int | None = None) -> Campaign:
    require_role(viewer, *MARKETING_ROLES)
    campaign = get_campaign(campaign_id, session=session)
    if campaign.status == CampaignStatus.cancelled:
        raise ValidationFailed(_("campaign {code} is cancelled and can no longer be edited").format(code=campaign.code))
    _check_version(campaign, expected_version, f"campaign {campaign.code}")
    values = _validated_campaign(data, session=session)
    territory_ids = values.pop("territory_ids")
    code = values.pop("code") or campaign.code
    if code != campaign.code and _code_taken(Campaign, code, campaign.id, session=session):
        raise ValidationFailed(_("code: {code!r} is already used by another campaign").format(code=code))
    if territory_ids:
        # Narrowing the targets must not strand an event in a territory the campaign leaves.
        stranded = session.exec(select(Event.code).where(Event.campaign_id == campaign.id,
                                                         Event.status != EventStatus.cancelled,
                                                         Event.territory_id.not_in(territory_ids))).all()
        if stranded:
            raise ValidationFailed(_("target territories: event(s) {join} take place in a territory you removed; move or cancel them first").format(join=', '.join(sorted(stranded))))
    if values["owner_id"] is None:
        values["owner_id"] = campaign.owner_id
    before = _campaign_snapshot(campaign, session=session)
    for name, value in values.items():
        setattr(campaign, name, value)
    campaign.code = code
    _set_targets(campaign.id, territory_ids, session=session)
    diff = audit.changes(before, _campaign_snapshot(campaign, session=session))
    if diff:
        campaign.version += 1
        session.add(campaign)
        session.flush()
        audit.record(session=session, username=viewer.username, action="update", entity="campaign",
                     entity_key=campaign.code, detail=diff)
    return campaign


def cancel_campaign(viewer: Viewer, campaign_id: int, *, session: Session) -> Campaign:
    """Cancel a campaign and its scheduled events (reps' calendars then show them cancelled)."""
    require_role(viewer, *MARKETING_ROLES)
    campaign = get_campaign(campaign_id, session=session)
    if campaign.status == CampaignStatus.cancelled:
        raise ValidationFailed(_("campaign {code} is already cancelled").format(code=campaign.code))
    audit.record(session=session, username=viewer.username, action="cancel", entity="campaign",
                 entity_key=campaign.code,
                 detail=audit.changes({"status": campaign.status}, {"status": CampaignStatus.cancelled}))
    campaign.status = CampaignStatus.cancelled
    campaign.version += 1
    session.add(campaign)
    for event in session.exec(select(Event).where(Event.campaign_id == campaign.id,
                                                  Event.status == EventStatus.scheduled)).all():
        _cancel_event_row(viewer, event, session=session)
    session.flush()
    return campaign


# -- events ----------------------------------------------------------------------------------

def _validated_event(campaign: Campaign, data: EventInput, *, session: Session) -> dict:
    """The fields' problems (models.inputs.EventFields) and the database's, all at once."""
    checked, problems = data.validated()
    territory = session.get(Territory, data.territory_id) if data.territory_id is not None else None
    if territory is None:
        problems.append(_("territory: unknown territory id {territory_id!r}").format(territory_id=data.territory_id))
    else:
        targets = target_territory_ids(campaign.id, session=session)
        if targets and territory.id not in targets:
            problems.append(_("territory: {name} is not one of campaign {code}'s target territories").format(name=territory.name, code=campaign.code))
    if problems:
        raise ValidationFailed(problems)
    return dict(title=checked.title, kind=checked.kind, territory_id=territory.id, venue=checked.venue,
                starts_at=checked.starts_at, ends_at=checked.ends_at, capacity=checked.capacity, code=checked.code)


def _open_campaign(campaign_id: int, *, session: Session) -> Campaign:
    campaign = get_campaign(campaign_id, session=session)
    if campaign.status == CampaignStatus.cancelled:
        raise ValidationFailed(_("campaign {code} is cancelled: its events can no longer change").format(code=campaign.code))
    return campaign


def get_event(event_id: int, *, session: Session) -> Event:
    event = session.get(Event, event_id)
    if event is None:
        raise NotFound(_("no event with id {event_id}").format(event_id=event_id))
    return event


def create_event(viewer: Viewer, campaign_id: int, data: EventInput, *, session: Session) -> Event:
    require_role(viewer, *MARKETING_ROLES)
    campaign = _open_campaign(campaign_id, session=session)
    values = _validated_event(campaign, data, session=session)
    code = values.pop("code")
    if code and _code_taken(Event, code, None, session=session):
        raise ValidationFailed(_("code: {code!r} is already used by another event").format(code=code))
    event = Event(code=code or codes.new_code("event", session=session), campaign_id=campaign.id,
                  status=EventStatus.scheduled, **values)
    session.add(event)
    session.flush()
    audit.record(session=session, username=viewer.username, action="create", entity="event", entity_key=event.code,
                 detail=audit.changes({}, audit.snapshot(event, EVENT_FIELDS)))
    notifications.event_changed(event, "added", session=session)
    return event


def update_event(viewer: Viewer, event_id: int, data: EventInput, *, session: Session) -> Event:
    require_role(viewer, *MARKETING_ROLES)
    event = get_event(event_id, session=session)
    campaign = _open_campaign(event.campaign_id, session=session)
    if event.status == EventStatus.cancelled:
        raise ValidationFailed(_("event {code} is cancelled and can no longer be edited").format(code=event.code))
    values = _validated_event(campaign, data, session=session)
    code = values.pop("code") or event.code
    if code != event.code and _code_taken(Event, code, event.id, session=session):
        raise ValidationFailed(_("code: {code!r} is already used by another event").format(code=code))
    before = audit.snapshot(event, EVENT_FIELDS)
    for name, value in values.items():
        setattr(event, name, value)
    event.code = code
    session.add(event)
    session.flush()
    diff = audit.changes(before, audit.snapshot(event, EVENT_FIELDS))
    if diff:
        _mark_calendar_change(event, set(diff))
        session.add(event)
        session.flush()
        audit.record(session=session, username=viewer.username, action="update", entity="event",
                     entity_key=event.code, detail=diff)
        moved = "starts_at" in diff or "ends_at" in diff or "territory_id" in diff
        notifications.event_changed(event, "moved" if moved else "changed", session=session)
    return event


def _cancel_event_row(viewer: Viewer, event: Event, *, session: Session) -> None:
    audit.record(session=session, username=viewer.username, action="cancel", entity="event", entity_key=event.code,
                 detail=audit.changes({"status": event.status}, {"status": EventStatus.cancelled}))
    event.status = EventStatus.cancelled
    _mark_calendar_change(event, {"status"})
    session.add(event)
    notifications.event_changed(event, "cancelled", session=session)


def cancel_event(viewer: Viewer, event_id: int, *, session: Session) -> Event:
    require_role(viewer, *MARKETING_ROLES)
    event = get_event(event_id, session=session)
    if event.status == EventStatus.cancelled:
        raise ValidationFailed(_("event {code} is already cancelled").format(code=event.code))
    _cancel_event_row(viewer, event, session=session)
    session.flush()
    return event
