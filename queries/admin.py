"""Read side of the admin pages: users, territories, targets, the audit log. Admin only."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from models.enums import Role
from models.tables import Account, AuditLog, Lead, LoginThrottle, MonthlyTarget, Opportunity, Territory, User
from models.types import utcnow

from .scope import Viewer, require_role

PAGE_SIZE = 50


def _admin(viewer: Viewer) -> None:
    require_role(viewer, Role.admin)


def _like(text: str) -> str:
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


@dataclass(frozen=True)
class UserRow:
    username: str
    display_name: str
    email: str | None
    role: str
    territory: str | None
    manager: str | None
    active: bool
    must_change_password: bool
    locked: bool


def list_users(viewer: Viewer, *, session: Session, search: str = "", role: str | None = None,
               territory_code: str | None = None, limit: int = PAGE_SIZE, offset: int = 0) -> tuple[list[UserRow], int]:
    _admin(viewer)
    manager = aliased(User)
    where = []
    if search.strip():
        pattern = _like(search.strip())
        where.append(or_(func.lower(User.username).like(pattern, escape="\\"),
                         func.lower(User.display_name).like(pattern, escape="\\")))
    if role:
        where.append(User.role == role)
    if territory_code:
        where.append(Territory.code == territory_code)
    base = (select(User.username, User.display_name, User.email, User.role, Territory.code, manager.username,
                   User.active, User.must_change_password, LoginThrottle.locked_until)
            .outerjoin(Territory, Territory.id == User.territory_id)
            .outerjoin(manager, manager.id == User.manager_id)
            .outerjoin(LoginThrottle, LoginThrottle.username == User.username)
            .where(*where))
    total = session.exec(select(func.count()).select_from(base.subquery())).one()
    now = utcnow()
    rows = session.exec(base.order_by(User.username).limit(limit).offset(offset)).all()
    return [UserRow(r[0], r[1], r[2], r[3].value if hasattr(r[3], "value") else r[3], r[4], r[5], r[6], r[7],
                    bool(r[8] and r[8] > now)) for r in rows], total


def active_reps_of(viewer: Viewer, territory_code: str, *, session: Session) -> list[str]:
    _admin(viewer)
    return list(session.exec(select(User.username).join(Territory, Territory.id == User.territory_id).where(
        Territory.code == territory_code, User.role == Role.rep, User.active.is_(True)).order_by(User.username)))


def user_territory_code(viewer: Viewer, username: str, *, session: Session) -> str | None:
    _admin(viewer)
    return session.exec(select(Territory.code).join(User, User.territory_id == Territory.id)
                        .where(User.username == username)).first()


@dataclass(frozen=True)
class TerritoryRow:
    code: str
    name: str
    users: int
    accounts: int
    open_leads: int
    opportunities: int


def territories_overview(viewer: Viewer, *, session: Session) -> list[TerritoryRow]:
    _admin(viewer)

    def counts(model, *extra):
        return dict(session.exec(select(model.territory_id, func.count()).where(*extra).group_by(model.territory_id)).all())

    users, accounts = counts(User), counts(Account)
    leads = counts(Lead, Lead.status.in_(("new", "working", "qualified")))
    opps = counts(Opportunity)
    return [TerritoryRow(t.code, t.name, users.get(t.id, 0), accounts.get(t.id, 0), leads.get(t.id, 0),
                         opps.get(t.id, 0))
            for t in session.exec(select(Territory).order_by(Territory.code))]


def territory_codes(viewer: Viewer, *, session: Session) -> list[str]:
    require_role(viewer, Role.admin, Role.marketer, Role.executive)
    return list(session.exec(select(Territory.code).order_by(Territory.code)))


def targets_grid(viewer: Viewer, *, session: Session, start: date, months: int = 12) -> list[dict]:
    """One row per territory and month from ``start``: the editable grid of the admin page."""
    _admin(viewer)
    month_list = []
    y, m = start.year, start.month
    for _ in range(months):
        month_list.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    stored = {(r.territory_id, r.month): r for r in session.exec(
        select(MonthlyTarget).where(MonthlyTarget.month >= month_list[0], MonthlyTarget.month <= month_list[-1]))}
    rows = []
    for t in session.exec(select(Territory).order_by(Territory.code)):
        for month in month_list:
            row = stored.get((t.id, month))
            rows.append({"territory": t.code, "month": f"{month:%Y-%m}",
                         "revenue_target": row.revenue_target if row else None,
                         "forecast": row.forecast if row else None,
                         "lead_commitment": row.lead_commitment if row else None})
    return rows


@dataclass(frozen=True)
class AuditFilter:
    username: str | None = None
    entity: str | None = None
    action: str | None = None
    start: datetime | None = None   # UTC, inclusive
    end: datetime | None = None     # UTC, exclusive


def _audit_where(f: AuditFilter):
    where = []
    if f.username:
        where.append(AuditLog.username == f.username)
    if f.entity:
        where.append(AuditLog.entity == f.entity)
    if f.action:
        where.append(AuditLog.action == f.action)
    if f.start:
        where.append(AuditLog.at >= f.start)
    if f.end:
        where.append(AuditLog.at < f.end)
    return where


def audit_entries(viewer: Viewer, f: AuditFilter, *, session: Session, limit: int = PAGE_SIZE,
                  offset: int = 0) -> tuple[list[AuditLog], int]:
    _admin(viewer)
    where = _audit_where(f)
    total = session.exec(select(func.count()).select_from(AuditLog).where(*where)).one()
    rows = session.exec(select(AuditLog).where(*where).order_by(AuditLog.id.desc()).limit(limit).offset(offset)).all()
    return list(rows), total


def iter_audit_entries(viewer: Viewer, f: AuditFilter, *, session: Session, batch: int = 5000):
    """Every matching entry, newest first, in keyset-paged batches (for the CSV export)."""
    _admin(viewer)
    where = _audit_where(f)
    last_id = None
    while True:
        stmt = select(AuditLog).where(*where)
        if last_id is not None:
            stmt = stmt.where(AuditLog.id < last_id)
        rows = session.exec(stmt.order_by(AuditLog.id.desc()).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last_id = rows[-1].id


def audit_choices(viewer: Viewer, *, session: Session) -> dict[str, list[str]]:
    _admin(viewer)
    return {
        "entity": list(session.exec(select(AuditLog.entity).distinct().order_by(AuditLog.entity))),
        "action": list(session.exec(select(AuditLog.action).distinct().order_by(AuditLog.action))),
    }


def stored_settings(viewer: Viewer, *, session: Session) -> dict[str, str]:
    """The setting rows as stored (a key without a row uses its default)."""
    _admin(viewer)
    from models.tables import Setting

    return {row.key: row.value for row in session.exec(select(Setting))}
