"""Reading one bundle cell: text in, a Python value out, or ValueError saying what is wrong.

A date, an amount, a whole number and an enum value are the rules of ``models.inputs`` (the
forms' own), worded the bundle's way; fastpath.py inlines them for cells in their plain form."""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal
from typing import Callable
from zoneinfo import ZoneInfo

from pydantic_core import PydanticCustomError

from models import inputs

from .spec import BOOL, CODES, DATE, ENUM, INT, JSON, MONEY, MONTH, REF, TEXT, TIMESTAMP, Col, FileSpec
from i18n import _

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


def _refused(err: PydanticCustomError, text: str) -> ValueError:
    """The bundle's words for a problem of a models.inputs rule (the rule is the forms' own)."""
    kind, ctx = err.type, err.context or {}
    if kind == "date_no_such_day":
        return ValueError(_("bad date {text!r} (no such day)").format(text=ctx["text"]))
    if kind in ("date_format", "date_timestamp"):
        return ValueError(_("bad date {text!r} (expected YYYY-MM-DD)").format(text=text.strip()))
    if kind == "money_invalid":
        return ValueError(_("bad amount: {exc}").format(exc=ctx["reason"]))
    if kind == "money_negative":
        return ValueError(_("negative amount {text}").format(text=text.strip()))
    if kind == "money_too_large":
        return ValueError(_("amount too large {text}").format(text=text.strip()))
    if kind == "number_invalid":
        return ValueError(_("not a whole number: {text!r}").format(text=text.strip()))
    if kind == "number_negative":
        return ValueError(_("negative number {value}").format(value=ctx["number"]))
    if kind == "number_too_large":
        return ValueError(_("number too large {value}").format(value=ctx["number"]))
    if kind == "enum":
        return ValueError(_("bad value {value!r} (expected one of {expected})").format(value=text, expected=ctx["join"]))
    return ValueError(_("required value missing"))


def parse_date(text: str) -> date:
    try:
        return inputs.to_date(text, required=True)
    except PydanticCustomError as err:
        raise _refused(err, text) from None


def parse_timestamp(text: str, tz: ZoneInfo) -> datetime:
    """ISO 8601; without an offset the time is in the company time zone (BUNDLE.md)."""
    text = text.strip()
    try:
        if len(text) < 10 or not _DATE.fullmatch(text[:10]):
            raise ValueError
        value = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(_("bad timestamp {text!r} (expected ISO 8601 such as 2025-03-04T09:30:00+09:00)").format(text=text)) from None
    return value.replace(tzinfo=tz) if value.tzinfo is None else value


def parse_money(text: str) -> Decimal:
    """An exact amount as the bundle writes it (no Korean units: a bundle is a machine format)."""
    try:
        return inputs.money(text.strip(), required=True)
    except PydanticCustomError as err:
        raise _refused(err, text) from None


def parse_int(text: str) -> int:
    try:
        return inputs.whole_number(text, required=True)
    except PydanticCustomError as err:
        raise _refused(err, text) from None


