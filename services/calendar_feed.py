"""The territory events as iCalendar (RFC 5545), written with the maintained ``icalendar`` library:
the one-time .ics download and each rep's and manager's private subscription address.

The address ``<base>/calendar/<token>.ics`` carries a secret token. The database keeps only its
SHA-256 (``calendar_token.token_hash``) and a random nonce; the token itself is an HMAC of
(user id, nonce) under the server's key, so the portal and ``manage.py calendar-url`` can show
the address again without it being stored. Rotating draws a new nonce: the old address stops
working at once. An unknown, rotated, malformed token, a disabled user's or one who is no longer
a rep or manager: ``viewer_for_token`` answers None and the route answers 404 with no detail.

Calendars update an event in place by its UID; SEQUENCE (``event.sequence``) grows and
LAST-MODIFIED (``event.updated_at``) moves whenever its time, venue, title or status changes
(services.campaigns); a cancelled event stays in the feed with STATUS:CANCELLED. Times are UTC;
the company's zone is named in X-WR-TIMEZONE.
"""
from __future__ import annotations

import hashlib
import os
import hmac
import re
import secrets
from base64 import urlsafe_b64encode
from datetime import datetime, timezone

import icalendar
from sqlmodel import Session, select

from i18n import _, use_language
from models.config import load_config
from models.enums import Role
from models.errors import NotFound, ValidationFailed
from models.settings_store import load_settings
from models.tables import CalendarToken, User
from models.types import utcnow
from queries.field_common import require_field, viewer_territory_name
from queries.scope import Viewer
from queries.territory_events import TerritoryEvent, subscription_events
from services import audit

PRODID = "-//OneVoice//Territory events//EN"
UID_DOMAIN = "onevoice.example"
DEFAULT_BASE_URL = "http://localhost:8501"
ROUTE_PREFIX = "/calendar/"
# secrets.token_urlsafe(32) / an unpadded base64url SHA-256: 43 characters of [A-Za-z0-9_-].
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")
FIELD_ROLES = (Role.rep, Role.manager)


# -- the calendar itself ---------------------------------------------------------------------

def _description(event: TerritoryEvent) -> str:
    lines = [_("Campaign: {name} ({code})").format(name=event.campaign_name, code=event.campaign_code)]
    if event.note is not None:
        lines += ["", event.note.title, "", event.note.body_md]
    return "\n".join(lines)


def _utc(moment: datetime) -> datetime:
    """UTC, so the file says ``...Z`` (RFC 5545 §3.3.5 form #2) and needs no VTIMEZONE."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give it a time zone")
    return moment.astimezone(timezone.utc)


def build_calendar(events: list[TerritoryEvent], *, now: datetime, name: str, time_zone: str) -> bytes:
    """The whole VCALENDAR as UTF-8 bytes (CRLF lines folded at 75 octets by the library)."""
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", time_zone)
    for event in events:
        cancelled = event.status == "cancelled"
        item = icalendar.Event()
        item.add("uid", f"{event.code}@{UID_DOMAIN}")
        item.add("dtstamp", _utc(now))
        item.add("dtstart", _utc(event.starts_at))
        item.add("dtend", _utc(event.ends_at))
        item.add("sequence", int(event.sequence or 0))
        item.add("last-modified", _utc(event.updated_at or now))
        item.add("summary", event.title)
        if event.venue:
            item.add("location", event.venue)
        item.add("description", _description(event))
        item.add("status", "CANCELLED" if cancelled else "CONFIRMED")
        item.add("transp", "TRANSPARENT" if cancelled else "OPAQUE")
        cal.add_component(item)
    return cal.to_ical()


def calendar_name(territory: str) -> str:
    return _("OneVoice — {territory}").format(territory=territory)


# -- tokens ------------------------------------------------------------------------------------

def _server_key() -> bytes:
    """The key tokens are derived with: the configured cookie key (ONEVOICE_COOKIE_KEY), else the
    key the portal keeps in data/cookie_key (created here the same way when it is missing), under
    its own purpose."""
    configured = load_config().cookie_key
    key = configured.get_secret_value() if configured else None
    if not key:
        path = load_config().data_dir / "cookie_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w") as fh:
                    fh.write(secrets.token_urlsafe(48))
            except FileExistsError:  # another process wrote it a moment ago
                pass
        key = path.read_text().strip()
    return hashlib.sha256(b"onevoice-calendar-feed\x00" + key.encode("utf-8")).digest()


def _derive(user_id: int, nonce: str) -> str:
    digest = hmac.new(_server_key(), f"{int(user_id)}:{nonce}".encode(), hashlib.sha256).digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii")).hexdigest()


def is_well_formed(token: str | None) -> bool:
    return isinstance(token, str) and TOKEN_PATTERN.fullmatch(token) is not None


def base_url() -> str:
    return (load_config().base_url or DEFAULT_BASE_URL).rstrip("/")


def feed_url(token: str, *, base: str | None = None) -> str:
    return f"{(base or base_url()).rstrip('/')}{ROUTE_PREFIX}{token}.ics"


def webcal_url(url: str) -> str:
    """The same address with the webcal:// scheme calendar apps open as a subscription."""
    return re.sub(r"^https?://", "webcal://", url)


