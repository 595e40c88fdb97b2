"""Input rules shared by the field workspace's writes (leads, activities, deals, feedback):
one definition of "a text field", "an amount", "a date" and "a record code"."""
from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal

from models.errors import ValidationFailed
from models.types import to_money

MAX_NOTE_TEXT = 2000
MAX_NAME = 300
# Activities record what happened; a small allowance covers clocks that disagree a little.
CLOCK_SKEW = timedelta(minutes=5)


def checked_text(value: str | None, field: str, *, max_length: int, required: bool = True) -> str | None:
    """Stripped text, or None when optional and empty; a ValidationFailed says what is wrong."""
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationFailed(f"{field}: must not be empty")
        return None
    if len(text) > max_length:
        raise ValidationFailed(f"{field}: at most {max_length:,} characters (this has {len(text):,})")
    if "\x00" in text:
        raise ValidationFailed(f"{field}: contains a NUL character")
    return text


def checked_amount(value, field: str = "amount", *, required: bool) -> Decimal | None:
    try:
        amount = to_money(value)
    except ValueError as exc:
        raise ValidationFailed(f"{field}: {exc}") from None
    if amount is None:
        if required:
            raise ValidationFailed(f"{field}: required")
        return None
    if amount < 0:
        raise ValidationFailed(f"{field}: must not be negative")
    if amount >= Decimal("1e16"):
        raise ValidationFailed(f"{field}: too large")
    return amount


def checked_date(value, field: str, *, required: bool, not_before: date | None = None) -> date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(f"{field}: required")
        return None
    if isinstance(value, datetime):
        raise ValidationFailed(f"{field}: expected a date, not a timestamp")
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationFailed(f"{field}: not a date (YYYY-MM-DD): {value!r}") from None
    if not_before is not None and value < not_before:
        raise ValidationFailed(f"{field}: {value.isoformat()} is in the past")
    return value


def checked_moment(value: datetime, field: str, *, now: datetime, not_before: datetime | None = None,
                   not_before_reason: str = "") -> datetime:
    if value is None or value.tzinfo is None:
        raise ValidationFailed(f"{field}: a time with its time zone is required")
    if value > now + CLOCK_SKEW:
        raise ValidationFailed(f"{field}: is in the future; log what already happened")
    if not_before is not None and value < not_before:
        raise ValidationFailed(f"{field}: is before {not_before_reason}")
    return value


def new_code(prefix: str) -> str:
    """A fresh natural key such as OP-9F2C41A7D3; random, so concurrent processes never collide."""
    return f"{prefix}-{secrets.token_hex(5).upper()}"
