"""The private calendar feed: tokens kept only as hashes, rotation, refusals, SEQUENCE/LAST-MODIFIED
on moves and cancellations, ``manage.py calendar-url`` — and, over HTTP from a real
``streamlit run app.py``, a subscription parsed with `icalendar` while an event moves, is
cancelled and the address is rotated."""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import timedelta

import icalendar
import pytest
from sqlmodel import select

from manage import main
from models.db import get_engine, read_session, write_session
from models.enums import EventStatus, Role
from models.tables import AuditLog, CalendarToken, Event, Territory, User
from models.types import utcnow
from queries.scope import AccessDenied, Viewer, load_viewer
from services import calendar_feed, campaigns
from services.campaigns import EventInput
from models.errors import ValidationFailed
from tests.browser_support import ROOT, seeded_demo_sqlite, streamlit_server
from tests.field_world import NOW, build_world


def _events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]).split("@")[0]: e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def test_token_is_kept_only_as_a_hash_and_rotation_revokes_it(engine):
    w = build_world(engine)
    with write_session(engine) as s:
        token = calendar_feed.issue_token(w.v_rep, session=s)
        assert calendar_feed.issue_token(w.v_rep, session=s) == token  # the same address until rotated
    assert calendar_feed.is_well_formed(token) and len(token) == 43
    with read_session(engine) as s:
        row = s.get(CalendarToken, w.rep.id)
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in (row.nonce, row.token_hash)
        assert calendar_feed.current_token(w.v_rep, session=s) == token
        assert calendar_feed.viewer_for_token(token, session=s).username == "rep.sel"
    with write_session(engine) as s:
        new = calendar_feed.issue_token(w.v_rep, session=s, rotate=True)
    assert new != token
    with read_session(engine) as s:
        assert calendar_feed.viewer_for_token(token, session=s) is None
        assert calendar_feed.viewer_for_token(new, session=s).username == "rep.sel"
        actions = s.exec(select(AuditLog.action).where(AuditLog.entity == "calendar_token")).all()
        assert actions == ["create", "rotate"]
        assert all(token not in (d or "") and new not in (d or "")
                   for d in s.exec(select(AuditLog.detail)).all())


def test_refusals_answer_none_alike(engine):
    w = build_world(engine)
    with write_session(engine) as s:
        token = calendar_feed.issue_token(w.v_rep, session=s)
        manager_token = calendar_feed.issue_token(w.v_manager, session=s)
        with pytest.raises(AccessDenied):
            calendar_feed.issue_token(Viewer.of(w.marketer), session=s)
    with read_session(engine) as s:
        for bad in ("", "short", token[:-1], token + "A", token[:-1] + "!", "../" + token[3:], None,
                    "A" * 43):
            assert calendar_feed.viewer_for_token(bad, session=s) is None, bad
            assert calendar_feed.calendar_for_token(bad, session=s, now=NOW) is None
        assert calendar_feed.viewer_for_token(manager_token, session=s).role is Role.manager
    with write_session(engine) as s:
        s.get(User, w.rep.id).active = False
    with read_session(engine) as s:
        assert calendar_feed.viewer_for_token(token, session=s) is None


def _pin_clock(monkeypatch, moment) -> None:
    """The product clock (models.types.utcnow) starts at ``moment`` and runs on from there."""
    monkeypatch.setenv("ONEVOICE_NOW", moment.isoformat())


def _last_modified(item: icalendar.Event):
    return item.decoded("LAST-MODIFIED")


