"""The response deadline of a hand-over (DESIGN.md "SLA policy").

``due_at`` is the first instant at which the lead's SLA hours have passed since the hand-over,
on the policy's clock: plain elapsed time (``wall``), or only business hours on business days
that are not public holidays of ``holiday_country`` (``business``), in the company time zone.
It is computed once, at the hand-over, and stored: a later change of the policy never moves it.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from sqlalchemy import bindparam, select, update
from sqlmodel import Session

from models.enums import SlaClock
from models.sla_policy import SlaPolicy, holiday_calendar, load_sla_policy
from models.tables import Account, Lead

from models.errors import ValidationFailed

# A policy of a few business hours a week still ends within this many days (a year's SLA at most).
MAX_CALENDAR_DAYS = 366 * 8


def is_business_day(day: date, policy: SlaPolicy) -> bool:
    return day.weekday() in policy.business_days and day not in holiday_calendar(policy.holiday_country, day.year)


def due_at(handed_over_at: datetime, policy: SlaPolicy, *, segment=None) -> datetime:
    """The deadline of a lead handed over at ``handed_over_at`` (aware), as an aware UTC datetime."""
    hours = policy.hours_for(segment)
    if policy.clock is SlaClock.wall:
        return handed_over_at.astimezone(timezone.utc) + timedelta(hours=hours)
    tz = policy.tz
    remaining = timedelta(hours=hours)
    cursor = handed_over_at.astimezone(tz)
    day = cursor.date()
    for _ in range(MAX_CALENDAR_DAYS):
        if is_business_day(day, policy):
            opens = datetime.combine(day, policy.day_start, tzinfo=tz)
            closes = datetime.combine(day, policy.day_end, tzinfo=tz)
            start = max(opens, cursor)
            if start < closes:
                # Real elapsed time inside the window, in UTC (same-zone aware subtraction ignores DST).
                start_utc, closes_utc = start.astimezone(timezone.utc), closes.astimezone(timezone.utc)
                available = closes_utc - start_utc
                if remaining <= available:
                    return start_utc + remaining
                remaining -= available
        day += timedelta(days=1)
    raise ValidationFailed("the SLA policy leaves no business hours to end the deadline in")


def lead_segment(lead: Lead, *, session: Session):
    """A lead's segment is its account's (DESIGN.md)."""
    if lead.account_id is None:
        return None
    account = session.get(Account, lead.account_id)
    return account.segment if account else None


def current_policy(*, session: Session) -> SlaPolicy:
    """The policy in force; a stored value the policy cannot use is a clear message, not a traceback."""
    try:
        return load_sla_policy(session=session)
    except ValueError as exc:
        raise ValidationFailed(f"SLA policy: {exc}") from None


def hand_over(lead: Lead, rep_id: int, at: datetime, *, session: Session, policy: SlaPolicy | None = None) -> None:
    """A new hand-over: the rep, the moment (never before the lead's creation) and its deadline."""
    policy = policy or current_policy(session=session)
    lead.assigned_to_id = rep_id
    lead.assigned_at = max(at, lead.created_at)
    lead.due_at = due_at(lead.assigned_at, policy, segment=lead_segment(lead, session=session))


def fill_missing_due_at(*, session: Session, batch_size: int = 5000) -> int:
    """Give every handed-over lead without a deadline the one the policy in force gives it
    (an imported bundle or lead list that did not bring one). Returns how many were filled."""
    policy = current_policy(session=session)
    filled = 0
    while True:
        rows = session.execute(
            select(Lead.id, Lead.assigned_at, Account.segment).outerjoin(Account, Account.id == Lead.account_id)
            .where(Lead.assigned_at.is_not(None), Lead.due_at.is_(None)).order_by(Lead.id).limit(batch_size)).all()
        if not rows:
            return filled
        try:
            values = [{"lead_id": r[0], "due": due_at(r[1], policy, segment=r[2])} for r in rows]
        except ValueError as exc:
            raise ValidationFailed(f"SLA policy: {exc}") from None
        session.execute(update(Lead.__table__).where(Lead.__table__.c.id == bindparam("lead_id"))
                        .values(due_at=bindparam("due")), values)
        filled += len(values)


def staged_deadlines(conn, stage: str) -> list[tuple]:
    """The deadlines the policy in force on ``conn``'s transaction gives the bundle loader's staged
    leads (``c_`` columns) that have an assigned_at and no due_at: (aware UTC due_at, line) pairs.
    The loader stages and writes them (services.bundle.load, the one place that builds staging SQL)."""
    from sqlalchemy import column, table

    from models.types import UTCDateTime

    staged = table(stage, column("c__line"), column("c_assigned_at", UTCDateTime()), column("c_account"),
                   column("c_due_at", UTCDateTime()))
    session = Session(bind=conn)
    policy = current_policy(session=session)
    rows = conn.execute(select(staged.c.c__line, staged.c.c_assigned_at, Account.segment)
                        .outerjoin(Account, Account.name == staged.c.c_account)
                        .where(staged.c.c_assigned_at.is_not(None), staged.c.c_due_at.is_(None))).all()
    try:
        return [(due_at(r[1], policy, segment=r[2]), r[0]) for r in rows]
    except ValueError as exc:
        raise ValidationFailed(f"SLA policy: {exc}") from None
