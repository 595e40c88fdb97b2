"""The portal on awkward days: the demo is made and every role's pages run with the product's
clock pinned (``ONEVOICE_NOW``) to the 1st of a month just after midnight in Seoul (still the
day before in UTC), New Year's Day, a leap day, and the day after a leap day.

On each of them the demo must look alive — events running now and coming up in every
territory, campaigns started in the dashboard's default period — and no page may fail.
"""
from __future__ import annotations

import shutil
from datetime import datetime, timedelta, timezone

import pytest
from sqlmodel import Session, func, select

from models.db import dispose_engines, get_engine
from models.enums import CampaignStatus, EventStatus, Role
from models.settings_store import load_settings
from models.tables import Campaign, Event, Territory
from models.types import local_today, utcnow
from queries.kpis import KpiFilter, all_kpis
from queries.scope import Viewer
from services.demo_seed import seed_demo
from tests.apptest_support import app_env, open_page, signed_in
from ui.registry import pages_for

MOMENTS = [
    "2026-12-01T00:05:00+09:00",   # the 1st of a month, 5 minutes after midnight in Seoul (Nov 30 in UTC)
    "2027-01-01T00:30:00+09:00",   # New Year's Day in Seoul, still 2026 in UTC
    "2028-02-29T12:00:00+09:00",   # a leap day
    "2028-03-01T00:10:00+09:00",   # the day after a leap day, just after midnight
]
DEMO_USERS = {Role.rep: "minjun.kim", Role.manager: "seoyeon.park", Role.marketer: "jiwoo.choi",
              Role.executive: "hyunwoo.jung", Role.admin: "admin"}


@pytest.fixture(scope="module", params=MOMENTS)
def pinned_demo(request, sqlite_template, tmp_path_factory):
    """A demo database made on the pinned day, with the clock pinned while the module's tests run."""
    mp = pytest.MonkeyPatch()
    mp.setenv("ONEVOICE_NOW", request.param)
    path = tmp_path_factory.mktemp("pinned") / "demo.db"
    shutil.copyfile(sqlite_template, path)
    url = f"sqlite:///{path}"
    seed_demo(engine=get_engine(url), seed=1)
    yield request.param, url
    dispose_engines()
    mp.undo()


def test_the_clock_is_pinned_to_the_moment(pinned_demo):
    moment, _ = pinned_demo
    assert abs(utcnow() - datetime.fromisoformat(moment)) < timedelta(minutes=10)


def test_every_territory_has_an_event_running_now_and_one_coming_up(pinned_demo):
    _, url = pinned_demo
    now = utcnow()
    with Session(get_engine(url)) as s:
        for territory in s.exec(select(Territory)):
            live = select(func.count()).select_from(Event).where(
                Event.territory_id == territory.id, Event.status == EventStatus.scheduled)
            running = s.exec(live.where(Event.starts_at <= now, Event.ends_at > now)).one()
            upcoming = s.exec(live.where(Event.starts_at > now, Event.starts_at <= now + timedelta(days=30))).one()
            assert running >= 1, f"{territory.code}: nothing running at {now}"
            assert upcoming >= 1, f"{territory.code}: nothing coming up after {now}"


def test_campaigns_started_this_month_and_some_are_running(pinned_demo):
    _, url = pinned_demo
    with Session(get_engine(url)) as s:
        today = local_today(load_settings(session=s).tz)
        started = s.exec(select(func.count()).select_from(Campaign).where(
            Campaign.start_date >= today.replace(day=1), Campaign.start_date <= today)).one()
        active = s.exec(select(func.count()).select_from(Campaign).where(
            Campaign.status == CampaignStatus.active)).one()
        kpis = all_kpis(Viewer(id=0, username="t", display_name="t", role=Role.executive, territory_id=None),
                        KpiFilter(today.replace(day=1), today, utcnow()), session=s)
    assert started >= 1 and active >= 1
    assert kpis["campaigns_started"] >= 1


@pytest.mark.parametrize("role", list(DEMO_USERS))
def test_every_page_of_every_role_runs(pinned_demo, role, monkeypatch, tmp_path):
    _, url = pinned_demo
    app_env(monkeypatch, url, tmp_path)
    at = signed_in(DEMO_USERS[role])
    assert not at.exception, at.exception
    for spec in pages_for(role):
        open_page(at, spec.title)
        assert not at.exception, f"{spec.title}: {at.exception}"
        assert not at.error, f"{spec.title}: {[e.value for e in at.error]}"


def test_a_moment_without_an_offset_is_refused(monkeypatch):
    monkeypatch.setenv("ONEVOICE_NOW", "2027-01-01T00:30:00")
    with pytest.raises(ValueError, match="UTC offset"):
        utcnow()
    monkeypatch.delenv("ONEVOICE_NOW")
    assert abs(utcnow() - datetime.now(timezone.utc)) < timedelta(seconds=5)
