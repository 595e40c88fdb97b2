"""Column types that behave the same on SQLite and PostgreSQL.

- ``Money``: exact to the cent, stored as integer hundredths (BIGINT). SQLAlchemy's ``Numeric``
  on SQLite stores and sums binary floats, so sums of money would drift; integer cents sum
  exactly on both databases and the result processor turns them back into ``Decimal``.
- ``UTCDateTime``: stored as a naive UTC timestamp; aware datetimes are converted to UTC on the
  way in, and values come back as aware UTC datetimes. Naive input is refused: a naive
  timestamp has no meaning here, callers localise it first (see ``models.timefmt``).
"""
from __future__ import annotations

import os
from datetime import date, datetime, timezone
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from sqlalchemy import BigInteger, DateTime
from sqlalchemy.types import TypeDecorator

CENT = Decimal("0.01")


def to_money(value) -> Decimal | None:
    """Parse a money value exactly; None stays None. Raises ValueError for junk or > 2 decimals."""
    if value is None or value == "":
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        amount = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(f"not a number: {value!r}") from None
    if not amount.is_finite():
        raise ValueError(f"not a number: {value!r}")
    if amount != amount.quantize(CENT, rounding=ROUND_HALF_EVEN):
        raise ValueError(f"more than two decimal places: {value!r}")
    return amount.quantize(CENT)


def cents_to_money(cents) -> Decimal | None:
    if cents is None:
        return None
    return (Decimal(int(cents)) / 100).quantize(CENT)


class Money(TypeDecorator):
    impl = BigInteger
    cache_ok = True

    def process_bind_param(self, value, dialect):
        amount = to_money(value)
        return None if amount is None else int(amount * 100)

    def process_result_value(self, value, dialect):
        return cents_to_money(value)


class UTCDateTime(TypeDecorator):
    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r}: give it a time zone")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        return value.replace(tzinfo=timezone.utc)


# The product's one clock. ONEVOICE_NOW (ISO 8601 with an offset) moves it to another moment for
# tests and demos: the clock starts there when first read and runs on in real time, so ordering
# and durations inside a run stay real. Sign-in cookies keep real time (see ui.session).
_pinned_since: dict[str, tuple[datetime, datetime]] = {}


def _pinned(real: datetime) -> tuple[datetime, datetime] | None:
    text = os.environ.get("ONEVOICE_NOW", "").strip()
    if not text:
        return None
    if text not in _pinned_since:
        value = datetime.fromisoformat(text)
        if value.tzinfo is None:
            raise ValueError(f"ONEVOICE_NOW={text!r}: give the moment a UTC offset, e.g. 2027-01-01T00:30:00+09:00")
        _pinned_since[text] = (value, real)
    return _pinned_since[text]


def utcnow() -> datetime:
    real = datetime.now(timezone.utc)
    pinned = _pinned(real)
    if pinned is None:
        return real
    start, seen = pinned
    return (start + (real - seen)).astimezone(timezone.utc)


def local_today(tz) -> date:
    """Today in the given (company) time zone, by the product's clock."""
    return utcnow().astimezone(tz).date()
