"""What marketing runs in the viewer's territory: events by time window and month, campaigns
targeting the territory without a local event, and each campaign's latest published note."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from sqlalchemy import and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from models.enums import CampaignStatus, EventKind, NoteStatus
from models.settings_store import load_settings
from models.tables import Campaign, CampaignNote, Event, Territory
from models.timefmt import local_date, local_midnight_utc
from models.types import utcnow

from .campaign_head import CampaignHead
from .field_common import require_field
from .paging import ResultPage, page_bounds
from .scope import AccessDenied, Viewer, campaign_targets_territory, event_scope
from i18n import N_, _

CALENDAR_LIMIT = 500


class EventWindow(StrEnum):
    running_now = "running_now"
    next_7_days = "next_7_days"
    next_30_days = "next_30_days"
    past_30_days = "past_30_days"


WINDOW_LABELS = {EventWindow.running_now: N_("Running now"), EventWindow.next_7_days: N_("Next 7 days"),
                 EventWindow.next_30_days: N_("Next 30 days"), EventWindow.past_30_days: N_("Past 30 days")}  # show with _()


@dataclass(frozen=True)
class LatestNote:
    id: int
    version: int
    title: str
    body_md: str
    published_at: datetime | None


@dataclass(frozen=True)
class TerritoryEvent:
    id: int
    code: str
    title: str
    kind: str
    status: str
    venue: str | None
    starts_at: datetime
    ends_at: datetime
    capacity: int | None
    territory: str
    campaign_id: int
    campaign_code: str
    campaign_name: str
    note: LatestNote | None
    sequence: int = 0                      # iCalendar SEQUENCE (grows with each calendar change)
    updated_at: datetime | None = None     # iCalendar LAST-MODIFIED


@dataclass(frozen=True)
class CampaignWithoutEvent(CampaignHead):
    note: LatestNote | None


def _latest_note_join():
    """(alias of CampaignNote, ON clause) picking each campaign's highest published version."""
    note = aliased(CampaignNote)
    newest = (select(func.max(CampaignNote.version))
              .where(CampaignNote.campaign_id == note.campaign_id, CampaignNote.status == NoteStatus.published)
              .correlate(note).scalar_subquery())
    return note, and_(note.status == NoteStatus.published, note.version == newest)


def _note_of(row) -> LatestNote | None:
    return None if row.note_id is None else LatestNote(row.note_id, row.note_version, row.note_title,
                                                       row.note_body, row.note_published_at)


def _event_select(viewer: Viewer):
    note, newest = _latest_note_join()
    stmt = (select(Event.id, Event.code, Event.title, Event.kind, Event.status, Event.venue, Event.starts_at,
                   Event.ends_at, Event.capacity, Territory.name.label("territory"), Campaign.id.label("campaign_id"),
                   Campaign.code.label("campaign_code"), Campaign.name.label("campaign_name"),
                   note.id.label("note_id"), note.version.label("note_version"), note.title.label("note_title"),
                   note.body_md.label("note_body"), note.published_at.label("note_published_at"),
                   Event.sequence, Event.updated_at)
            .join(Campaign, Campaign.id == Event.campaign_id)
            .join(Territory, Territory.id == Event.territory_id)
            .outerjoin(note, and_(note.campaign_id == Campaign.id, newest))
            .where(event_scope(viewer)))
    return stmt


def _to_event(row) -> TerritoryEvent:
    return TerritoryEvent(row.id, row.code, row.title, str(row.kind), str(row.status), row.venue, row.starts_at,
                          row.ends_at, row.capacity, row.territory, row.campaign_id, row.campaign_code,
                          row.campaign_name, _note_of(row), row.sequence or 0, row.updated_at)