def _field_user(user_id: int, *, session: Session) -> User:
    user = session.get(User, user_id)
    if user is None or not user.active or Role(user.role) not in FIELD_ROLES or user.territory_id is None:
        raise NotFound(_("only an active rep or manager has a calendar address"))
    return user


def current_token(viewer: Viewer, *, session: Session) -> str | None:
    """The viewer's address token, or None when none was issued (or the server key changed)."""
    require_field(viewer)
    row = session.get(CalendarToken, viewer.id)
    if row is None:
        return None
    token = _derive(viewer.id, row.nonce)
    return token if hmac.compare_digest(hash_token(token), row.token_hash) else None


def issue_token(viewer: Viewer, *, session: Session, rotate: bool = False, actor: str | None = None) -> str:
    """The viewer's address token: the current one, or a new one when there is none (or
    ``rotate``: the old address stops working). Written in the caller's transaction."""
    require_field(viewer)
    user = _field_user(viewer.id, session=session)
    existing = current_token(viewer, session=session)
    if existing is not None and not rotate:
        return existing
    nonce = secrets.token_hex(16)
    token = _derive(user.id, nonce)
    row = session.get(CalendarToken, user.id)
    action = "rotate" if row is not None else "create"
    if row is None:
        row = CalendarToken(user_id=user.id, token_hash=hash_token(token), nonce=nonce, created_at=utcnow())
    else:
        row.token_hash, row.nonce, row.created_at = hash_token(token), nonce, utcnow()
    session.add(row)
    session.flush()
    audit.record(session=session, username=actor or viewer.username, action=action, entity="calendar_token",
                 entity_key=user.username, detail=None)
    return token


def issue_token_for_username(username: str, *, session: Session, rotate: bool = False,
                             actor: str = "cli") -> str:
    """``manage.py calendar-url``: the address token of a rep or manager by username."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(_("no user {username!r}").format(username=username))
    if not user.active:
        raise ValidationFailed(_("user {username} is disabled: a disabled user's calendar address does not "
                                 "work").format(username=username))
    if Role(user.role) not in FIELD_ROLES:
        raise ValidationFailed(_("user {username} is a {role}: only reps and managers have a calendar "
                                 "address").format(username=username, role=user.role))
    return issue_token(Viewer.of(user), session=session, rotate=rotate, actor=actor)


def viewer_for_token(token: str | None, *, session: Session) -> Viewer | None:
    """The active rep or manager whose current address this token is, else None (whatever the
    reason: the caller answers every None alike)."""
    if not is_well_formed(token):
        return None
    # A 256-bit token is found by its hash alone (no comparison of secrets in Python), so an
    # address printed by manage.py keeps working whatever key the serving process holds.
    row = session.exec(select(CalendarToken).where(CalendarToken.token_hash == hash_token(token))).first()
    if row is None:
        return None
    user = session.get(User, row.user_id)
    if user is None or not user.active or Role(user.role) not in FIELD_ROLES or user.territory_id is None:
        return None
    return Viewer.of(user)


def calendar_for_token(token: str | None, *, session: Session, now: datetime | None = None) -> bytes | None:
    """The subscribed calendar of the token's owner, in their language; None = 404."""
    viewer = viewer_for_token(token, session=session)
    if viewer is None:
        return None
    now = now or utcnow()
    settings = load_settings(session=session)
    with use_language(viewer.language):
        events = subscription_events(viewer, session=session, now=now)
        territory = viewer_territory_name(viewer, session=session)
        return build_calendar(events, now=now, name=calendar_name(territory), time_zone=settings.time_zone)
