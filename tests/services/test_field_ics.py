"""The .ics the territory events become (services.calendar_feed, written with the `icalendar`
library): parsed back by `icalendar`, and checked byte by byte against RFC 5545 (CRLF, 75-octet
folding without splitting UTF-8, TEXT escaping, UTC times, SEQUENCE, STATUS:CANCELLED)."""
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar

from models.db import read_session
from queries import territory_events
from queries.territory_events import LatestNote, TerritoryEvent
from services import calendar_feed
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


def _event(**overrides) -> TerritoryEvent:
    values = dict(id=1, code="EV-0001", title="Summit, Seoul; day 1", kind="seminar", status="scheduled",
                  venue="COEX Hall B", starts_at=datetime(2026, 3, 13, 10, 0, tzinfo=SEOUL),
                  ends_at=datetime(2026, 3, 13, 13, 0, tzinfo=SEOUL), capacity=None, territory="Seoul",
                  campaign_id=1, campaign_code="C-1", campaign_name="Summit",
                  note=LatestNote(1, 2, "Talking points", "Line one\nLine two, with comma; and semicolon \\ backslash",
                                  datetime(2026, 3, 1, tzinfo=timezone.utc)),
                  sequence=2, updated_at=datetime(2026, 3, 5, 8, 30, tzinfo=timezone.utc))
    values.update(overrides)
    return TerritoryEvent(**values)


def _calendar(**overrides) -> bytes:
    return calendar_feed.build_calendar([_event(**overrides)], now=datetime(2026, 3, 10, 3, 0, tzinfo=timezone.utc),
                                        name="OneVoice — Seoul", time_zone="Asia/Seoul")


def test_calendar_parses_with_icalendar_and_keeps_every_value():
    data = _calendar()
    cal = icalendar.Calendar.from_ical(data)
    assert cal["VERSION"] == "2.0" and cal["PRODID"] == calendar_feed.PRODID
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Seoul" and str(cal["X-WR-CALNAME"]) == "OneVoice — Seoul"
    (event,) = cal.walk("VEVENT")
    assert str(event["UID"]) == "EV-0001@onevoice.example"
    # 10:00 in Seoul is 01:00 UTC
    assert event.decoded("DTSTART") == datetime(2026, 3, 13, 1, 0, tzinfo=timezone.utc)
    assert event.decoded("DTEND") == datetime(2026, 3, 13, 4, 0, tzinfo=timezone.utc)
    assert event.decoded("DTSTAMP") == datetime(2026, 3, 10, 3, 0, tzinfo=timezone.utc)
    assert event.decoded("LAST-MODIFIED") == datetime(2026, 3, 5, 8, 30, tzinfo=timezone.utc)
    assert event.decoded("SEQUENCE") == 2
    assert str(event["SUMMARY"]) == "Summit, Seoul; day 1"
    assert str(event["LOCATION"]) == "COEX Hall B"
    assert str(event["DESCRIPTION"]) == ("Campaign: Summit (C-1)\n\nTalking points\n\n"
                                         "Line one\nLine two, with comma; and semicolon \\ backslash")
    assert str(event["STATUS"]) == "CONFIRMED"


def test_bytes_follow_rfc5545():
    lines = assert_rfc5545_bytes(_calendar())
    assert lines[0] == b"BEGIN:VCALENDAR" and lines[-1] == b"END:VCALENDAR"
    assert b"VERSION:2.0" in lines and b"X-WR-TIMEZONE:Asia/Seoul" in lines
    assert b"DTSTART:20260313T010000Z" in lines and b"DTEND:20260313T040000Z" in lines
    assert b"DTSTAMP:20260310T030000Z" in lines and b"LAST-MODIFIED:20260305T083000Z" in lines
    assert b"SEQUENCE:2" in lines
    assert b"SUMMARY:Summit\\, Seoul\\; day 1" in lines
    description = next(line for line in lines if line.startswith(b"DESCRIPTION:"))
    assert description.endswith(b"Line one\\nLine two\\, with comma\\; and semicolon \\\\ backslash")


def test_korean_text_is_folded_at_75_octets_without_breaking_utf8():
    data = _calendar(title=KOREAN, venue="서울특별시 강남구 영동대로 513 코엑스" * 4)
    lines = assert_rfc5545_bytes(data)
    folded = [line for line in data.split(b"\r\n") if line.startswith(b" ")]
    assert len(folded) > 5  # long Korean values really were folded
    summary = next(line for line in lines if line.startswith(b"SUMMARY:"))
    assert summary.decode("utf-8") == "SUMMARY:" + KOREAN.replace(",", "\\,").replace(";", "\\;").replace("\n", "\\n")
    (event,) = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert str(event["SUMMARY"]) == KOREAN


def test_cancelled_event_is_kept_with_status_cancelled():
    lines = assert_rfc5545_bytes(_calendar(status="cancelled"))
    assert b"STATUS:CANCELLED" in lines and b"TRANSP:TRANSPARENT" in lines
    (event,) = icalendar.Calendar.from_ical(_calendar(status="cancelled")).walk("VEVENT")
    assert str(event["STATUS"]) == "CANCELLED"


def test_territory_feed_becomes_a_calendar_with_the_cancelled_event(engine):
    w = build_world(engine)
    with read_session(engine) as s:
        feed = territory_events.calendar_feed(w.v_rep, session=s, now=NOW)
    data = calendar_feed.build_calendar(feed, now=NOW, name="OneVoice — Seoul 서울", time_zone="Asia/Seoul")
    assert_rfc5545_bytes(data)
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["EV-NOW@onevoice.example", "EV-SOON@onevoice.example",
                                               "EV-CXL@onevoice.example", "EV-LATE@onevoice.example"]
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CONFIRMED", "CANCELLED", "CONFIRMED"]
    soon = events[1]
    assert soon.decoded("DTSTART") == NOW + timedelta(days=3)
    assert "Campaign: Smart Factory Summit (C-SEL)" in str(soon["DESCRIPTION"])
    assert "Summit v2" in str(soon["DESCRIPTION"]) and "Free pilot" in str(soon["DESCRIPTION"])
    assert "Busan" not in data.decode("utf-8")
