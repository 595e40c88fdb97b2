"""The .ics writer: parsed by the `icalendar` package, and checked byte by byte against RFC 5545
(CRLF, 75-octet folding without splitting UTF-8, TEXT escaping, UTC times, STATUS:CANCELLED)."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest

from models.db import read_session
from queries import territory_events
from services import ics
from tests.field_world import NOW, build_world

SEOUL = ZoneInfo("Asia/Seoul")
KOREAN = "스마트 팩토리 서밋 — 서울 코엑스 B홀, 세미나; 신제품 소개\n두 번째 줄 " * 3


def assert_rfc5545_bytes(data: bytes) -> list[bytes]:
    """Every line ends CRLF, none is longer than 75 octets, each continuation starts with one
    space, and every physical line is valid UTF-8 on its own (no character split by folding).
    Returns the unfolded content lines."""
    assert data.endswith(b"\r\n")
    physical = data.split(b"\r\n")[:-1]
    assert b"\n" not in data.replace(b"\r\n", b"") and b"\r" not in data.replace(b"\r\n", b"")
    for line in physical:
        assert len(line) <= 75, (len(line), line)
        line.decode("utf-8")  # raises if a multibyte character was cut
    unfolded: list[bytes] = []
    for line in physical:
        if line.startswith(b" "):
            unfolded[-1] += line[1:]
        else:
            assert not line.startswith(b"\t")
            unfolded.append(line)
    return unfolded


def _calendar(**overrides) -> bytes:
    event = dict(code="EV-0001", title="Summit, Seoul; day 1", starts_at=datetime(2026, 3, 13, 10, 0, tzinfo=SEOUL),
                 ends_at=datetime(2026, 3, 13, 13, 0, tzinfo=SEOUL), location="COEX Hall B",
                 description="Line one\nLine two, with comma; and semicolon \\ backslash")
    event.update(overrides)
    return ics.build_calendar([ics.CalendarEvent(**event)], now=datetime(2026, 3, 10, 3, 0, tzinfo=timezone.utc))


def test_calendar_parses_with_icalendar_and_keeps_every_value():
    data = _calendar()
    cal = icalendar.Calendar.from_ical(data)
    assert cal["VERSION"] == "2.0" and cal["PRODID"] == ics.PRODID
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == "EV-0001@onevoice.example"
    # 10:00 in Seoul is 01:00 UTC
    assert event.decoded("DTSTART") == datetime(2026, 3, 13, 1, 0, tzinfo=timezone.utc)
    assert event.decoded("DTEND") == datetime(2026, 3, 13, 4, 0, tzinfo=timezone.utc)
    assert event.decoded("DTSTAMP") == datetime(2026, 3, 10, 3, 0, tzinfo=timezone.utc)
    assert str(event["SUMMARY"]) == "Summit, Seoul; day 1"
    assert str(event["DESCRIPTION"]) == "Line one\nLine two, with comma; and semicolon \\ backslash"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_bytes_follow_rfc5545():
    lines = assert_rfc5545_bytes(_calendar())
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    assert b"VERSION:2.0" in lines
    assert b"DTSTART:20260313T010000Z" in lines and b"DTEND:20260313T040000Z" in lines
    assert b"DTSTAMP:20260310T030000Z" in lines
    assert b"SUMMARY:Summit\\, Seoul\\; day 1" in lines
    assert b"DESCRIPTION:Line one\\nLine two\\, with comma\\; and semicolon \\\\ backslash" in lines


def test_korean_text_is_folded_at_75_octets_without_breaking_utf8():
    data = _calendar(title=KOREAN, location="서울특별시 강남구 영동대로 513 코엑스" * 4)
    lines = assert_rfc5545_bytes(data)
    folded = [line for line in data.split(b"\r\n") if line.startswith(b" ")]
    assert len(folded) > 5  # long Korean values really were folded
    summary = next(line for line in lines if line.startswith(b"SUMMARY:"))
    assert summary.decode("utf-8") == "SUMMARY:" + ics.escape_text(KOREAN)
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert str(event["SUMMARY"]) == KOREAN


def test_fold_boundaries():
    assert ics.fold("A" * 75) == "A" * 75
    assert ics.fold("A" * 76) == "A" * 75 + "\r\n A"
    # 3-byte characters: 25 fit the first line exactly; 24 more fit a continuation (1 + 72 octets)
    folded = ics.fold("가" * 50)
    first, second, third = folded.split("\r\n")
    assert (len(first.encode()), len(second.encode()), third) == (75, 73, " 가")


def test_cancelled_event_is_kept_with_status_cancelled():
    lines = assert_rfc5545_bytes(_calendar(cancelled=True))
    assert b"STATUS:CANCELLED" in lines
    (event,) = icalendar.Calendar.from_ical(_calendar(cancelled=True)).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


def test_naive_times_are_refused():
    with pytest.raises(ValueError, match="naive"):
        ics.utc_stamp(datetime(2026, 3, 1, 10, 0))


def test_territory_feed_becomes_a_calendar_with_the_cancelled_event(engine):
    w = build_world(engine)
    with read_session(engine) as s:
        feed = territory_events.calendar_feed(w.v_rep, session=s, now=NOW)
    data = ics.build_calendar(ics.from_territory_events(feed), now=NOW, name="OneVoice — Seoul 서울")
    assert_rfc5545_bytes(data)
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["EV-NOW@onevoice.example", "EV-SOON@onevoice.example",
                                               "EV-CXL@onevoice.example", "EV-LATE@onevoice.example"]
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED", "CONFIRMED"]
    soon = events[1]
    assert soon.decoded("DTSTART") == NOW + timedelta(days=3)
    assert "Campaign: Smart Factory Summit (C-SEL)" in str(soon["DESCRIPTION"])
    assert "Busan" not in data.decode("utf-8")