def test_feed_holds_the_territory_and_tracks_moves_and_cancellations(engine, monkeypatch):
    # LAST-MODIFIED is written to the second (RFC 5545 DATE-TIME): each change happens on a clock
    # pinned an hour after the previous one, so "it moved" never depends on a second boundary.
    created, moved_at, edited_at, cancelled_at = (NOW + timedelta(hours=h) for h in (0, 1, 2, 3))
    _pin_clock(monkeypatch, created)
    w = build_world(engine)
    with write_session(engine) as s:
        token = calendar_feed.issue_token(w.v_rep, session=s)
    with read_session(engine) as s:
        first = _events(calendar_for := calendar_feed.calendar_for_token(token, session=s, now=NOW))
    cal = icalendar.Calendar.from_ical(calendar_for)
    assert str(cal["X-WR-TIMEZONE"]) == "Asia/Seoul"
    assert {"EV-NOW", "EV-SOON", "EV-LATE", "EV-PAST", "EV-CXL"} <= set(first) and "EV-BSN" not in first
    assert str(first["EV-CXL"]["STATUS"]) == "CANCELLED"
    assert "Summit v2" in str(first["EV-SOON"]["DESCRIPTION"])
    soon = first["EV-SOON"]
    assert _last_modified(soon) < moved_at
    marketer = Viewer.of(w.marketer)
    _pin_clock(monkeypatch, moved_at)
    with write_session(engine) as s:
        event = s.get(Event, w.ev_soon.id)
        moved = EventInput(title=event.title, kind=event.kind, territory_id=event.territory_id,
                           starts_at=event.starts_at + timedelta(hours=2), ends_at=event.ends_at + timedelta(hours=2),
                           venue=event.venue, capacity=event.capacity, code=event.code)
        campaigns.update_event(marketer, event.id, moved, session=s)
    _pin_clock(monkeypatch, edited_at)
    with write_session(engine) as s:
        # An edit that changes nothing a calendar shows (capacity) leaves SEQUENCE and LAST-MODIFIED alone.
        campaigns.update_event(marketer, w.ev_soon.id, EventInput(**{**moved.__dict__, "capacity": 7}), session=s)
    with read_session(engine) as s:
        after_move = _events(calendar_feed.calendar_for_token(token, session=s, now=NOW))["EV-SOON"]
    assert after_move.decoded("SEQUENCE") == soon.decoded("SEQUENCE") + 1
    assert after_move.decoded("DTSTART") == soon.decoded("DTSTART") + timedelta(hours=2)
    assert _last_modified(soon) < _last_modified(after_move)
    assert moved_at <= _last_modified(after_move) < moved_at + timedelta(minutes=1)   # the move, not the edit
    assert str(after_move["UID"]) == str(soon["UID"])
    _pin_clock(monkeypatch, cancelled_at)
    with write_session(engine) as s:
        campaigns.cancel_event(marketer, w.ev_soon.id, session=s)
    with read_session(engine) as s:
        cancelled = _events(calendar_feed.calendar_for_token(token, session=s, now=NOW))["EV-SOON"]
    assert cancelled.decoded("SEQUENCE") == soon.decoded("SEQUENCE") + 2
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert cancelled_at <= _last_modified(cancelled) < cancelled_at + timedelta(minutes=1)


