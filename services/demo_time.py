"""The demo's one helper for local times: a day and an hour in the company time zone, in UTC."""
from __future__ import annotations

from datetime import date, datetime, time, timezone

from services.demo_data import TZ


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=TZ).astimezone(timezone.utc)
