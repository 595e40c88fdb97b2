"""Business settings kept in the database (``setting`` table): sla_hours, time zone, currency."""
from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlmodel import Session, select

from .enums import SETTING_DEFAULTS, SettingKey
from .tables import Setting


@dataclass(frozen=True)
class BusinessSettings:
    sla_hours: float
    time_zone: str
    currency: str

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)


def validate_setting(key: str, value: str) -> str:
    """Return the normalised value or raise ValueError saying what is wrong."""
    try:
        key = SettingKey(key)
    except ValueError:
        raise ValueError(f"unknown setting {key!r} (expected one of {', '.join(SettingKey)})") from None
    value = (value or "").strip()
    if key not in (SettingKey.sla_hours, SettingKey.time_zone, SettingKey.currency):
        from .sla_policy import validate_policy_value

        return validate_policy_value(key, value)
    if key is SettingKey.sla_hours:
        try:
            hours = float(value)
        except ValueError:
            raise ValueError(f"sla_hours: not a number: {value!r}") from None
        if not (0 < hours <= 24 * 365):
            raise ValueError(f"sla_hours: must be above 0 and at most a year, got {value!r}")
        return value
    if key is SettingKey.time_zone:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"time_zone: unknown IANA time zone {value!r}") from None
        return value
    if not (value.isalpha() and len(value) == 3 and value.isupper()):
        raise ValueError(f"currency: expected a 3-letter ISO code such as KRW, got {value!r}")
    return value


def load_settings(*, session: Session) -> BusinessSettings:
    stored = {row.key: row.value for row in session.exec(select(Setting))}
    values = {key: stored.get(key.value, default) or default for key, default in SETTING_DEFAULTS.items()}
    return BusinessSettings(
        sla_hours=float(values[SettingKey.sla_hours]),
        time_zone=values[SettingKey.time_zone],
        currency=values[SettingKey.currency],
    )
