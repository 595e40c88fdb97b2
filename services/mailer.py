"""E-mail for notifications: the outbox the sweep sends (DESIGN.md "Notifications").

``ONEVOICE_SMTP_URL`` (``smtp://[user:password@]host:port``, ``?starttls=1`` for STARTTLS;
``ONEVOICE_SMTP_USER`` / ``ONEVOICE_SMTP_PASSWORD`` override the URL's) and
``ONEVOICE_MAIL_FROM``. Without a URL nothing is sent and the inbox alone works.

At most once: a notification (or a user's daily digest) is claimed by a conditional UPDATE that
only one process can win, sent, then marked ``emailed_at``. A failed send releases the claim and
is retried later (backing off); a claim left by a process that died is taken over after
``STALE_CLAIM``. Each mail is written in its recipient's language.
"""
from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from email.message import EmailMessage
from urllib.parse import parse_qs, unquote, urlsplit

from sqlalchemy import and_, or_, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from i18n import _, ngettext, use_language
from models.config import load_config
from models.db import write_session
from models.settings_store import load_settings
from models.tables import MailDigest, Notification, User
from models.types import utcnow

from queries.notifications import kind_label, link_for, message

log = logging.getLogger(__name__)
STALE_CLAIM = timedelta(minutes=10)
MAX_BACKOFF = timedelta(hours=6)
BATCH = 200


class MailConfigError(ValueError):
    """ONEVOICE_SMTP_URL cannot be used."""


@dataclass(frozen=True)
class MailConfig:
    host: str
    port: int
    username: str | None
    password: str | None
    starttls: bool
    sender: str
    base_url: str


def mail_config() -> MailConfig | None:
    """The outgoing-mail settings of this process (models.config), or None when there are none."""
    config = load_config()
    url = (config.smtp_url or "").strip()
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "smtp" or not parts.hostname:
        raise MailConfigError(f"ONEVOICE_SMTP_URL: expected smtp://host:port, got {url!r}")
    query = parse_qs(parts.query)
    if config.smtp_starttls is not None:
        starttls = config.smtp_starttls
    else:
        starttls = query.get("starttls", [""])[0].lower() in ("1", "true", "yes")
    password = config.smtp_password.get_secret_value() if config.smtp_password else None
    return MailConfig(
        host=parts.hostname, port=parts.port or 25,
        username=config.smtp_user or (unquote(parts.username) if parts.username else None),
        password=password or (unquote(parts.password) if parts.password else None),
        starttls=starttls, sender=config.mail_from or "onevoice@localhost",
        base_url=(config.base_url or "http://localhost:8501").rstrip("/"))


@dataclass
class MailReport:
    sent: int = 0
    digests: int = 0
    failed: list[str] = field(default_factory=list)
    configured: bool = True

    def as_dict(self) -> dict:
        return {"sent": self.sent, "digests": self.digests, "failed": self.failed, "configured": self.configured}


