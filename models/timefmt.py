"""Time-zone arithmetic: local periods to UTC bounds, parsing and display."""
from __future__ import annotations

from i18n import _
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


def local_midnight_utc(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0, 0), tzinfo=tz).astimezone(timezone.utc)


def period_bounds_utc(start: date, end: date, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """[local midnight of start, local midnight after end) in UTC: the period, DST included."""
    return local_midnight_utc(start, tz), local_midnight_utc(end + timedelta(days=1), tz)


def parse_timestamp(text: str, tz: ZoneInfo) -> datetime:
    """ISO 8601; without an offset the time is in the company time zone."""
    value = datetime.fromisoformat(text.strip())
    if value.tzinfo is None:
        value = value.replace(tzinfo=tz)
    return value


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    return moment.astimezone(tz).date()


def fmt_local(moment: datetime | None, tz: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M") -> str:
    return "" if moment is None else moment.astimezone(tz).strftime(fmt)


def fmt_duration(delta: timedelta) -> str:
    """'3d 4h', '5h 12m', '40m' — for 'due in' / 'overdue by' columns."""
    minutes = int(abs(delta.total_seconds()) // 60)
    days, rem = divmod(minutes, 24 * 60)
    hours, mins = divmod(rem, 60)
    if days:
        return _("{d}d {h}h").format(d=days, h=hours)
    if hours:
        return _("{h}h {m}m").format(h=hours, m=mins)
    return _("{m}m").format(m=mins)
