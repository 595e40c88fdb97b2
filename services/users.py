"""Creating users, setting passwords, disabling — used by the CLI and the admin pages."""
from __future__ import annotations

import secrets
import string

from sqlmodel import Session, select

from models.enums import Role
from models.errors import NotFound, ValidationFailed
from models.tables import Territory, User
from services import audit
from services.auth import bump_session_epoch, hash_password, password_problems

USER_FIELDS = ["username", "display_name", "email", "role", "territory_id", "manager_id", "active"]


def find_user(username: str, *, session: Session) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(f"no user named {username!r}")
    return user


def territory_by_code(code: str, *, session: Session) -> Territory:
    territory = session.exec(select(Territory).where(Territory.code == code)).first()
    if territory is None:
        raise NotFound(f"unknown territory code {code!r}")
    return territory


def validate_user_fields(*, username: str, role: str, territory: Territory | None) -> Role:
    problems = []
    if not username or len(username) > 150 or any(c.isspace() for c in username):
        problems.append("username: 1–150 characters, no spaces")
    try:
        role = Role(role)
    except ValueError:
        problems.append(f"role: unknown role {role!r} (expected one of {', '.join(Role)})")
        raise ValidationFailed(problems) from None
    if role in (Role.rep, Role.manager) and territory is None:
        problems.append(f"territory: required for role {role}")
    if problems:
        raise ValidationFailed(problems)
    return role


def create_user(*, session: Session, actor: str | None, username: str, role: str, password: str | None,
                territory_code: str | None = None, display_name: str | None = None, email: str | None = None,
                manager_username: str | None = None, must_change_password: bool = False) -> User:
    territory = territory_by_code(territory_code, session=session) if territory_code else None
    role = validate_user_fields(username=username, role=role, territory=territory)
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise ValidationFailed(f"username: {username!r} already exists")
    manager = find_user(manager_username, session=session) if manager_username else None
    if password is not None:
        problems = password_problems(password, username=username)
        if problems:
            raise ValidationFailed(problems)
    user = User(username=username, display_name=display_name or username, email=email, role=role,
                territory_id=territory.id if territory else None, manager_id=manager.id if manager else None,
                active=True, password_hash=hash_password(password) if password else None,
                must_change_password=must_change_password)
    session.add(user)
    session.flush()
    audit.record(session=session, username=actor, action="create", entity="user", entity_key=username,
                 detail=audit.changes({}, audit.snapshot(user, USER_FIELDS)))
    return user


def set_password(*, session: Session, actor: str | None, username: str, password: str,
                 must_change: bool = False) -> User:
    user = find_user(username, session=session)
    problems = password_problems(password, username=username)
    if problems:
        raise ValidationFailed(problems)
    user.password_hash = hash_password(password)
    user.must_change_password = must_change
    bump_session_epoch(user)
    audit.record(session=session, username=actor, action="set_password", entity="user", entity_key=username,
                 detail={"must_change_password": must_change})
    return user


def generate_one_time_password() -> str:
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(16))


def set_active(*, session: Session, actor: str | None, username: str, active: bool) -> User:
    user = find_user(username, session=session)
    before = audit.snapshot(user, ["active"])
    user.active = active
    if not active:
        bump_session_epoch(user)
    audit.record(session=session, username=actor, action="disable" if not active else "enable", entity="user",
                 entity_key=username, detail=audit.changes(before, audit.snapshot(user, ["active"])))
    return user