def test_manage_calendar_url_prints_rotates_and_refuses(engine, db_url, monkeypatch, capsys):
    w = build_world(engine)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ONEVOICE_BASE_URL", "https://crm.example.com/")
    assert main(["calendar-url", "rep.sel"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith("https://crm.example.com/calendar/") and url.endswith(".ics")
    assert main(["calendar-url", "rep.sel"]) == 0
    assert capsys.readouterr().out.strip() == url
    assert main(["calendar-url", "rep.sel", "--rotate"]) == 0
    rotated = capsys.readouterr().out.strip()
    assert rotated != url
    token = url.rsplit("/", 1)[1].removesuffix(".ics")
    with read_session(engine) as s:
        assert calendar_feed.viewer_for_token(token, session=s) is None
    for username, message in (("mkt", "only reps and managers"), ("nobody", "no user")):
        assert main(["calendar-url", username]) == 2
        assert message in capsys.readouterr().err
    monkeypatch.delenv("ONEVOICE_BASE_URL")
    assert main(["calendar-url", "mgr.sel"]) == 0
    assert capsys.readouterr().out.startswith("http://localhost:8501/calendar/")
    with write_session(engine) as s:
        s.get(User, w.rep2.id).active = False
    assert main(["calendar-url", "rep2.sel"]) == 2
    assert "disabled" in capsys.readouterr().err
    with read_session(engine) as s:
        assert s.get(CalendarToken, w.rep2.id) is None


def test_issue_refuses_a_user_without_a_field_role(engine):
    build_world(engine)
    with write_session(engine) as s:
        with pytest.raises(ValidationFailed, match="only reps and managers"):
            calendar_feed.issue_token_for_username("mkt", session=s)


# -- over HTTP from the real server ----------------------------------------------------------------

def _get(url: str) -> tuple[int, bytes, dict]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read(), dict(response.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read(), dict(exc.headers)


def _cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=120)


@pytest.mark.slow
def test_subscribing_over_http_to_the_running_server(sqlite_template, tmp_path):
    url = seeded_demo_sqlite(sqlite_template, tmp_path)
    engine = get_engine(url)
    with streamlit_server(url, tmp_path / "data") as base:
        env = {**os.environ, "DATABASE_URL": url, "ONEVOICE_BASE_URL": base, "ONEVOICE_DATA_DIR": str(tmp_path / "cli")}
        done = _cli(env, "calendar-url", "minjun.kim")
        assert done.returncode == 0, done.stderr
        feed = done.stdout.strip()
        assert feed.startswith(base + "/calendar/") and feed.endswith(".ics")

        status, body, headers = _get(feed)
        assert status == 200 and headers["content-type"].startswith("text/calendar")
        assert "no-store" in headers["cache-control"]
        cal = icalendar.Calendar.from_ical(body)
        assert str(cal["X-WR-TIMEZONE"]) == "Asia/Seoul"
        events = _events(body)
        with read_session(engine) as s:
            seoul = s.exec(select(Territory).where(Territory.code == "SEL")).one()
            codes = set(s.exec(select(Event.code).where(Event.territory_id == seoul.id)).all())
            target = s.exec(select(Event).where(Event.territory_id == seoul.id, Event.status == EventStatus.scheduled,
                                                Event.starts_at > utcnow())
                            .order_by(Event.starts_at)).first()
            marketer = load_viewer("jiwoo.choi", session=s)
        assert events and set(events) <= codes and target.code in events
        before = events[target.code]
        assert before.decoded("DTSTART").utcoffset() == timedelta(0)

        with write_session(engine) as s:
            campaigns.update_event(marketer, target.id, EventInput(
                title=target.title, kind=target.kind, territory_id=target.territory_id, venue="Moved hall",
                starts_at=target.starts_at + timedelta(days=1), ends_at=target.ends_at + timedelta(days=1),
                capacity=target.capacity, code=target.code), session=s)
        moved = _events(_get(feed)[1])[target.code]
        assert moved.decoded("SEQUENCE") == before.decoded("SEQUENCE") + 1
        assert moved.decoded("DTSTART") == before.decoded("DTSTART") + timedelta(days=1)
        assert str(moved["LOCATION"]) == "Moved hall" and str(moved["STATUS"]) == "CONFIRMED"

        with write_session(engine) as s:
            campaigns.cancel_event(marketer, target.id, session=s)
        cancelled = _events(_get(feed)[1])[target.code]
        assert cancelled.decoded("SEQUENCE") == before.decoded("SEQUENCE") + 2
        assert str(cancelled["STATUS"]) == "CANCELLED"

        done = _cli(env, "calendar-url", "minjun.kim", "--rotate")
        assert done.returncode == 0, done.stderr
        rotated = done.stdout.strip()
        assert rotated != feed
        status, body, _ = _get(feed)
        assert (status, body) == (404, b"")
        assert _get(rotated)[0] == 200
        for bad in ("A" * 43, "not-a-token", "A" * 42 + "!", "%2e%2e"):
            assert _get(f"{base}/calendar/{bad}.ics")[:2] == (404, b""), bad

        assert _cli(env, "disable-user", "minjun.kim").returncode == 0
        assert _get(rotated)[:2] == (404, b"")
        # The portal itself is served by the same process.
        assert _get(base + "/_stcore/health")[1] == b"ok"
        status, page, _ = _get(base + "/")
        assert status == 200 and b"<div id=\"root\">" in page
