"""Display formatting shared by pages, in the current language (Babel): money, numbers, dates and
times in the company zone, durations, percentages.

Korean reads large won amounts the way people say them (₩6.7억, ₩4,500만); English keeps ₩667.0M.
Tiles show the short form with the exact amount (``money``) on hover; exports use exact values.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal

from i18n import _, current_language
from models.timefmt import fmt_duration

DATE_PATTERNS = {"ko": "y년 M월 d일 (E)", "en": "EEE, MMM d, y"}
DATETIME_PATTERNS = {"ko": "y년 M월 d일 (E) HH:mm", "en": "EEE, MMM d, y HH:mm"}
SHORT_DATE_PATTERNS = {"ko": "M월 d일 (E)", "en": "EEE, MMM d"}
SYMBOLS = {"KRW": "₩", "JPY": "¥", "USD": "$", "EUR": "€"}


def _locale() -> str:
    return current_language()


def number(value, decimals: int = 0) -> str:
    if value is None:
        return "—"
    return _formatted_number(str(value), "#,##0" + ("." + "0" * decimals if decimals else ""), _locale())


# Babel parses the pattern and the locale's symbols on every call (~40 µs), and a page shows the
# same figures on every rerun: the dashboard's 33 tiles, their exact amounts and deltas were ~4% of
# its rerun's samples (bench/README.md, thirteenth session). Keyed on the value's text (what Babel itself
# reads a float as), so 0.0 and -0.0, or 1.0 and 1, are told apart as Babel tells them apart.
@lru_cache(maxsize=16384)
def _formatted_number(value: str, pattern: str, language: str) -> str:
    return format_decimal(Decimal(value), format=pattern, locale=language)


def money(amount: Decimal | int | float | None, currency: str = "KRW") -> str:
    """The exact amount: ₩45,000,000."""
    if amount is None:
        return "—"
    amount = Decimal(amount)
    if currency in ("KRW", "JPY"):
        text = number(amount)
        sign = "-" if amount < 0 else ""
        return f"{sign}{SYMBOLS[currency]}{text.lstrip('-')}"
    return f"{number(amount, 2)} {currency}"


def _trim(value: float, decimals: int) -> str:
    return _formatted_number(str(round(value, decimals)), "#,##0." + "#" * decimals if decimals else "#,##0",
                             _locale())


def _korean_short(value: float) -> str:
    """6.7억, 4,500만, 1.2조 — to the unit people say."""
    size = abs(value)
    if size >= 1e12:
        return _trim(value / 1e12, 1) + "조"
    if size >= 1e8:
        return _trim(value / 1e8, 1) + "억"
    if size >= 1e4:
        return _trim(value / 1e4, 0) + "만"
    return _trim(value, 0)


def short_money(amount: Decimal | int | float | None, currency: str = "KRW") -> str:
    """For tiles: ₩6.7억 / ₩4,500만 in Korean, ₩667.0M / ₩1.2B in English."""
    if amount is None:
        return "—"
    value = float(amount)
    sign = SYMBOLS.get(currency, "")
    suffix = "" if sign else f" {currency}"
    minus = "-" if value < 0 else ""
    if _locale() == "ko" and currency in ("KRW", "JPY"):
        return f"{minus}{sign}{_korean_short(abs(value))}{suffix}"
    for threshold, unit in ((1e12, "T"), (1e9, "B"), (1e6, "M"), (1e3, "K")):
        if abs(value) >= threshold:
            return f"{minus}{sign}{abs(value) / threshold:,.1f}{unit}{suffix}"
    return money(amount, currency)


def day(value: date | datetime | None, tz=None) -> str:
    """2026년 12월 4일 (금) / Fri, Dec 4, 2026."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(tz).date() if tz is not None else value.date()
    return _formatted_date(value, DATE_PATTERNS[_locale()], _locale())


def short_day(value: date | None) -> str:
    return "" if value is None else _formatted_date(value, SHORT_DATE_PATTERNS[_locale()], _locale())


def when(moment: datetime | None, tz) -> str:
    """2026년 12월 4일 (금) 14:00 / Fri, Dec 4, 2026 14:00 — in the company time zone."""
    if moment is None:
        return ""
    return _formatted_moment(moment, tz, _locale())


# Babel parses and applies its pattern on every call (~0.1 ms), and a page shows the same moments
# on every rerun (a lead queue's 50 times were 6% of its rerun: bench/README.md, eleventh
# session); the texts depend only on the value, the zone and the language.
@lru_cache(maxsize=8192)
def _formatted_moment(moment: datetime, tz, language: str) -> str:
    return format_datetime(moment.astimezone(tz), DATETIME_PATTERNS[language], tzinfo=tz, locale=language)


@lru_cache(maxsize=4096)
def _formatted_date(value: date, pattern: str, language: str) -> str:
    return format_date(value, pattern, locale=language)


def clock(moment: datetime | None, tz) -> str:
    return "" if moment is None else moment.astimezone(tz).strftime("%H:%M")


def duration(delta: timedelta | None) -> str:
    """'3일 4시간' / '3d 4h', '5h 12m', '40m' — for 'due in' / 'overdue by' columns."""
    if delta is None:
        return ""
    return fmt_duration(delta)


def pct(ratio) -> str:
    return "—" if ratio is None else f"{number(float(ratio) * 100, 1)}%"


def yes_no(value) -> str:
    """Booleans in tables, in words (a grid would show true/false)."""
    return "" if value is None else _("Yes") if value else _("No")
