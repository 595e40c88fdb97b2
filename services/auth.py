"""Sign-in rules: bcrypt passwords, a database-kept lockout, and per-user session epochs.

- Five failed attempts for a typed username within the lockout window lock that username for
  15 minutes. The counter is keyed on the typed name, whether or not such a user exists, and
  every failure gets the same message, so neither reveals which usernames exist.
- A user's ``session_epoch`` is bumped by sign-out, password change, role change and disabling;
  a re-authentication cookie issued before it is refused, in every process.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

import bcrypt
import sqlalchemy as sa
from sqlmodel import Session, select

from i18n import _
from models.tables import LoginThrottle, User
from models.types import utcnow
from queries.scope import Viewer
from services import audit

MAX_FAILED_ATTEMPTS = 5
LOCKOUT = timedelta(minutes=15)
MIN_PASSWORD_LENGTH = 12
MIN_DISTINCT_CHARACTERS = 5
MAX_PASSWORD_BYTES = 72  # bcrypt's limit
GENERIC_FAILURE = "Username or password is incorrect."
LOCKED_MESSAGE = "Too many failed sign-in attempts. Try again in 15 minutes."
# A real hash to compare against when the username is unknown, so timing reveals nothing either.
_BCRYPT_HASH = re.compile(r"\$2[abxy]\$\d\d\$[./A-Za-z0-9]{53}")
_DUMMY_HASH = bcrypt.hashpw(b"onevoice-dummy-password", bcrypt.gensalt(rounds=12))


def _password_bytes(password: str) -> bytes:
    return (password or "").encode("utf-8")


def hash_password(password: str) -> str:
    data = _password_bytes(password)
    if len(data) > MAX_PASSWORD_BYTES:
        from models.errors import ValidationFailed

        raise ValidationFailed(_too_long_message())
    return bcrypt.hashpw(data, bcrypt.gensalt(rounds=12)).decode("ascii")


def check_password(password: str, password_hash: str | None) -> bool:
    """True when ``password`` matches; never raises. Every path runs one bcrypt check of the same
    cost (a real hash or the dummy one), so an unknown user, a corrupt hash and a password bcrypt
    cannot take (over 72 bytes: no stored hash can match it) all take the same time."""
    data = _password_bytes(password)
    usable = bool(password_hash) and _BCRYPT_HASH.fullmatch(password_hash) and len(data) <= MAX_PASSWORD_BYTES
    if usable:
        try:
            return bcrypt.checkpw(data, password_hash.encode("ascii"))
        except (ValueError, UnicodeEncodeError):
            pass
    bcrypt.checkpw(data[:MAX_PASSWORD_BYTES], _DUMMY_HASH)
    return False


def _too_long_message() -> str:
    return _("password: at most {n} bytes (a Korean character takes 3)").format(n=MAX_PASSWORD_BYTES)


def password_problems(password: str, *, username: str) -> list[str]:
    """The password policy (SECURITY.md): 12+ characters not counting spaces at either end, at most
    72 bytes in UTF-8 (bcrypt's limit), at least 5 different characters, no control characters,
    and not the username."""
    problems = []
    password = password or ""
    if len(password.strip()) < MIN_PASSWORD_LENGTH:
        problems.append(_("password: at least {n} characters, not counting spaces at either end")
                        .format(n=MIN_PASSWORD_LENGTH))
    if len(_password_bytes(password)) > MAX_PASSWORD_BYTES:
        problems.append(_too_long_message())
    if len(set(password.strip())) < MIN_DISTINCT_CHARACTERS:
        problems.append(_("password: at least {n} different characters").format(n=MIN_DISTINCT_CHARACTERS))
    if any(ord(c) < 32 or ord(c) == 127 for c in password):
        problems.append(_("password: no control characters"))
    if password.strip().lower() == username.strip().lower():
        problems.append(_("password: must not be the username"))
    return problems


@dataclass(frozen=True)
class SignInResult:
    ok: bool
    message: str = ""
    username: str | None = None
    must_change_password: bool = False


def _claim_attempt(session: Session, typed: str, now: datetime) -> tuple[int, datetime | None]:
    """Count this attempt for ``typed`` before its password is checked, in one atomic statement
    (an upsert that returns the updated row), so any number of parallel attempts, in any number
    of processes, get distinct counts: the first MAX_FAILED_ATTEMPTS are checked, later ones are
    refused. A lock that has run out, or a first failure older than LOCKOUT, starts a new count.
    Returns (this attempt's number, locked_until)."""
    table = LoginThrottle.__table__
    c = table.c
    window_start = now - LOCKOUT
    expired = sa.or_(sa.and_(c.locked_until.is_not(None), c.locked_until <= now),
                     sa.and_(c.locked_until.is_(None), c.first_failed_at.is_not(None),
                             c.first_failed_at <= window_start))
    at_now = sa.literal(now, c.first_failed_at.type)
    lock_end = sa.literal(now + LOCKOUT, c.locked_until.type)
    count = sa.case((expired, 1), else_=c.failed_count + 1)
    values = {"username": typed, "failed_count": 1, "first_failed_at": now,
              "locked_until": now + LOCKOUT if MAX_FAILED_ATTEMPTS <= 1 else None}
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    stmt = insert(table).values(**values)
    stmt = stmt.on_conflict_do_update(index_elements=[c.username], set_={
        "failed_count": count,
        "first_failed_at": sa.case((expired, at_now), else_=sa.func.coalesce(c.first_failed_at, at_now)),
        # The attempt that reaches the limit sets the lock; it is still checked, later ones are not.
        "locked_until": sa.case((expired, sa.null()),
                                (sa.and_(c.locked_until.is_(None), count >= MAX_FAILED_ATTEMPTS),
                                 lock_end),
                                else_=c.locked_until),
    }).returning(c.failed_count, c.locked_until)
    number, locked_until = session.execute(stmt).one()
    return int(number), locked_until


def sign_in(username: str, password: str, *, session: Session, now: datetime | None = None) -> SignInResult:
    """Check a typed username and password; record the attempt. Call inside write_session."""
    now = now or utcnow()
    typed = (username or "").strip()[:150]
    number, _locked_until = _claim_attempt(session, typed, now)
    if number > MAX_FAILED_ATTEMPTS:
        audit.record(session=session, username=typed or None, action="sign_in_refused_locked", entity="user",
                     entity_key=typed, at=now)
        return SignInResult(False, LOCKED_MESSAGE)
    user = session.exec(select(User).where(User.username == typed)).first() if typed else None
    good = check_password(password or "", user.password_hash if user else None)
    if good and user.active:
        session.execute(sa.delete(LoginThrottle.__table__).where(LoginThrottle.__table__.c.username == typed))
        audit.record(session=session, username=user.username, action="sign_in", entity="user",
                     entity_key=user.username, at=now)
        return SignInResult(True, username=user.username, must_change_password=user.must_change_password)
    audit.record(session=session, username=typed or None, action="sign_in_failed", entity="user",
                 entity_key=typed, detail={"failed_count": number}, at=now)
    if number >= MAX_FAILED_ATTEMPTS:
        return SignInResult(False, LOCKED_MESSAGE)
    # A disabled user with the right password gets the same message as a wrong password.
    return SignInResult(False, GENERIC_FAILURE)


# The gate reads the columns it needs as a Core statement (no ORM entity), so that it can run on
# a bare connection (models.db.read_connection) as well as in a session.
_GATE = sa.select(User.id, User.username, User.display_name, User.role, User.territory_id, User.language,
                  User.active, User.password_hash, User.session_epoch, User.must_change_password
                  ).where(User.username == sa.bindparam("username"))


def session_gate(username: str, issued_at: datetime, *,
                 session: Session | sa.Connection) -> tuple[Viewer | None, bool]:
    """The gate's one read of the user per rerun: the Viewer of a session (cookie or open tab)
    issued at ``issued_at``, or None when it no longer holds (unknown, disabled, signed out,
    password or role changed since), and whether an admin's one-time password must be replaced
    before anything else. ``session``: a Session or a Connection."""
    return _judged(session.execute(_GATE, {"username": username}).first(), issued_at)


def served_gate(username: str, issued_at: datetime, *, engine) -> tuple[Viewer | None, bool]:
    """``session_gate`` as the server runs it on every rerun: the user's row is this process's kept
    row where the database tells the process when one changes (PostgreSQL: ``models.user_rows``),
    else one read on a bare connection (``models.db.read_connection``)."""
    from models.db import read_connection
    from models.user_rows import user_rows

    def fetch():
        with read_connection(engine) as connection:
            return connection.execute(_GATE, {"username": username}).first()

    rows = user_rows(engine)
    return _judged(fetch() if rows is None else rows.row(username, fetch), issued_at)


def _judged(user, issued_at: datetime) -> tuple[Viewer | None, bool]:
    if user is None or not user.active or not user.password_hash:
        return None, False
    if user.session_epoch is not None and issued_at < user.session_epoch:
        return None, False
    return Viewer.of(user), bool(user.must_change_password)


def session_viewer(username: str, issued_at: datetime, *, session: Session) -> Viewer | None:
    """The Viewer of a session issued at ``issued_at``, or None when it no longer holds."""
    return session_gate(username, issued_at, session=session)[0]


def session_is_valid(username: str, issued_at: datetime, *, session: Session) -> bool:
    """A session issued at ``issued_at`` is still good for this user."""
    return session_viewer(username, issued_at, session=session) is not None


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
        raise ValidationFailed(_("your account is not active"))
    if not check_password(current, user.password_hash):
        raise ValidationFailed(_("current password: incorrect"))
    problems = password_problems(new, username=username)
    if new == current:
        problems.append(_("password: must differ from the current one"))
    if problems:
        raise ValidationFailed(problems)
    user.password_hash = hash_password(new)
    user.must_change_password = False
    bump_session_epoch(user)
    audit.record(session=session, username=username, action="change_password", entity="user", entity_key=username)
