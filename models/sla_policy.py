"""The SLA policy and escalation settings (DESIGN.md "Second round"): parsing and checking the
stored values. The deadline itself is computed in ``services.sla``."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from functools import lru_cache
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from .enums import SETTING_DEFAULTS, Segment, SettingKey, SlaClock
from .tables import Setting

DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
SEGMENT_KEYS = {Segment.enterprise: SettingKey.sla_hours_enterprise,
                Segment.mid_market: SettingKey.sla_hours_mid_market,
                Segment.smb: SettingKey.sla_hours_smb}
MAX_HOURS = 24 * 365


@dataclass(frozen=True)
class SlaPolicy:
    sla_hours: float
    segment_hours: dict  # Segment -> hours, only the segments that override sla_hours
    clock: SlaClock
    day_start: time
    day_end: time
    business_days: frozenset  # weekday numbers, Monday = 0
    holiday_country: str
    time_zone: str
    warn_before_hours: float | None
    reassign_after_hours: float | None

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def hours_for(self, segment) -> float:
        return self.segment_hours.get(Segment(segment), self.sla_hours) if segment else self.sla_hours

    def __hash__(self):
        return hash((self.sla_hours, tuple(sorted(self.segment_hours.items())), self.clock, self.day_start,
                     self.day_end, self.business_days, self.holiday_country, self.time_zone,
                     self.warn_before_hours, self.reassign_after_hours))


def parse_hours(value: str, key: str, *, optional: bool, allow_zero: bool = False) -> float | None:
    value = (value or "").strip()
    if not value:
        if optional:
            return None
        raise ValueError(f"{key}: required")
    try:
        hours = float(value)
    except ValueError:
        raise ValueError(f"{key}: not a number: {value!r}") from None
    low_ok = hours >= 0 if allow_zero else hours > 0
    if not (low_ok and hours <= MAX_HOURS):
        raise ValueError(f"{key}: must be {'0 or more' if allow_zero else 'above 0'} and at most a year, got {value!r}")
    return hours


def parse_business_hours(value: str) -> tuple[time, time]:
    text = (value or "").strip()
    try:
        start_text, end_text = (part.strip() for part in text.split("-"))
        start, end = time.fromisoformat(start_text), time.fromisoformat(end_text)
    except ValueError:
        raise ValueError(f"business_hours: expected HH:MM-HH:MM such as 09:00-18:00, got {value!r}") from None
    if end <= start:
        raise ValueError(f"business_hours: the end must be after the start, got {value!r}")
    return start, end


def parse_business_days(value: str) -> frozenset:
    """`Mon-Fri`, or a comma list (`Mon,Tue,Thu`), or both (`Mon-Wed,Fri`)."""
    days: set[int] = set()
    for part in (value or "").split(","):
        part = part.strip()
        if not part:
            continue
        ends = [p.strip().title() for p in part.split("-")]
        if len(ends) > 2 or any(e not in DAY_NAMES for e in ends):
            raise ValueError(f"business_days: expected day names such as Mon-Fri or Mon,Wed,Fri, got {value!r}")
        first, last = DAY_NAMES.index(ends[0]), DAY_NAMES.index(ends[-1])
        if last < first:
            raise ValueError(f"business_days: {part!r} runs backwards")
        days.update(range(first, last + 1))
    if not days:
        raise ValueError(f"business_days: name at least one day, got {value!r}")
    return frozenset(days)


@lru_cache(maxsize=16)
def holiday_calendar(country: str, year: int):
    import holidays

    try:
        return holidays.country_holidays(country, years=year)
    except NotImplementedError:
        raise ValueError(f"holiday_country: the holiday library does not know the country {country!r} "
                         f"(use an ISO code such as KR)") from None


def parse_holiday_country(value: str) -> str:
    country = (value or "").strip().upper()
    if not country:
        raise ValueError("holiday_country: required (an ISO country code such as KR)")
    holiday_calendar(country, 2000)
    return country


def validate_policy_value(key: SettingKey, value: str) -> str:
    """Return the normalised value of an SLA-policy key or raise ValueError saying what is wrong."""
    value = (value or "").strip()
    if key in SEGMENT_KEYS.values() or key is SettingKey.reassign_after_hours:
        parse_hours(value, key.value, optional=True)
    elif key is SettingKey.warn_before_hours:
        parse_hours(value, key.value, optional=True, allow_zero=True)
    elif key is SettingKey.sla_clock:
        if value not in {c.value for c in SlaClock}:
            raise ValueError(f"sla_clock: expected wall or business, got {value!r}")
    elif key is SettingKey.business_hours:
        start, end = parse_business_hours(value)
        value = f"{start:%H:%M}-{end:%H:%M}"
    elif key is SettingKey.business_days:
        parse_business_days(value)
    elif key is SettingKey.holiday_country:
        value = parse_holiday_country(value)
    return value


def policy_from_values(values: dict) -> SlaPolicy:
    """From {key: value} (stored settings over the defaults); raises ValueError for a bad value."""
    merged = {key.value: default for key, default in SETTING_DEFAULTS.items()} | dict(values)
    start, end = parse_business_hours(merged[SettingKey.business_hours.value])
    clock = merged[SettingKey.sla_clock.value].strip() or SlaClock.wall.value
    if clock not in {c.value for c in SlaClock}:
        raise ValueError(f"sla_clock: expected wall or business, got {clock!r}")
    segment_hours = {}
    for segment, key in SEGMENT_KEYS.items():
        hours = parse_hours(merged[key.value], key.value, optional=True)
        if hours is not None:
            segment_hours[segment] = hours
    return SlaPolicy(
        sla_hours=parse_hours(merged[SettingKey.sla_hours.value], "sla_hours", optional=False),
        segment_hours=segment_hours, clock=SlaClock(clock), day_start=start, day_end=end,
        business_days=parse_business_days(merged[SettingKey.business_days.value]),
        holiday_country=parse_holiday_country(merged[SettingKey.holiday_country.value]),
        time_zone=merged[SettingKey.time_zone.value],
        warn_before_hours=parse_hours(merged[SettingKey.warn_before_hours.value], "warn_before_hours",
                                      optional=True, allow_zero=True),
        reassign_after_hours=parse_hours(merged[SettingKey.reassign_after_hours.value], "reassign_after_hours",
                                         optional=True),
    )


def load_sla_policy(*, session: Session) -> SlaPolicy:
    return policy_from_values({row.key: row.value for row in session.exec(select(Setting))})
