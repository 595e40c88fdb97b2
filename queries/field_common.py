"""Pieces shared by the field workspace's reads: search patterns, the rep filter,
activity scope and the company's "today".

The rep filter of a manager is ANDed with the viewer's scope, so it can only narrow it: a rep
who passes another rep's id simply gets nothing.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, and_, false, func, or_, true
from sqlmodel import Session, select

from models.enums import Role
from models.settings_store import load_settings
from models.tables import Activity, Territory, User
from models.timefmt import local_date

from .scope import AccessDenied, Viewer, require_role

MAX_SEARCH_LENGTH = 100


def require_field(viewer: Viewer) -> None:
    require_role(viewer, Role.rep, Role.manager)
    if viewer.territory_id is None:
        raise AccessDenied("your user has no territory; ask an administrator to set one")


def like_pattern(term: str | None) -> str | None:
    """A lower-case LIKE pattern matching ``term`` anywhere, with LIKE's wildcards escaped."""
    term = (term or "").strip()[:MAX_SEARCH_LENGTH].lower()
    if not term:
        return None
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def matches(pattern: str | None, *columns) -> ColumnElement[bool]:
    """Case-insensitive substring search over columns, the same on SQLite and PostgreSQL."""
    if pattern is None:
        return true()
    return or_(*(func.lower(col).like(pattern, escape="\\") for col in columns))


def rep_filter(column, rep_id: int | None) -> ColumnElement[bool]:
    """A manager's "show this rep only" filter; ANDed with the scope, it never widens it."""
    return true() if rep_id is None else column == int(rep_id)


def activity_scope(viewer: Viewer) -> ColumnElement[bool]:
    """Activities a viewer may see: a rep their own in their territory; a manager those of their
    territory. By the territory the activity belongs to, not its author's current one (a moved
    rep's history stays with the territory it happened in)."""
    if viewer.is_company_wide:
        return true()
    if viewer.role is Role.manager:
        return Activity.territory_id == viewer.territory_id
    if viewer.role is Role.rep:
        return and_(Activity.user_id == viewer.id, Activity.territory_id == viewer.territory_id)
    return false()


def company_today(*, session: Session, now: datetime) -> date:
    """"Today" is the company's today, in its configured time zone."""
    return local_date(now, load_settings(session=session).tz)


@dataclass(frozen=True)
class RepOption:
    id: int
    display_name: str
    active: bool


def territory_reps(viewer: Viewer, *, session: Session, include_inactive: bool = False) -> list[RepOption]:
    """The reps of the viewer's territory, for a manager's rep filter and reassignment targets."""
    require_field(viewer)
    stmt = select(User.id, User.display_name, User.active).where(
        User.territory_id == viewer.territory_id, User.role == Role.rep)
    if not include_inactive:
        stmt = stmt.where(User.active.is_(True))
    if viewer.role is Role.rep:
        stmt = stmt.where(User.id == viewer.id)
    return [RepOption(*row) for row in session.exec(stmt.order_by(User.display_name))]


def viewer_territory_name(viewer: Viewer, *, session: Session) -> str:
    require_field(viewer)
    return session.exec(select(Territory.name).where(Territory.id == viewer.territory_id)).one()
