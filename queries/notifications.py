"""A user's notifications (the inbox): only ever the viewer's own."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from i18n import _
from models.enums import NotificationKind
from models.tables import Notification

from i18n.labels import label

from .reject_reasons import reason_label
from .scope import AccessDenied, Viewer


# -- the text and the link of a notification, in the reader's language ----------------------

def params_of(row) -> dict:
    try:
        return json.loads(row.params or "{}")
    except ValueError:
        return {}


def message(row) -> str:
    """The notification's sentence, in the current language."""
    p = params_of(row)
    kind = NotificationKind(row.kind)
    code, company = p.get("code") or row.entity_key or "", p.get("company") or ""
    if kind is NotificationKind.lead_assigned:
        if row.entity == "campaign":
            return _("{n} new leads of campaign {campaign} were handed to you").format(
                n=p.get("n", 0), campaign=p.get("campaign", row.entity_key))
        return _("Lead {code} ({company}) was handed to you").format(code=code, company=company)
    if kind is NotificationKind.lead_due_soon:
        return _("Lead {code} ({company}) is due soon and not yet touched").format(code=code, company=company)
    if kind is NotificationKind.lead_overdue:
        return _("Lead {code} ({company}) is overdue: nobody has touched it").format(code=code, company=company)
    if kind is NotificationKind.lead_reassigned:
        return _("Lead {code} ({company}) was reassigned to {rep}").format(code=code, company=company,
                                                                         rep=p.get("to") or "—")
    if kind is NotificationKind.lead_rejected:
        return _("{rep} rejected lead {code} ({company}): {reason}").format(
            rep=p.get("rep") or "—", code=code, company=company, reason=reason_label(p.get("reason")))
    if kind is NotificationKind.note_published:
        return _("New campaign note for {campaign}: {title} (version {version})").format(
            campaign=p.get("campaign", ""), title=p.get("title", ""), version=p.get("version", ""))
    if kind is NotificationKind.feedback_answered:
        return _("Marketing answered your feedback: {body}").format(body=p.get("body", ""))
    change = p.get("change")
    if change == "added":
        return _("New event in your territory: {title}").format(title=p.get("title", ""))
    if change == "cancelled":
        return _("Event cancelled: {title}").format(title=p.get("title", ""))
    if change == "moved":
        return _("Event moved: {title}").format(title=p.get("title", ""))
    return _("Event changed: {title}").format(title=p.get("title", ""))




def kind_label(kind) -> str:
    return label(NotificationKind(kind))


def link_for(row) -> str:
    """The portal address that opens the record (a page's url_path and a query parameter)."""
    p = params_of(row)
    kind = NotificationKind(row.kind)
    if kind is NotificationKind.lead_rejected:
        return f"/lead-routing?lead={row.entity_key}"
    if row.entity == "lead":
        return f"/leads?lead={row.entity_key}"
    if row.entity == "campaign":
        return "/leads"
    if row.entity == "note":
        return f"/notes?campaign={p.get('campaign_code', '')}"
    if row.entity == "event":
        return f"/events?event={row.entity_key}"
    if row.entity == "feedback":
        return "/feedback-to-marketing"
    return "/my-day"


@dataclass(frozen=True)
class InboxItem:
    id: int
    kind: str
    entity: str
    entity_key: str | None
    created_at: datetime
    read_at: datetime | None
    emailed_at: datetime | None
    text: str
    link: str


def _item(row: Notification) -> InboxItem:
    return InboxItem(row.id, str(row.kind), row.entity, row.entity_key, row.created_at, row.read_at, row.emailed_at,
                     message(row), link_for(row))


def notifications_of_user(user_id: int, *, session: Session, unread_only: bool = False, limit: int = 500,
                          offset: int = 0) -> list[InboxItem]:
    query = select(Notification).where(Notification.user_id == user_id)
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    rows = session.exec(query.order_by(Notification.created_at.desc(), Notification.id.desc())
                        .limit(limit).offset(offset)).all()
    return [_item(r) for r in rows]


def inbox(viewer: Viewer, *, session: Session, unread_only: bool = False, limit: int = 50,
          offset: int = 0) -> list[InboxItem]:
    if viewer.id is None or viewer.id <= 0:
        raise AccessDenied("sign in to see your notifications")
    return notifications_of_user(viewer.id, session=session, unread_only=unread_only, limit=min(limit, 500),
                                 offset=max(offset, 0))


def unread_count(viewer: Viewer, *, session: Session) -> int:
    if viewer.id is None or viewer.id <= 0:
        return 0
    return int(session.exec(select(func.count()).select_from(Notification).where(
        Notification.user_id == viewer.id, Notification.read_at.is_(None))).one())
