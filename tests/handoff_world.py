"""A small company for the handoff-process tests: Seoul (two reps and their manager), Busan (one
rep), a marketer who owns the campaign, an admin. Times are pinned; nothing reads the clock."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from models.enums import NotifyPreference, Role
from models.tables import Lead, Notification, User
from queries.scope import Viewer
from sqlmodel import Session, select
from tests.factories import Builder

SEOUL = timezone(timedelta(hours=9))
# A Tuesday, 10:00 in Seoul.
HANDOVER = datetime(2026, 12, 1, 10, 0, tzinfo=SEOUL)


@dataclass
class HandoffWorld:
    sel: object
    bsn: object
    rep: User          # rep_a.sel
    rep2: User         # rep_b.sel
    rep_bsn: User
    manager: User
    marketer: User
    admin: User
    campaign: object

    def v(self, user: User) -> Viewer:
        return Viewer.of(user)


def build(engine, *, rep_notify=NotifyPreference.inbox) -> HandoffWorld:
    with Builder(engine) as b:
        sel, bsn = b.territory("SEL", "Seoul"), b.territory("BSN", "Busan")
        manager = b.user("mgr.sel", Role.manager, sel, email="mgr@example.com")
        rep = b.user("rep_a.sel", Role.rep, sel, manager=manager, email="rep_a@example.com")
        rep2 = b.user("rep_b.sel", Role.rep, sel, manager=manager, email="rep_b@example.com")
        rep_bsn = b.user("rep.bsn", Role.rep, bsn, email="rep_bsn@example.com")
        marketer = b.user("mk", Role.marketer, email="mk@example.com")
        admin = b.user("admin", Role.admin)
        rep.notify = rep_notify
        campaign = b.campaign("CAMP", owner=marketer, territories=[sel, bsn])
    return HandoffWorld(sel, bsn, rep, rep2, rep_bsn, manager, marketer, admin, campaign)


def hand_over(engine, w: HandoffWorld, *, to=None, at=HANDOVER, code=None, account=None) -> Lead:
    """A lead handed to a rep by the services (so its due_at comes from the policy)."""
    from models.db import write_session
    from services import sla

    with Builder(engine) as b:
        lead = b.lead(w.campaign, code=code, territory=w.sel, created_at=at - timedelta(minutes=5),
                      account=account)
    with write_session(engine) as s:
        row = s.get(Lead, lead.id)
        sla.hand_over(row, (to or w.rep).id, at, session=s)
    with Session(engine) as s:
        return s.get(Lead, lead.id)


def notes_of(engine, user: User, kind: str | None = None) -> list[Notification]:
    with Session(engine) as s:
        query = select(Notification).where(Notification.user_id == user.id)
        if kind:
            query = query.where(Notification.kind == kind)
        return list(s.exec(query.order_by(Notification.id)).all())
