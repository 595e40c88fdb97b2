"""The rules behind ``models.inputs``' types, as plain functions: each returns the value or raises
``PydanticCustomError(kind, …, ctx)`` — ``kind`` names the problem ("text_too_long"), ``ctx``
holds what its message needs; ``MESSAGES`` words each kind. Called by pydantic (the annotated
types of models/inputs.py), one field at a time (services/field_rules.py) and per bundle cell
(services/bundle/values.py)."""
import re
from datetime import date, datetime
from decimal import Decimal
from functools import cache
from typing import NoReturn

from pydantic_core import PydanticCustomError

from i18n import N_
from models.types import to_money

MONEY_DIGITS = 16                      # Money holds integer cents in a BIGINT: 16 digits before the point
MONEY_LIMIT = Decimal(10) ** MONEY_DIGITS
INT_LIMIT = 2_147_483_647              # an INTEGER column
EMAIL = re.compile(r"^[^@\s,;<>()\[\]]+@[^@\s,;<>()\[\]]+\.[^@\s,;<>()\[\].]{2,}$")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_INT = re.compile(r"[+-]?\d+")

MESSAGES = {
    "required": N_("{field}: required"),
    "text_required": N_("{field}: must not be empty"),
    "text_too_long": N_("{field}: at most {max_length:,} characters (this has {len:,})"),
    "text_nul": N_("{field}: contains a NUL character"),
    "email": N_("{column}: not a valid e-mail address {value!r}"),
    "money_invalid": N_("{field}: {reason}"),
    "money_negative": N_("{field}: must not be negative"),
    "money_too_large": N_("{field}: too large"),
    "number_invalid": N_("{field}: must be a whole number, 0 or more, got {value!r}"),
    "number_negative": N_("{field}: must be a whole number, 0 or more, got {value!r}"),
    "number_too_large": N_("{field}: at most {limit:,}, got {value!r}"),
    "date_timestamp": N_("{field}: expected a date, not a timestamp"),
    "date_format": N_("{field}: not a date (YYYY-MM-DD): {value!r}"),
    "date_no_such_day": N_("{field}: not a date (YYYY-MM-DD): {value!r}"),
    "date_order": N_("{field}: {end_date} is before the start date {start_date}"),
    "moment_format": N_("{field}: not a time: {value!r}"),
    "moment_naive": N_("{field}: a time with its time zone is required"),
    "moment_order": N_("{field}: must be after the start"),
    "enum": N_("{name}: unknown value {value!r} (expected one of {join})"),
}


def fail(kind: str, **ctx) -> NoReturn:
    raise PydanticCustomError(kind, kind.replace("_", " "), ctx)


def column_length(table, column: str) -> int | None:
    """The length of a String column of a table (or table model): the forms' text limits and the
    bundle's (services/bundle/spec.py) are the table's."""
    table = getattr(table, "__table__", table)
    return getattr(table.c[column].type, "length", None)


# -- rules ------------------------------------------------------------------------------------

def _empty(value) -> bool:
    return value is None or (isinstance(value, str) and value == "")


def clean_text(value, *, max_length: int | None, required: bool = True) -> str | None:
    """Stripped text, or None when optional and empty; no NUL (PostgreSQL cannot store it)."""
    text = "" if value is None else str(value).strip()
    if not text:
        if required:
            fail("text_required")
        return None
    if max_length is not None and len(text) > max_length:
        fail("text_too_long", max_length=max_length, len=len(text), n=max_length)
    if "\x00" in text:
        fail("text_nul")
    return text


def email_address(value, *, max_length: int | None, required: bool = False) -> str | None:
    text = clean_text(value, max_length=max_length, required=required)
    if text is not None and not EMAIL.match(text):
        fail("email", value=text)
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


def money(value, *, required: bool = False) -> Decimal | None:
    """An exact amount (``to_money``: at most two decimals), 0 or more, below ``MONEY_LIMIT``."""
    try:
        amount = to_money(value)
    except ValueError as exc:
        fail("money_invalid", reason=str(exc))
    if amount is None:
        if required:
            fail("required")
        return None
    if amount < 0:
        fail("money_negative", amount=amount)
    if amount >= MONEY_LIMIT:
        fail("money_too_large", amount=amount)
    return amount


def typed_amount(value, *, required: bool = False) -> Decimal | None:
    """An amount as a person types it (Korean units, '₩', '원', thousands separators)."""
    return money(human_amount(value), required=required)


def whole_number(value, *, required: bool = False) -> int | None:
    """An int, or its digits as text: 0 or more, at most ``INT_LIMIT``."""
    if _empty(value):
        if required:
            fail("required")
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and _INT.fullmatch(value.strip()):
        number = int(value.strip())
    else:
        fail("number_invalid", text=value.strip() if isinstance(value, str) else value)
    if number < 0:
        fail("number_negative", number=number)
    if number > INT_LIMIT:
        fail("number_too_large", number=number, limit=INT_LIMIT)
    return number


def to_date(value, *, required: bool = False) -> date | None:
    """A date, or 'YYYY-MM-DD'; a datetime is refused (a timestamp is not a day)."""
    if _empty(value):
        if required:
            fail("required")
        return None
    if isinstance(value, datetime):
        fail("date_timestamp")
    if isinstance(value, date):
        return value
    text = value.strip() if isinstance(value, str) else ""
    if not _DATE.fullmatch(text):
        fail("date_format", text=text)
    try:
        return date.fromisoformat(text)
    except ValueError:
        fail("date_no_such_day", text=text)


def moment(value, *, required: bool = True) -> datetime | None:
    """A datetime (or ISO 8601 text) with its time zone; a naive time has no meaning here."""
    if _empty(value):
        if required:
            fail("required")
        return None
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.strip())
        except ValueError:
            fail("moment_format")
    if not isinstance(value, datetime):
        fail("moment_format")
    if value.tzinfo is None or value.utcoffset() is None:
        fail("moment_naive")
    return value


@cache
def members(enum_cls) -> dict:
    """value text → member of ``enum_cls``."""
    return {m.value: m for m in enum_cls}


def member(enum_cls, value, *, required: bool = True):
    """The member of ``enum_cls`` that ``value`` (a member or its value text) names."""
    if isinstance(value, enum_cls):
        return value
    if _empty(value):
        if required:
            fail("required")
        return None
    found = members(enum_cls).get(value.strip()) if isinstance(value, str) else None
    if found is None:
        fail("enum", join=", ".join(members(enum_cls)))
    return found


# -- cross-field rules (the forms' records and the bundle's row rules) -------------------------

def ends_before_start(start: date, end: date) -> bool:
    """A campaign's dates: the end date may be the start date, not before it."""
    return end < start


def ends_not_after_start(starts_at: datetime, ends_at: datetime) -> bool:
    """An event planned in the form ends after it starts."""
    return ends_at <= starts_at
