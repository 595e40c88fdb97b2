"""The territory events page's month calendar, drawn as one HTML element.

It was 6 rows of 7 bordered Streamlit containers, one markdown and a caption per event inside
each: ~100 elements sent on every rerun of the page (all tabs are drawn on each rerun), the
page's largest cost (bench/README.md: 18-20x the trivial app's rerun). One ``st.html`` element
of a few kilobytes replaces them.

Wide screens see the month as a 7-column grid. On a phone (<= 640 px) the same element becomes a
list of this month's days that have an event, each with its weekday, since seven columns of 50 px
cannot hold an event's title.

Everything taken from the data (titles) is HTML-escaped here; Streamlit also sanitises
``st.html`` (DOMPurify), and no script runs in it.
"""
from __future__ import annotations

import calendar
import html
from dataclasses import dataclass
from datetime import date, timedelta

from babel.dates import format_date, get_day_names

from i18n import _, current_language
from models.timefmt import local_date
from ui.format import clock

MONTH_PATTERNS = {"ko": "y년 M월", "en": "MMMM y"}
DAY_LABEL_PATTERNS = {"ko": "M월 d일 (E)", "en": "EEE, MMM d"}

STYLE = """<style>
.ov-cal { display: grid; grid-template-columns: repeat(7, minmax(0, 1fr)); gap: 4px; margin: 0.25rem 0 0.5rem; }
.ov-cal .ov-wd { font-size: 0.8rem; opacity: 0.65; padding: 0 6px; }
.ov-cal .ov-day { border: 1px solid rgba(128, 128, 128, 0.3); border-radius: 0.5rem; min-height: 7.5rem;
  padding: 4px 6px; font-size: 0.8rem; line-height: 1.3; overflow: hidden; overflow-wrap: anywhere; }
.ov-cal .ov-out { opacity: 0.45; }
.ov-cal .ov-num { font-size: 0.9rem; margin-bottom: 2px; }
.ov-cal .ov-dow { display: none; }
.ov-cal .ov-today { border-color: #1f6feb; }
.ov-cal .ov-today .ov-num { font-weight: 700; color: #1f6feb; }
.ov-cal .ov-ev { margin: 2px 0; opacity: 0.85; }
.ov-cal .ov-time { font-variant-numeric: tabular-nums; opacity: 0.8; }
@media (max-width: 640px) {
  .ov-cal { grid-template-columns: 1fr; }
  .ov-cal .ov-day { min-height: 0; display: flex; gap: 0.75rem; padding: 6px 10px; font-size: 0.9rem; }
  .ov-cal .ov-wd, .ov-cal .ov-day.ov-out, .ov-cal .ov-day.ov-empty { display: none; }
  .ov-cal .ov-num { flex: 0 0 4.5rem; }
  .ov-cal .ov-dow { display: inline; }
  .ov-cal .ov-events { flex: 1; }
  .ov-cal .ov-ev { margin: 0 0 2px; }
}
</style>"""


@dataclass(frozen=True)
class CalendarEntry:
    """One event on one day: its local start time on the day it starts (else empty)."""
    time: str
    title: str
    cancelled: bool


def month_title(first: date) -> str:
    """'December 2026' / '2026년 12월'."""
    language = current_language()
    return format_date(first, MONTH_PATTERNS[language], locale=language)


def entries_by_day(events, tz) -> dict[date, list[CalendarEntry]]:
    """Each event on every local day from its start to its end; the start time on its first day."""
    by_day: dict[date, list[CalendarEntry]] = {}
    for event in events:
        first, last = local_date(event.starts_at, tz), local_date(event.ends_at, tz)
        day = first
        while day <= last:
            by_day.setdefault(day, []).append(CalendarEntry(
                clock(event.starts_at, tz) if day == first else "", event.title, event.status == "cancelled"))
            day += timedelta(days=1)
    return by_day


def month_html(year: int, month: int, by_day: dict[date, list[CalendarEntry]], today: date) -> str:
    """The month's weeks (Monday first) as one HTML block with its style."""
    language = current_language()
    weekdays = get_day_names("abbreviated", locale=language)  # 0 = Monday
    cancelled = html.escape(_("CANCELLED"))
    parts = [STYLE, f'<div class="ov-cal" role="list" aria-label="{html.escape(month_title(date(year, month, 1)))}">']
    parts += [f'<div class="ov-wd" aria-hidden="true">{html.escape(weekdays[i])}</div>' for i in range(7)]
    for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month):
        for day in week:
            entries = by_day.get(day, [])
            classes = ["ov-day"]
            if day.month != month:
                classes.append("ov-out")
            if not entries:
                classes.append("ov-empty")
            if day == today:
                classes.append("ov-today")
            label = format_date(day, DAY_LABEL_PATTERNS[language], locale=language)
            parts.append(f'<div class="{" ".join(classes)}" role="listitem" aria-label="{html.escape(label)}">'
                         f'<div class="ov-num">{day.day}<span class="ov-dow"> {html.escape(weekdays[day.weekday()])}'
                         f'</span></div><div class="ov-events">')
            for entry in entries:
                mark = f' title="{cancelled}"' if entry.cancelled else ""
                time = f'<span class="ov-time">{html.escape(entry.time)}</span> ' if entry.time else ""
                title = html.escape(entry.title)
                parts.append(f'<div class="ov-ev"{mark}>{time}' + (f"<s>{title}</s>" if entry.cancelled else title)
                             + "</div>")
            parts.append("</div></div>")
    parts.append("</div>")
    return "".join(parts)
