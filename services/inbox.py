"""Marking a user's own notifications read."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import update
from sqlmodel import Session

from models.tables import Notification
from models.types import utcnow
from queries.scope import AccessDenied, Viewer


def mark_read(viewer: Viewer, notification_ids: list[int] | None = None, *, session: Session,
              now: datetime | None = None) -> int:
    """Mark these notifications (None = all unread) of the viewer read; others' ids are ignored."""
    if viewer.id is None or viewer.id <= 0:
        raise AccessDenied("sign in to read your notifications")
    where = [Notification.user_id == viewer.id, Notification.read_at.is_(None)]
    if notification_ids is not None:
        where.append(Notification.id.in_([int(i) for i in notification_ids]))
    return session.execute(update(Notification).where(*where).values(read_at=now or utcnow())
                           .execution_options(synchronize_session=False)).rowcount
