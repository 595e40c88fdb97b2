"""Creating users, setting passwords, disabling — used by the CLI and the admin pages."""
from __future__ import annotations

import secrets
import string
from dataclasses import dataclass

from sqlmodel import Session, select

from models.enums import Role
from models.errors import NotFound, ValidationFailed
from models.tables import Territory, User
from services import audit
from services.auth import bump_session_epoch, hash_password, password_problems
from i18n import _

USER_FIELDS = ["username", "display_name", "email", "role", "territory_id", "manager_id", "active", "language", "notify"]


def find_user(username: str, *, session: Session) -> User:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        raise NotFound(_("no user named {username!r}").format(username=username))
    return user


def territory_by_code(code: str, *, session: Session) -> Territory:
    territory = session.exec(select(Territory).where(Territory.code == code)).first()
    if territory is None:
        raise NotFound(_("unknown territory code {code!r}").format(code=code))
    return territory


def validate_user_fields(*, username: str, role: str, territory: Territory | None) -> Role:
    problems = []
    if not username or len(username) > 150 or any(c.isspace() for c in username):
        problems.append(_("username: 1–150 characters, no spaces"))
    try:
        role = Role(role)
    except ValueError:
        problems.append(_("role: unknown role {role!r} (expected one of {join})").format(role=role, join=', '.join(Role)))
        raise ValidationFailed(problems) from None
    if role in (Role.rep, Role.manager) and territory is None:
        problems.append(_("territory: required for role {role}").format(role=role))
    if problems:
        raise ValidationFailed(problems)
    return role


def create_user(*, session: Session, actor: str | None, username: str, role: str, password: str | None,
                territory_code: str | None = None, display_name: str | None = None, email: str | None = None,
                manager_username: str | None = None, must_change_password: bool = False,
                language: str | None = None, notify: str | None = None) -> User:
    from models.enums import Language

    try:
        language = Language(language) if language else None
    except ValueError:
        raise ValidationFailed(_("language: unknown language {language!r} (expected one of {join})").format(language=language, join=', '.join(Language))) from None
    notify = parse_notify(notify)
    if problems := notify_problems(notify, email):
        raise ValidationFailed(problems)
    territory = territory_by_code(territory_code, session=session) if territory_code else None
    role = validate_user_fields(username=username, role=role, territory=territory)
    if session.exec(select(User.id).where(User.username == username)).first() is not None:
        raise ValidationFailed(_("username: {username!r} already exists").format(username=username))
    manager = find_user(manager_username, session=session) if manager_username else None
    if password is not None:
        problems = password_problems(password, username=username)
        if problems:
            raise ValidationFailed(problems)
    user = User(username=username, display_name=display_name or username, email=email, role=role,
                territory_id=territory.id if territory else None, manager_id=manager.id if manager else None,
                active=True, password_hash=hash_password(password) if password else None,
                must_change_password=must_change_password, language=language, notify=notify)
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


def set_own_language(viewer, *, session: Session, language: str | None):
    """The signed-in user's interface language ('ko', 'en'; None or '' = follow the browser), audited.

    Only ever the viewer's own row: nobody changes another person's language."""
    from models.enums import Language

    user = find_user(viewer.username, session=session)
    try:
        chosen = Language(language) if language else None
    except ValueError:
        raise ValidationFailed(_("language: unknown language {language!r} (expected one of {join})").format(language=language, join=', '.join(Language))) from None
    _audited_change(user, "language", chosen, action="set_language", session=session, actor=viewer.username)
    return chosen


def notify_problems(notify, email: str | None) -> list[str]:
    """Why this mail preference cannot be kept for a user with this address (empty: it can)."""
    from models.enums import NotifyPreference

    if notify in (NotifyPreference.email, NotifyPreference.digest) and not (email or "").strip():
        return [_("notifications by e-mail: the account has no e-mail address; an administrator adds one first")]
    return []


def parse_notify(notify: str | None):
    from models.enums import NotifyPreference

    try:
        return NotifyPreference(notify or NotifyPreference.inbox)
    except ValueError:
        raise ValidationFailed(_("notify: unknown choice {notify!r} (expected one of {join})").format(
            notify=notify, join=", ".join(NotifyPreference))) from None


def set_own_notify(viewer, *, session: Session, notify: str):
    """How the signed-in user hears of notifications besides the inbox (inbox, email, digest), audited."""
    user = find_user(viewer.username, session=session)
    chosen = parse_notify(notify)
    problems = notify_problems(chosen, user.email)
    if problems:
        raise ValidationFailed(problems)
    _audited_change(user, "notify", chosen, action="set_notify", session=session, actor=viewer.username)
    return chosen


@dataclass(frozen=True)
class MailPreference:
    notify: str
    email: str | None


def own_mail_preference(viewer, *, session: Session) -> MailPreference:
    """The signed-in user's own mail preference and address (for My account)."""
    user = find_user(viewer.username, session=session)
    return MailPreference(notify=str(user.notify), email=user.email)


def _audited_change(user: User, field: str, value, *, action: str, session: Session, actor: str) -> None:
    before = audit.snapshot(user, [field])
    setattr(user, field, value)
    after = audit.snapshot(user, [field])
    if before != after:
        audit.record(session=session, username=actor, action=action, entity="user", entity_key=user.username,
                     detail=audit.changes(before, after))
