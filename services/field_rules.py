"""Input rules shared by the field workspace's writes (leads, activities, deals, feedback):
one definition of "a text field", "an amount", "a date" and "a record code"."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

from models.errors import ValidationFailed
from models.types import to_money

from i18n import _
MAX_NOTE_TEXT = 2000
MAX_NAME = 300
# Activities record what happened; a small allowance covers clocks that disagree a little.
CLOCK_SKEW = timedelta(minutes=5)


def checked_text(value: str | None, field: str, *, max_length: int, required: bool = True) -> str | None:
    """Stripped text, or None when optional and empty; a ValidationFailed says what is wrong."""
    text = (value or "").strip()
    if not text:
        if required:
            raise ValidationFailed(_("{field}: must not be empty").format(field=field))
        return None
    if len(text) > max_length:
        raise ValidationFailed(_("{field}: at most {max_length:,} characters (this has {len:,})").format(field=field, max_length=max_length, len=len(text)))
    if "\x00" in text:
        raise ValidationFailed(_("{field}: contains a NUL character").format(field=field))
    return text


_UNITS = {"조": Decimal(10) ** 12, "억": Decimal(10) ** 8, "만": Decimal(10) ** 4, "천": Decimal(1000)}
_PIECE = re.compile(r"(\d+(?:\.\d+)?)\s*(조|억|만|천)?")


def human_amount(value):
    """What people type for an amount, as a plain decimal string: '45,000,000', '₩45,000,000원',
    '4,500만', '6.7억', '1억 2,000만'. Anything else is returned unchanged for ``to_money`` to judge."""
    if not isinstance(value, str):
        return value
    text = value.strip().replace("₩", "").replace(",", "").replace("원", "").strip()
    if not text or not any(unit in text for unit in _UNITS):
        return text
    compact = text.replace(" ", "")
    pieces = _PIECE.findall(compact)
    if not pieces or "".join(n + u for n, u in pieces) != compact:
        return value
    total = sum((Decimal(n) * _UNITS.get(u, Decimal(1)) for n, u in pieces), Decimal(0))
    return format(total.quantize(Decimal("0.01")), "f")


def checked_amount(value, field: str = "amount", *, required: bool) -> Decimal | None:
    try:
        amount = to_money(human_amount(value))
    except ValueError as exc:
        raise ValidationFailed(f"{field}: {exc}") from None
    if amount is None:
        if required:
            raise ValidationFailed(_("{field}: required").format(field=field))
        return None
    if amount < 0:
        raise ValidationFailed(_("{field}: must not be negative").format(field=field))
    if amount >= Decimal("1e16"):
        raise ValidationFailed(_("{field}: too large").format(field=field))
    return amount


def checked_date(value, field: str, *, required: bool, not_before: date | None = None) -> date | None:
    if value in (None, ""):
        if required:
            raise ValidationFailed(_("{field}: required").format(field=field))
        return None
    if isinstance(value, datetime):
        raise ValidationFailed(_("{field}: expected a date, not a timestamp").format(field=field))
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationFailed(_("{field}: not a date (YYYY-MM-DD): {value!r}").format(field=field, value=value)) from None
    if not_before is not None and value < not_before:
        raise ValidationFailed(_("{field}: {isoformat} is in the past").format(field=field, isoformat=value.isoformat()))
    return value


def checked_moment(value: datetime, field: str, *, now: datetime, not_before: datetime | None = None,
                   not_before_reason: str = "") -> datetime:
    if value is None or value.tzinfo is None:
        raise ValidationFailed(_("{field}: a time with its time zone is required").format(field=field))
    if value > now + CLOCK_SKEW:
        raise ValidationFailed(_("{field}: is in the future; log what already happened").format(field=field))
    if not_before is not None and value < not_before:
        raise ValidationFailed(_("{field}: is before {not_before_reason}").format(field=field, not_before_reason=not_before_reason))
    return value