def window_clause(window: EventWindow, *, now: datetime, today: date, tz):
    """The time window, with day boundaries at the company's local midnight.

    running now: started and not yet ended; next 7/30 days: starting from now to the end of the
    7th/30th local day after today; past 30 days: ended before now, on or after local midnight
    30 days ago."""
    window = EventWindow(window)
    if window is EventWindow.running_now:
        return and_(Event.starts_at <= now, Event.ends_at > now)
    if window is EventWindow.past_30_days:
        return and_(Event.ends_at <= now, Event.ends_at >= local_midnight_utc(today - timedelta(days=30), tz))
    days = 7 if window is EventWindow.next_7_days else 30
    return and_(Event.starts_at > now, Event.starts_at < local_midnight_utc(today + timedelta(days=days + 1), tz))


def _filters(stmt, kinds, campaign_id):
    if kinds:
        stmt = stmt.where(Event.kind.in_([EventKind(k) for k in kinds]))
    if campaign_id is not None:
        stmt = stmt.where(Event.campaign_id == int(campaign_id))
    return stmt


def events_for(viewer: Viewer, *, session: Session, window: EventWindow = EventWindow.next_30_days,
               kinds: tuple[str, ...] = (), campaign_id: int | None = None, limit: int = 20, offset: int = 0,
               now: datetime | None = None) -> ResultPage[TerritoryEvent]:
    """The territory's events in a time window, soonest first (past: most recent first)."""
    require_field(viewer)
    now = now or utcnow()
    limit, offset = page_bounds(limit, offset)
    tz = load_settings(session=session).tz
    where = window_clause(window, now=now, today=local_date(now, tz), tz=tz)
    stmt = _event_select(viewer)
    stmt = _filters(stmt.where(where), kinds, campaign_id)
    order = (Event.ends_at.desc(), Event.id.desc()) if window == EventWindow.past_30_days else (Event.starts_at, Event.id)
    rows = session.exec(stmt.order_by(*order).limit(limit).offset(offset)).all()
    total = session.exec(_filters(select(func.count()).select_from(Event).where(event_scope(viewer), where),
                                  kinds, campaign_id)).one()
    return ResultPage([_to_event(r) for r in rows], total, limit, offset)


def month_events(viewer: Viewer, *, session: Session, year: int, month: int, kinds: tuple[str, ...] = (),
                 campaign_id: int | None = None) -> list[TerritoryEvent]:
    """Events of the territory overlapping a local calendar month, for the month grid."""
    require_field(viewer)
    tz = load_settings(session=session).tz
    first = date(int(year), int(month), 1)
    after = date(first.year + (first.month == 12), first.month % 12 + 1, 1)
    stmt = _event_select(viewer)
    stmt = _filters(stmt.where(Event.starts_at < local_midnight_utc(after, tz),
                               Event.ends_at >= local_midnight_utc(first, tz)), kinds, campaign_id)
    rows = session.exec(stmt.order_by(Event.starts_at, Event.id).limit(CALENDAR_LIMIT)).all()
    return [_to_event(r) for r in rows]


def event_for(viewer: Viewer, event_id: int, *, session: Session) -> TerritoryEvent:
    """One event of the viewer's territory; a foreign or unknown id is refused alike."""
    require_field(viewer)
    stmt = _event_select(viewer)
    row = session.exec(stmt.where(Event.id == int(event_id))).first()
    if row is None:
        raise AccessDenied(_("event #{event_id} is not an event of your territory").format(event_id=event_id))
    return _to_event(row)


def _calendar_select(viewer: Viewer, now: datetime | None, horizon_days: int):
    require_field(viewer)
    now = now or utcnow()
    return _event_select(viewer).where(Event.ends_at >= now, Event.starts_at < now + timedelta(days=horizon_days))


def calendar_feed(viewer: Viewer, *, session: Session, now: datetime | None = None,
                  horizon_days: int = 365, limit: int = CALENDAR_LIMIT) -> list[TerritoryEvent]:
    """Upcoming events of the territory for the .ics download, cancelled ones included so that
    calendars which imported them earlier remove them."""
    stmt = _calendar_select(viewer, now, horizon_days)
    rows = session.exec(stmt.order_by(Event.starts_at, Event.id).limit(limit)).all()
    return [_to_event(r) for r in rows]


