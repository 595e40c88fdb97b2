"""Input rules of the field workspace's writes (leads, activities, deals, feedback), one field at
a time. "A text field", "an amount", "a date" and "a moment" are declared once, in
``models.inputs`` (the rules behind its pydantic types); these wrappers add only what depends on
the call — today's date, the clock, the lead's own times — and raise ``ValidationFailed``."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import partial

from models.errors import ValidationFailed
from models.inputs import MESSAGES, checked_value, clean_text, human_amount, moment, to_date, typed_amount

from i18n import _

__all__ = ["CLOCK_SKEW", "MAX_NAME", "MAX_NOTE_TEXT", "checked_amount", "checked_date", "checked_moment",
           "checked_text", "human_amount"]

MAX_NOTE_TEXT = 2000
MAX_NAME = 300
# Activities record what happened; a small allowance covers clocks that disagree a little.
CLOCK_SKEW = timedelta(minutes=5)
# No time at all is worded like a time without its zone (as before).
_MOMENT = {"required": MESSAGES["moment_naive"]}


def checked_text(value: str | None, field: str, *, max_length: int, required: bool = True) -> str | None:
    """Stripped text, or None when optional and empty; a ValidationFailed says what is wrong."""
    return checked_value(partial(clean_text, max_length=max_length, required=required), value, field)


def checked_amount(value, field: str = "amount", *, required: bool) -> Decimal | None:
    return checked_value(partial(typed_amount, required=required), value, field)


def checked_date(value, field: str, *, required: bool, not_before: date | None = None) -> date | None:
    value = checked_value(partial(to_date, required=required), value, field)
    if value is not None and not_before is not None and value < not_before:
        raise ValidationFailed(_("{field}: {isoformat} is in the past").format(field=field, isoformat=value.isoformat()))
    return value


def checked_moment(value: datetime, field: str, *, now: datetime, not_before: datetime | None = None,
                   not_before_reason: str = "") -> datetime:
    value = checked_value(partial(moment, required=True), value, field, wording=_MOMENT)
    if value > now + CLOCK_SKEW:
        raise ValidationFailed(_("{field}: is in the future; log what already happened").format(field=field))
    if not_before is not None and value < not_before:
        raise ValidationFailed(_("{field}: is before {not_before_reason}").format(field=field, not_before_reason=not_before_reason))
    return value
