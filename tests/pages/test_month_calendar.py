"""The territory events page's month calendar: one HTML element, escaped, in the viewer's
language, each event on every local day it runs (issue 18 drew it as one element)."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from i18n import use_language
from tests.apptest_support import html_text
from ui import month_calendar
from ui.month_calendar import CalendarEntry, entries_by_day, month_html

SEOUL = ZoneInfo("Asia/Seoul")


@dataclass
class Event:
    title: str
    starts_at: datetime
    ends_at: datetime
    status: str = "scheduled"


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def cells(markup: str) -> list[tuple[str, str]]:
    """(classes, text) of each day cell, in order."""
    found = re.findall(r'<div class="(ov-day[^"]*)" role="listitem"[^>]*>(.*?</div></div>)', markup)
    return [(classes, " ".join(html_text(inner).split())) for classes, inner in found]


def test_events_fall_on_their_local_days_with_the_start_time_on_the_first():
    events = [Event("Seoul roadshow", utc(2026, 11, 30, 15, 30), utc(2026, 12, 2, 9)),   # Dec 1 00:30 KST
              Event("Busan seminar", utc(2026, 12, 31, 14, 0), utc(2026, 12, 31, 16, 0), "cancelled")]
    by_day = entries_by_day(events, SEOUL)
    assert sorted(by_day) == [date(2026, 12, 1), date(2026, 12, 2), date(2026, 12, 31), date(2027, 1, 1)]
    assert by_day[date(2026, 12, 1)] == [CalendarEntry("00:30", "Seoul roadshow", False)]
    assert by_day[date(2026, 12, 2)] == [CalendarEntry("", "Seoul roadshow", False)]
    assert by_day[date(2026, 12, 31)] == [CalendarEntry("23:00", "Busan seminar", True)]
    assert by_day[date(2027, 1, 1)] == [CalendarEntry("", "Busan seminar", True)]


def test_a_leap_february_has_its_29_days_in_whole_weeks_and_marks_today():
    with use_language("en"):
        markup = month_html(2028, 2, {date(2028, 2, 29): [CalendarEntry("09:00", "Leap day demo", False)]},
                            today=date(2028, 2, 29))
    days = cells(markup)
    assert len(days) % 7 == 0 and len(days) == 35           # Mon Jan 31 .. Sun Mar 5
    inside = [text for classes, text in days if "ov-out" not in classes]
    assert len(inside) == 29 and inside[0].startswith("1 ") and inside[-1].startswith("29 ")
    today = [(classes, text) for classes, text in days if "ov-today" in classes]
    assert today == [("ov-day ov-today", "29 Tue 09:00 Leap day demo")]
    assert [text.split()[0] for classes, text in days if "ov-out" in classes] == ["31", "1", "2", "3", "4", "5"]
    assert all("ov-empty" in classes for classes, text in days if "ov-today" not in classes)


def test_titles_are_escaped_and_cancelled_events_are_struck_through():
    hostile = '<img src=x onerror="alert(1)"><script>alert(2)</script> & co'
    with use_language("en"):
        markup = month_html(2026, 12, {date(2026, 12, 3): [CalendarEntry("10:00", hostile, True)]},
                            today=date(2026, 12, 1))
    assert "<img" not in markup and "<script" not in markup
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;&lt;script&gt;alert(2)&lt;/script&gt; &amp; co" in markup
    cell = next(text for classes, text in cells(markup) if text.startswith("3 "))
    assert cell == "3 Thu 10:00 " + hostile
    assert re.search(r'<div class="ov-ev" title="CANCELLED"><span class="ov-time">10:00</span> <s>&lt;img', markup)


def test_the_calendar_speaks_korean():
    with use_language("ko"):
        markup = month_html(2027, 1, {date(2027, 1, 1): [CalendarEntry("", "신년 행사", False)]},
                            today=date(2027, 1, 1))
        title = month_calendar.month_title(date(2027, 1, 1))
    assert title == "2027년 1월"
    weekday_heads = re.findall(r'<div class="ov-wd" aria-hidden="true">(.*?)</div>', markup)
    assert weekday_heads == ["월", "화", "수", "목", "금", "토", "일"]
    assert 'aria-label="1월 1일 (금)"' in markup
    assert 'title="취소됨"' not in markup     # nothing cancelled: no mark
    with use_language("en"):
        assert month_calendar.month_title(date(2027, 1, 1)) == "January 2027"
