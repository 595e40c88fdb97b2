"""An iCalendar (RFC 5545) file of events, written by hand so every byte is ours to check.

- lines end in CRLF and are folded at 75 octets (UTF-8 bytes, never inside a character), each
  continuation line starting with one space (§3.1);
- TEXT values escape backslash, semicolon, comma and newline (§3.3.11);
- DTSTAMP/DTSTART/DTEND are UTC date-times, ``YYYYMMDDTHHMMSSZ`` (§3.3.5, form #2);
- UID is stable per event, so re-importing the file updates instead of duplicating, and a
  cancelled event is kept with STATUS:CANCELLED so calendars remove it (§3.8.1.11).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

CRLF = "\r\n"
MAX_OCTETS = 75
PRODID = "-//OneVoice//Territory events//EN"
UID_DOMAIN = "onevoice.example"


@dataclass(frozen=True)
class CalendarEvent:
    code: str
    title: str
    starts_at: datetime
    ends_at: datetime
    cancelled: bool = False
    location: str | None = None
    description: str | None = None


def escape_text(value: str) -> str:
    """TEXT escaping: backslash first, then ; , and every kind of newline as \\n."""
    value = value.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    return value.replace("\r\n", "\\n").replace("\r", "\\n").replace("\n", "\\n")


def utc_stamp(moment: datetime) -> str:
    if moment.tzinfo is None:
        raise ValueError("naive datetime: give it a time zone")
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def fold(line: str) -> str:
    """One content line folded into chunks of at most 75 octets, joined by CRLF + space.

    Continuation lines carry the leading space within their 75 octets; a chunk ends before a
    character whose UTF-8 bytes would not fit, so no multibyte character is ever split."""
    out: list[str] = []
    chunk, size, limit = [], 0, MAX_OCTETS
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > limit:
            out.append("".join(chunk))
            chunk, size, limit = [], 0, MAX_OCTETS - 1
        chunk.append(char)
        size += width
    out.append("".join(chunk))
    return (CRLF + " ").join(out)


def _prop(name: str, value: str) -> str:
    return fold(f"{name}:{value}") + CRLF


def _text(name: str, value: str | None) -> str:
    return "" if value is None or value == "" else _prop(name, escape_text(value))


def build_calendar(events: list[CalendarEvent], *, now: datetime, name: str = "OneVoice events") -> bytes:
    """The whole VCALENDAR as UTF-8 bytes."""
    parts = ["BEGIN:VCALENDAR" + CRLF, _prop("VERSION", "2.0"), _prop("PRODID", PRODID),
             _prop("CALSCALE", "GREGORIAN"), _prop("METHOD", "PUBLISH"), _text("X-WR-CALNAME", name)]
    stamp = utc_stamp(now)
    for event in events:
        parts += [
            "BEGIN:VEVENT" + CRLF,
            _prop("UID", f"{event.code}@{UID_DOMAIN}"),
            _prop("DTSTAMP", stamp),
            _prop("DTSTART", utc_stamp(event.starts_at)),
            _prop("DTEND", utc_stamp(event.ends_at)),
            _text("SUMMARY", event.title),
            _text("LOCATION", event.location),
            _text("DESCRIPTION", event.description),
            _prop("STATUS", "CANCELLED" if event.cancelled else "CONFIRMED"),
            _prop("TRANSP", "TRANSPARENT" if event.cancelled else "OPAQUE"),
            "END:VEVENT" + CRLF,
        ]
    parts.append("END:VCALENDAR" + CRLF)
    return "".join(parts).encode("utf-8")


def from_territory_events(events) -> list[CalendarEvent]:
    """CalendarEvents of queries.territory_events rows (campaign, kind and capacity described)."""
    out = []
    for e in events:
        lines = [f"Campaign: {e.campaign_name} ({e.campaign_code})", f"Kind: {e.kind.replace('_', ' ')}"]
        if e.capacity is not None:
            lines.append(f"Capacity: {e.capacity}")
        out.append(CalendarEvent(code=e.code, title=e.title, starts_at=e.starts_at, ends_at=e.ends_at,
                                 cancelled=e.status == "cancelled", location=e.venue, description="\n".join(lines)))
    return out
