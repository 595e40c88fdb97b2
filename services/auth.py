"""Sign-in rules: bcrypt passwords, a database-kept lockout, and per-user session epochs.

- Five failed attempts for a typed username within the lockout window lock that username for
  15 minutes. The counter is keyed on the typed name, whether or not such a user exists, and
  every failure gets the same message, so neither reveals which usernames exist.
- A user's ``session_epoch`` is bumped by sign-out, password change, role change and disabling;
  a re-authentication cookie issued before it is refused, in every process.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt
from sqlmodel import Session, select

from models.tables import LoginThrottle, User
from models.types import utcnow
from services import audit

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
GENERIC_FAILURE = "Username or password is incorrect."
LOCKED_MESSAGE = "Too many failed sign-in attempts. Try again in 15 minutes."
# A real hash to compare against when the username is unknown, so timing reveals nothing either.
_DUMMY_HASH = bcrypt.hashpw(b"onevoice-dummy-password", bcrypt.gensalt(rounds=12))


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt(rounds=12)).decode("ascii")


def check_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        bcrypt.checkpw(password.encode("utf-8"), _DUMMY_HASH)
        return False
    try:
        return bcrypt.checkpw(password.encode("utf-8"), password_hash.encode("ascii"))
    except ValueError:
        return False


def password_problems(password: str, *, username: str) -> list[str]:
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    if password.strip().lower() == username.strip().lower():
        problems.append("password: must not be the username")
    return problems


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    message: str = ""
    username: str | None = None
    must_change_password: bool = False


def sign_in(username: str, password: str, *, session: Session, now: datetime | None = None) -> SignInResult:
    """Check a typed username and password; record the attempt. Call inside write_session."""
    now = now or utcnow()
    typed = (username or "").strip()
    throttle = session.get(LoginThrottle, typed)
    if throttle and throttle.locked_until and throttle.locked_until > now:
        audit.record(session=session, username=typed, action="sign_in_refused_locked", entity="user",
                     entity_key=typed, at=now)
        return SignInResult(False, LOCKED_MESSAGE)
    user = session.exec(select(User).where(User.username == typed)).first() if typed else None
    good = check_password(password or "", user.password_hash if user else None)
    if good and user.active:
        if throttle:
            session.delete(throttle)
        audit.record(session=session, username=user.username, action="sign_in", entity="user",
                     entity_key=user.username, at=now)
        return SignInResult(True, username=user.username, must_change_password=user.must_change_password)
    if throttle is None:
        throttle = LoginThrottle(username=typed, failed_count=0)
        session.add(throttle)
    if throttle.locked_until and throttle.locked_until <= now:
        throttle.failed_count, throttle.locked_until = 0, None
    throttle.failed_count += 1
    throttle.first_failed_at = throttle.first_failed_at or now
    if throttle.failed_count >= MAX_FAILED_ATTEMPTS:
        throttle.locked_until = now + LOCKOUT
    audit.record(session=session, username=typed or None, action="sign_in_failed", entity="user",
                 entity_key=typed, detail={"failed_count": throttle.failed_count}, at=now)
    if throttle.locked_until:
        return SignInResult(False, LOCKED_MESSAGE)
    # A disabled user with the right password gets the same message as a wrong password.
    return SignInResult(False, GENERIC_FAILURE)


def session_is_valid(username: str, issued_at: datetime, *, session: Session) -> bool:
    """A session (cookie or open tab) issued at ``issued_at`` is still good for this user."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active or not user.password_hash:
        return False
    return user.session_epoch is None or issued_at >= user.session_epoch


def password_change_required(username: str, *, session: Session) -> bool:
    """An admin's one-time password must be replaced before anything else."""
    user = session.exec(select(User).where(User.username == username)).first()
    return bool(user and user.must_change_password)


def bump_session_epoch(user: User, *, now: datetime | None = None) -> None:
    """Invalidate every session and cookie issued so far for this user."""
    user.session_epoch = now or utcnow()


def sign_out(username: str, *, session: Session) -> None:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is not None:
        bump_session_epoch(user)
        audit.record(session=session, username=username, action="sign_out", entity="user", entity_key=username)


def change_own_password(username: str, current: str, new: str, *, session: Session) -> None:
    from models.errors import ValidationFailed

    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        raise ValidationFailed("your account is not active")
    if not check_password(current, user.password_hash):
        raise ValidationFailed("current password: incorrect")
    problems = password_problems(new, username=username)
    if new == current:
        problems.append("password: must differ from the current one")
    if problems:
        raise ValidationFailed(problems)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    bump_session_epoch(user)
    audit.record(session=session, username=username, action="change_password", entity="user", entity_key=username)