def calendar_feed_size(viewer: Viewer, *, session: Session, now: datetime | None = None,
                       horizon_days: int = 365, limit: int = CALENDAR_LIMIT) -> int:
    """How many events ``calendar_feed`` holds: what the download button says on every rerun,
    while the feed itself is read when the button is pressed."""
    stmt = _calendar_select(viewer, now, horizon_days).limit(limit).subquery()
    return int(session.exec(select(func.count()).select_from(stmt)).one())


def subscription_events(viewer: Viewer, *, session: Session, now: datetime | None = None, past_days: int = 90,
                        horizon_days: int = 365, limit: int = CALENDAR_LIMIT) -> list[TerritoryEvent]:
    """The events of the territory for the subscribed calendar feed: the recent past too (so a
    calendar keeps what happened), the year ahead, cancelled ones included (STATUS:CANCELLED)."""
    require_field(viewer)
    now = now or utcnow()
    stmt = _event_select(viewer)
    stmt = stmt.where(Event.ends_at >= now - timedelta(days=past_days),
                      Event.starts_at < now + timedelta(days=horizon_days))
    rows = session.exec(stmt.order_by(Event.starts_at, Event.id).limit(limit)).all()
    return [_to_event(r) for r in rows]


def campaigns_without_local_event(viewer: Viewer, *, session: Session, campaign_id: int | None = None,
                                  now: datetime | None = None, limit: int = 20) -> list[CampaignWithoutEvent]:
    """Current and upcoming campaigns that target the territory but hold no event in it."""
    require_field(viewer)
    now = now or utcnow()
    today = local_date(now, load_settings(session=session).tz)
    note, newest = _latest_note_join()
    local_event = select(Event.id).where(Event.campaign_id == Campaign.id, Event.territory_id == viewer.territory_id)
    stmt = (select(Campaign.id, Campaign.code, Campaign.name, Campaign.channel, Campaign.status, Campaign.start_date,
                   Campaign.end_date, note.id.label("note_id"), note.version.label("note_version"),
                   note.title.label("note_title"), note.body_md.label("note_body"),
                   note.published_at.label("note_published_at"))
            .outerjoin(note, and_(note.campaign_id == Campaign.id, newest))
            .where(campaign_targets_territory(Campaign.id, viewer.territory_id), ~local_event.exists(),
                   Campaign.status != CampaignStatus.cancelled, Campaign.end_date >= today))
    if campaign_id is not None:
        stmt = stmt.where(Campaign.id == int(campaign_id))
    rows = session.exec(stmt.order_by(Campaign.start_date, Campaign.id).limit(limit)).all()
    return [CampaignWithoutEvent(r.id, r.code, r.name, str(r.channel), str(r.status), r.start_date, r.end_date,
                                 _note_of(r)) for r in rows]


@dataclass(frozen=True)
class CampaignOption:
    id: int
    code: str
    name: str


def territory_campaigns(viewer: Viewer, *, session: Session, now: datetime | None = None,
                        since_days: int = 90, limit: int = 200) -> list[CampaignOption]:
    """Campaigns targeting the territory that ended at most ``since_days`` ago, newest first —
    the choices of the campaign filter and of field feedback."""
    require_field(viewer)
    now = now or utcnow()
    today = local_date(now, load_settings(session=session).tz)
    rows = session.exec(
        select(Campaign.id, Campaign.code, Campaign.name)
        .where(campaign_targets_territory(Campaign.id, viewer.territory_id),
               Campaign.end_date >= today - timedelta(days=since_days))
        .order_by(Campaign.start_date.desc(), Campaign.id.desc()).limit(limit)).all()
    return [CampaignOption(*r) for r in rows]


def campaign_in_territory(viewer: Viewer, campaign_id: int, *, session: Session) -> Campaign:
    """The campaign, if it targets the viewer's territory; otherwise AccessDenied."""
    require_field(viewer)
    campaign = session.exec(select(Campaign).where(
        Campaign.id == int(campaign_id), campaign_targets_territory(Campaign.id, viewer.territory_id))).first()
    if campaign is None:
        raise AccessDenied(_("campaign #{campaign_id} does not target your territory").format(campaign_id=campaign_id))
    return campaign
