"""The rep workspace's queries at two scales: territory events of the next 30 days, the lead
queue, recent activity and open opportunities, for reps of a big, a middling and a small
territory. Cold = the query functions called directly (the app's cache off); warm = through
``ui.reads.cached_read``, the cache the field pages use (a hit)."""
from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import datetime, time as dtime, timezone

from models.db import get_engine, read_session
from models.enums import Role
from queries.field_activity import open_opportunities, recent_activity
from queries.lead_queue import lead_queue
from queries.scope import Viewer, load_viewer
from queries.territory_events import EventWindow, events_for

from bench.timing import summary, timed


def rep_queries(now: datetime) -> dict:
    """name -> (function, filters): each exactly as the rep's pages call it on first view."""
    return {
        "territory events, next 30 days": (events_for, {"window": EventWindow.next_30_days, "now": now}),
        "lead queue (open)": (lead_queue, {}),
        "recent activity": (recent_activity, {}),
        "open opportunities": (open_opportunities, {}),
    }


def pick_reps(url: str, n: int = 3) -> list[Viewer]:
    """Active reps of the biggest, a middling and the smallest territory (by rep count)."""
    with get_engine(url).connect() as conn:
        rows = conn.exec_driver_sql(
            "SELECT territory_id, MIN(username) FROM app_user WHERE role = 'rep' AND active "
            "GROUP BY territory_id ORDER BY COUNT(*) DESC, territory_id").fetchall()
        usernames = [rows[i][1] for i in sorted({0, len(rows) // 2, len(rows) - 1})]
        if len(usernames) < n:
            extra = conn.exec_driver_sql("SELECT username FROM app_user WHERE role = 'rep' AND active "
                                         "ORDER BY id LIMIT 10").scalars().all()
            usernames += [u for u in extra if u not in usernames][:n - len(usernames)]
    with read_session(get_engine(url)) as session:
        return [load_viewer(u, session=session) for u in usernames]


def anchor_now(anchor) -> datetime:
    return datetime.combine(anchor, dtime(3, 0), tzinfo=timezone.utc)


def cold_timings(url: str, viewers: list[Viewer], now: datetime, repeats: int) -> dict:
    engine = get_engine(url)
    out = {}
    for name, (fn, filters) in rep_queries(now).items():
        seconds, rows = [], 0
        for _ in range(repeats):
            for viewer in viewers:
                with read_session(engine) as session:
                    s, page = timed(fn, viewer, session=session, **filters)
                seconds.append(s)
                rows = max(rows, page.total)
        out[name] = {**summary(seconds), "max_total_rows": rows}
    return out


@contextmanager
def app_database(url: str):
    """Point the app's configuration (DATABASE_URL) at ``url`` for the cached readers."""
    before = os.environ.get("DATABASE_URL")
    os.environ["DATABASE_URL"] = url
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("DATABASE_URL", None)
        else:
            os.environ["DATABASE_URL"] = before


def warm_timings(url: str, viewers: list[Viewer], now: datetime, repeats: int) -> dict:
    import streamlit as st
    from ui.reads import clear_caches as clear_read_caches

    from ui.reads import cached_read

    out = {}
    with app_database(url):
        clear_read_caches()
        st.cache_resource.clear()
        for name, (fn, filters) in rep_queries(now).items():
            for viewer in viewers:
                cached_read(fn, viewer, **filters)
            seconds = [timed(cached_read, fn, viewer, **filters)[0] for _ in range(repeats) for viewer in viewers]
            out[name] = summary(seconds)
        clear_read_caches()
        st.cache_resource.clear()
    return out


def run(url: str, anchor, repeats: int) -> dict:
    viewers = pick_reps(url)
    assert all(v is not None and v.role is Role.rep for v in viewers), "the data set has no active reps"
    now = anchor_now(anchor)
    cold_timings(url, viewers, now, 1)     # first touch of the pages the queries read
    return {"reps": [v.username for v in viewers], "now": now.isoformat(),
            "cold": cold_timings(url, viewers, now, repeats), "warm": warm_timings(url, viewers, now, repeats)}
