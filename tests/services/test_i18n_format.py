"""Formatting by language (Babel) and what Korean users type for amounts."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from i18n import use_language
from i18n.labels import LABELS, label, relabel
from models import enums
from models.errors import ValidationFailed
from services.field_rules import checked_amount
from ui import format as fmt

SEOUL = ZoneInfo("Asia/Seoul")


def test_dates_and_times_read_naturally_in_each_language():
    moment = datetime(2026, 12, 4, 5, 0, tzinfo=timezone.utc)  # 14:00 in Seoul
    with use_language("ko"):
        assert fmt.when(moment, SEOUL) == "2026년 12월 4일 (금) 14:00"
        assert fmt.day(date(2026, 12, 4)) == "2026년 12월 4일 (금)"
        assert fmt.duration(timedelta(days=3, hours=4)) == "3일 4시간"
    with use_language("en"):
        assert fmt.when(moment, SEOUL) == "Fri, Dec 4, 2026 14:00"
        assert fmt.day(date(2026, 12, 4)) == "Fri, Dec 4, 2026"
        assert fmt.duration(timedelta(hours=5, minutes=12)) == "5h 12m"


@pytest.mark.parametrize("amount, korean, english", [
    (Decimal("667000000"), "₩6.7억", "₩667.0M"),
    (Decimal("45000000"), "₩4,500만", "₩45.0M"),
    (Decimal("1200000000000"), "₩1.2조", "₩1.2T"),
    (Decimal("700000000"), "₩7억", "₩700.0M"),
    (Decimal("9500"), "₩9,500", "₩9.5K"),
])
def test_large_won_amounts_read_as_people_say_them(amount, korean, english):
    with use_language("ko"):
        assert fmt.short_money(amount) == korean
        assert fmt.money(amount) == f"₩{amount:,.0f}"  # the exact value, for hover and exports
    with use_language("en"):
        assert fmt.short_money(amount) == english


@pytest.mark.parametrize("typed, value", [
    ("45,000,000", "45000000"), ("₩45,000,000원", "45000000"), ("4,500만", "45000000"),
    ("6.7억", "670000000"), ("1억 2,000만", "120000000"), ("12.5", "12.5"),
])
def test_amounts_accept_what_korean_users_type(typed, value):
    assert checked_amount(typed, required=True) == Decimal(value)


@pytest.mark.parametrize("typed", ["abc", "1억x", "만"])
def test_amounts_refuse_what_is_not_an_amount(typed):
    with pytest.raises(ValidationFailed):
        checked_amount(typed, required=True)


def test_every_enum_member_has_a_label_in_both_languages():
    import enum

    for name in dir(enums):
        cls = getattr(enums, name)
        if isinstance(cls, type) and issubclass(cls, enum.StrEnum) and cls is not enum.StrEnum:
            assert set(LABELS[cls]) == set(cls), name
    with use_language("ko"):
        assert label(enums.EventKind.trade_show) == "전시회"
        assert label("no_need", enums.DisqualifyReason) == "필요 없음"
        assert label(enums.FeedbackKind.win_story) == "성공 사례"
    with use_language("en"):
        assert label(enums.EventKind.trade_show) == "Trade show"
        assert label("mid_market", enums.Segment) == "Mid-market"


def test_dataframes_are_relabelled_not_shown_as_codes():
    import pandas as pd

    frame = pd.DataFrame({"stage": ["won", "proposal", None], "n": [1, 2, 3]})
    with use_language("ko"):
        shown = relabel(frame, {"stage": enums.Stage})
    assert list(shown["stage"][:2]) == ["수주", "제안"] and shown["stage"].isna()[2]
    assert list(frame["stage"][:2]) == ["won", "proposal"]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_kept_number_texts_are_what_babel_writes_for_every_value(language):
    """ui.format keeps the texts of the numbers it formats: each is what Babel writes for that value,
    -0.0 and 0, 1.0 and 1, NaN and infinity included."""
    import random

    from babel.numbers import format_decimal
    rng = random.Random(7)
    values = [0, -0.0, 0.0, 1, 1.0, -1.5, 2.675, 1e-7, 123456789.987654, float("nan"), float("inf"),
              Decimal("1.005"), Decimal("-0"), Decimal("12345678901234567890.123"), 10 ** 20, 0.1 + 0.2]
    values += [rng.uniform(-1e12, 1e12) for _ in range(300)] + [rng.random() for _ in range(300)]
    with use_language(language):
        for _round in range(2):                      # the second round is served from what was kept
            for value in values:
                for decimals in (0, 1, 2):
                    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
                    assert fmt.number(value, decimals) == format_decimal(value, format=pattern, locale=language), value
