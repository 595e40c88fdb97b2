"""Column types that behave the same on SQLite and PostgreSQL.

- ``Money``: exact to the cent, stored as integer hundredths (BIGINT). SQLAlchemy's ``Numeric``
  on SQLite stores and sums binary floats, so sums of money would drift; integer cents sum
  exactly on both databases and the result processor turns them back into ``Decimal``.
- ``UTCDateTime``: stored as a naive UTC timestamp; aware datetimes are converted to UTC on the
  way in, and values come back as aware UTC datetimes. Naive input is refused: a naive
  timestamp has no meaning here, callers localise it first (see ``models.timefmt``).
"""
from __future__ import annotations

from datetime import datetime, timezone
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


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