def parse_bool(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered == "true":
        return True
    if lowered == "false":
        return False
    raise ValueError(_("bad value {text!r} (expected true or false)").format(text=text))


def parse_month(text: str) -> date:
    match = _MONTH.fullmatch(text.strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(_("bad month {text!r} (expected YYYY-MM)").format(text=text.strip()))
    return date(int(match.group(1)), int(match.group(2)), 1)


def parse_json(text: str) -> str:
    try:
        json.loads(text)
    except ValueError:
        raise ValueError(_("not valid JSON")) from None
    return text


def parse_codes(text: str) -> list[str]:
    """'T1;T2' → ['T1', 'T2']; blanks between separators are ignored."""
    return [part.strip() for part in text.split(";") if part.strip()]


def cell_parser(spec: FileSpec, col: Col, tz: ZoneInfo) -> Callable[[str], object]:
    """The function that turns one non-empty cell of ``col`` into its value."""
    if col.kind == TEXT:
        limit = spec.max_length(col)

        def text(value: str) -> str:
            if limit is not None and len(value) > limit:
                raise ValueError(_("too long ({len} characters, at most {limit})").format(len=len(value), limit=limit))
            return value
        return text
    if col.kind == ENUM:
        allowed = inputs.members(col.enum)           # models.inputs.member's table, looked up inline

        def enum(value: str, enum_cls=col.enum):
            found = allowed.get(value.strip())
            if found is not None:
                return found
            try:
                return inputs.member(enum_cls, value)
            except PydanticCustomError as err:
                raise _refused(err, value) from None
        return enum
    if col.kind == REF:
        return lambda value: value
    if col.kind == TIMESTAMP:
        return lambda value: parse_timestamp(value, tz)
    return {DATE: parse_date, MONEY: parse_money, INT: parse_int, BOOL: parse_bool,
            MONTH: parse_month, JSON: parse_json, CODES: parse_codes}[col.kind]


# -- what the staging tables hold ---------------------------------------------------------------
# A parsed value is staged as exactly what SQLAlchemy binds for the target column (the bind
# processor of its type), so the set-based statements of load.py write what an ORM insert would.
# A timestamp's duplicate key is its UTC time (equal keys = the same instant).

def utc_naive(value: datetime):
    """The UTC wall time of an aware datetime (the instant; the datetime itself if out of range)."""
    try:
        return (value - value.utcoffset()).replace(tzinfo=None)
    except OverflowError:
        return value


def _processor(spec: FileSpec, col: Col, dialect):
    return spec.table.c[col.db].type.dialect_impl(dialect).bind_processor(dialect)


def _same(fast, slow, samples) -> bool:
    try:
        return all(fast(a) == slow(b) for a, b in samples)
    except (ArithmeticError, TypeError, ValueError):
        return False


_STAMPS = tuple(datetime.fromisoformat(t) for t in (
    "2025-03-04T09:30:00+09:00", "1999-12-31T23:59:59.123456-05:30", "2024-02-29T00:00:00+00:00",
    "0999-01-01T01:02:03.000001+01:00"))


class StagePlan:
    """Per column of a file: ``stage`` (parsed value → staged value), ``key`` (parsed value → the
    value duplicate keys are compared on), ``parse`` (the slow path's cell parser); and what the
    fast path (fastpath.py) may inline: ``utc_stage`` (UTC wall time → staged timestamp; None if
    it cannot be done faster than the type's own processor) and ``money_cents``."""

    def __init__(self, spec: FileSpec, dialect, tz: ZoneInfo):
        self.parse: dict[str, Callable] = {}
        self.stage: dict[str, Callable] = {}
        self.key: dict[str, Callable] = {}
        self.utc_stage = None
        self.money_cents = False
        for col in spec.columns:
            self.parse[col.name] = cell_parser(spec, col, tz)
            if col.kind == CODES:
                continue
            process = None if (col.kind == REF or not col.db) else _processor(spec, col, dialect)
            if col.kind == ENUM and process is not None:
                convert = {m: process(m) for m in col.enum}.__getitem__
            else:
                convert = process or _identity
            if col.kind == TIMESTAMP:
                self.key[col.name] = utc_naive
                samples = [(utc_naive(v), v) for v in _STAMPS]
                if _same(_identity, convert, samples):                  # PostgreSQL: a naive UTC datetime
                    self.utc_stage = _identity
                elif _same(_sqlite_text, convert, samples):             # SQLite: its DATETIME text
                    self.utc_stage = _sqlite_text
            if col.kind == MONEY:
                self.money_cents = _same(lambda v: int(v * 100), convert, [
                    (v, v) for v in (Decimal("0.00"), Decimal("12.30"), Decimal("9999999999999999.99"))])
            self.stage[col.name] = convert
            self.key.setdefault(col.name, ascii_lower if col.fold_case else convert)


_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def ascii_lower(value: str) -> str:
    """Lower case for ASCII letters only — what SQLite's LOWER() and PostgreSQL's LOWER(... COLLATE
    "C") do, so a key folded here, in SQL and in services.registrations is the same key."""
    return value.translate(_ASCII_LOWER)


def _sqlite_text(value: datetime) -> str:
    return value.isoformat(" ", "microseconds")


def _identity(value):
    return value