class _Connection:
    """One SMTP connection per sweep, opened on the first mail."""

    def __init__(self, config: MailConfig):
        self.config = config
        self.smtp: smtplib.SMTP | None = None

    def send(self, mail: EmailMessage) -> None:
        if self.smtp is None:
            smtp = smtplib.SMTP(self.config.host, self.config.port, timeout=15)
            if self.config.starttls:
                smtp.starttls()
            if self.config.username:
                smtp.login(self.config.username, self.config.password or "")
            self.smtp = smtp
        self.smtp.send_message(mail)

    def close(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except smtplib.SMTPException:
                pass
            except OSError:
                pass
            self.smtp = None


def _backoff(attempts: int) -> timedelta:
    return min(timedelta(minutes=2 ** min(attempts, 10)), MAX_BACKOFF)


def _error_text(exc: Exception) -> str:
    return f"{type(exc).__name__}: {exc}"[:500]


def _mail(config: MailConfig, user: User, subject: str, body: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = config.sender
    mail["To"] = user.email
    mail["Subject"] = subject
    mail.set_content(body)
    return mail


def _single(config: MailConfig, user: User, row: Notification) -> EmailMessage:
    with use_language(user.language):
        text = message(row)
        body = "\n".join([text, "", _("Open in OneVoice: {url}").format(url=config.base_url + link_for(row)), "",
                          _("You receive this e-mail because your notification setting is 'e-mail at once'.")])
        return _mail(config, user, _("OneVoice: {title}").format(title=kind_label(row.kind)), body)


def _digest(config: MailConfig, user: User, rows: list[Notification], day: date) -> EmailMessage:
    with use_language(user.language):
        lines = [ngettext("{n} notification since your last digest:", "{n} notifications since your last digest:",
                          len(rows)).format(n=len(rows)), ""]
        lines += [f"- {message(r)}  {config.base_url + link_for(r)}" for r in rows]
        lines += ["", _("You receive this e-mail because your notification setting is 'daily digest'.")]
        subject = _("OneVoice: your daily digest of {day}").format(day=day.isoformat())
        return _mail(config, user, subject, "\n".join(lines))


def _send_singles(config: MailConfig, conn: _Connection, now: datetime, report: MailReport, *, engine: Engine) -> None:
    due = and_(Notification.mail == "email", Notification.emailed_at.is_(None),
               or_(Notification.mail_next_at.is_(None), Notification.mail_next_at <= now),
               or_(Notification.mail_claimed_at.is_(None), Notification.mail_claimed_at < now - STALE_CLAIM))
    with Session(engine) as session:
        ids = list(session.exec(select(Notification.id).where(due).order_by(Notification.id).limit(BATCH)).all())
    for notification_id in ids:
        with write_session(engine) as session:
            won = session.execute(update(Notification).where(Notification.id == notification_id, due)
                                  .values(mail_claimed_at=now).execution_options(synchronize_session=False)).rowcount
        if won != 1:
            continue                                    # another process has it
        with Session(engine) as session:
            row = session.get(Notification, notification_id)
            user = session.get(User, row.user_id)
            mail = _single(config, user, row)
        try:
            conn.send(mail)
        except (smtplib.SMTPException, OSError) as exc:
            conn.close()
            report.failed.append(f"notification #{notification_id}: {_error_text(exc)}")
            with write_session(engine) as session:
                session.execute(update(Notification).where(Notification.id == notification_id).values(
                    mail_claimed_at=None, mail_attempts=Notification.mail_attempts + 1,
                    mail_error=_error_text(exc), mail_next_at=now + _backoff(row.mail_attempts + 1)))
            if isinstance(exc, OSError) or isinstance(exc, smtplib.SMTPServerDisconnected):
                return                                  # the server is down: try the rest next sweep
            continue
        with write_session(engine) as session:
            session.execute(update(Notification).where(Notification.id == notification_id)
                            .values(emailed_at=now, mail_claimed_at=None, mail_error=None))
        report.sent += 1


def _local_midnight(day: date, tz) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _send_digests(config: MailConfig, conn: _Connection, now: datetime, report: MailReport, *,
                  engine: Engine) -> None:
    """Each morning (the first sweep of the company-local day) a user with the digest setting
    receives one mail of the notifications made before that day that were not mailed yet."""
    with Session(engine) as session:
        tz = load_settings(session=session).tz
        today = now.astimezone(tz).date()
        cutoff = _local_midnight(today, tz)
        pending = and_(Notification.mail == "digest", Notification.emailed_at.is_(None),
                       Notification.created_at < cutoff)
        user_ids = list(session.exec(select(Notification.user_id).where(pending).distinct()).all())
    for user_id in sorted(user_ids):
        try:
            with write_session(engine) as session:
                if session.exec(select(MailDigest.id).where(MailDigest.user_id == user_id,
                                                            MailDigest.day == today)).first() is None:
                    session.add(MailDigest(user_id=user_id, day=today))
        except IntegrityError:
            pass                                        # another process made today's row
        claimable = and_(MailDigest.user_id == user_id, MailDigest.day == today, MailDigest.sent_at.is_(None),
                         or_(MailDigest.next_at.is_(None), MailDigest.next_at <= now),
                         or_(MailDigest.claimed_at.is_(None), MailDigest.claimed_at < now - STALE_CLAIM))
        with write_session(engine) as session:
            won = session.execute(update(MailDigest).where(claimable).values(claimed_at=now)
                                  .execution_options(synchronize_session=False)).rowcount
        if won != 1:
            continue
        with Session(engine) as session:
            user = session.get(User, user_id)
            rows = list(session.exec(select(Notification).where(pending, Notification.user_id == user_id)
                                     .order_by(Notification.created_at, Notification.id)).all())
            mail = _digest(config, user, rows, today) if rows else None
        ids = [r.id for r in rows]
        try:
            if mail is not None:
                conn.send(mail)
        except (smtplib.SMTPException, OSError) as exc:
            conn.close()
            report.failed.append(f"digest of {user.username}: {_error_text(exc)}")
            with write_session(engine) as session:
                digest = session.exec(select(MailDigest).where(MailDigest.user_id == user_id,
                                                               MailDigest.day == today)).one()
                digest.claimed_at, digest.attempts = None, digest.attempts + 1
                digest.last_error, digest.next_at = _error_text(exc), now + _backoff(digest.attempts)
            if isinstance(exc, OSError) or isinstance(exc, smtplib.SMTPServerDisconnected):
                return
            continue
        with write_session(engine) as session:
            if ids:
                session.execute(update(Notification).where(Notification.id.in_(ids)).values(emailed_at=now))
            session.execute(update(MailDigest).where(MailDigest.user_id == user_id, MailDigest.day == today)
                            .values(sent_at=now, claimed_at=None, last_error=None))
        report.digests += 1


def send_outbox(*, engine: Engine, now: datetime | None = None) -> MailReport:
    """Send what is due; without SMTP settings, nothing (the inbox alone works)."""
    now = now or utcnow()
    report = MailReport()
    try:
        config = mail_config()
    except MailConfigError as exc:
        report.failed.append(str(exc))
        return report
    if config is None:
        report.configured = False
        return report
    conn = _Connection(config)
    try:
        _send_singles(config, conn, now, report, engine=engine)
        _send_digests(config, conn, now, report, engine=engine)
    finally:
        conn.close()
    return report
