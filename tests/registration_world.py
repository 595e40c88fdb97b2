"""A check-in situation on the seeded demo, dated around the real clock: an event of Seoul running
now (started an hour ago, ends in five), with three registrations — one from an account of the
demo rep minjun.kim (who is not yet a lead) — and an event of Seoul that ended yesterday."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import select

from models.db import write_session
from models.enums import EventKind, RegistrationStatus, Role
from models.tables import Account, Campaign, Event, Registration, Territory, User
from models.types import utcnow

GUEST_EMAIL = "door.guest@checkin.example"
GUEST_NAME = "도어 게스트"


@dataclass(frozen=True)
class DoorEvent:
    now: datetime
    door_id: int
    ended_id: int
    account_name: str      # the demo account of minjun.kim that registered at the door
    rep_id: int


def add_door_event(engine) -> DoorEvent:
    now = utcnow().replace(microsecond=0)
    with write_session(engine) as s:
        seoul = s.exec(select(Territory).where(Territory.code == "SEL")).one()
        rep = s.exec(select(User).where(User.username == "minjun.kim")).one()
        account = s.exec(select(Account).where(Account.owner_id == rep.id).order_by(Account.name)).first()
        campaign = s.exec(select(Campaign).order_by(Campaign.start_date.desc())).first()
        door = Event(code="EV-DOOR", campaign_id=campaign.id, title="Door check-in seminar — Seoul",
                     kind=EventKind.seminar, territory_id=seoul.id, venue="COEX Hall D",
                     starts_at=now - timedelta(hours=1), ends_at=now + timedelta(hours=5))
        ended = Event(code="EV-ENDED", campaign_id=campaign.id, title="Yesterday's workshop — Seoul",
                      kind=EventKind.workshop, territory_id=seoul.id, venue="Jamsil",
                      starts_at=now - timedelta(days=1, hours=4), ends_at=now - timedelta(days=1))
        s.add_all([door, ended])
        s.flush()
        for event, email, company, name in (
                (door, GUEST_EMAIL, account.name, GUEST_NAME),
                (door, "second.person@checkin.example", "Second Person Co.", "Second Person"),
                (door, "third.person@checkin.example", "Third Person Co.", "Third Person"),
                (ended, "late.person@checkin.example", "Late Co.", "Late Person")):
            s.add(Registration(event_id=event.id, email=email, email_key=email, company=company, contact_name=name,
                               status=RegistrationStatus.registered, registered_at=now - timedelta(days=2)))
        world = DoorEvent(now=now, door_id=door.id, ended_id=ended.id, account_name=account.name, rep_id=rep.id)
    assert Role.rep
    return world
