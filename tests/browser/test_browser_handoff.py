"""The handoff as a process in real Chromium: a rep opens a new lead from the notification in
their inbox and rejects it with a reason; marketing re-routes it from the rejected queue; the
portal's own background sweep tells a manager of an overdue lead, and the manager sees it in the
inbox. Screenshots go to tests/artifacts/."""
from __future__ import annotations

import os
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from models.db import get_engine, read_session, write_session
from models.enums import LeadStatus
from models.tables import Campaign, Lead, LeadRejection, Notification, Territory, User
from models.types import utcnow
from queries.scope import load_viewer
from services.demo_seed import DEMO_PASSWORD
from services.routing import route_lead
from tests.browser_support import (
    choose, chromium_browser, click_button, open_page, screenshot, seeded_demo_sqlite, sign_in, streamlit_server,
    wait_ready,
)

pytestmark = pytest.mark.browser

REJECT_ME = "HX-REJECT-1"
OVERDUE = "HX-OVERDUE-1"


def _new_lead(s, code: str, *, created) -> Lead:
    seoul = s.exec(select(Territory).where(Territory.code == "SEL")).one()
    campaign = s.exec(select(Campaign).order_by(Campaign.start_date.desc())).first()
    lead = Lead(code=code, campaign_id=campaign.id, company=f"{code} Corp", territory_id=seoul.id, created_at=created)
    s.add(lead)
    s.flush()
    return lead


@pytest.fixture(scope="module")
def demo(tmp_path_factory, sqlite_template):
    """The demo, plus one lead routed to minjun.kim through the routing service (so he is told)
    and one handed to him 30 hours ago that nobody touched; a portal whose background sweep runs
    every 2 seconds."""
    directory = tmp_path_factory.mktemp("browser-handoff")
    url = seeded_demo_sqlite(sqlite_template, directory)
    engine = get_engine(url)
    now = utcnow()
    with write_session(engine) as s:
        marketer = load_viewer("jiwoo.choi", session=s)
        rep = s.exec(select(User).where(User.username == "minjun.kim")).one()
        lead = _new_lead(s, REJECT_ME, created=now - timedelta(minutes=10))
        route_lead(marketer, lead.id, territory_id=lead.territory_id, rep_id=rep.id, session=s)
        overdue = _new_lead(s, OVERDUE, created=now - timedelta(hours=31))
        overdue.assigned_to_id, overdue.assigned_at = rep.id, now - timedelta(hours=30)
        overdue.due_at = overdue.assigned_at + timedelta(hours=24)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    previous = os.environ.get("ONEVOICE_SWEEP_SECONDS")
    os.environ["ONEVOICE_SWEEP_SECONDS"] = "2"
    os.environ.pop("ONEVOICE_SMTP_URL", None)
    try:
        with streamlit_server(url, directory / "data") as base:
            yield base, engine
    finally:
        if previous is None:
            os.environ.pop("ONEVOICE_SWEEP_SECONDS", None)
        else:
            os.environ["ONEVOICE_SWEEP_SECONDS"] = previous


@pytest.fixture(scope="module")
def browser():
    with chromium_browser() as b:
        yield b


def _lead(engine, code):
    with read_session(engine) as s:
        return s.exec(select(Lead).where(Lead.code == code)).one()


def test_a_rep_opens_the_lead_from_the_inbox_and_rejects_it(demo, browser):
    base, engine = demo
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    sign_in(page, base, "minjun.kim", DEMO_PASSWORD)
    open_page(page, "Inbox")
    page.get_by_text(f"Lead {REJECT_ME} ({REJECT_ME} Corp) was handed to you").first.wait_for(timeout=60_000)
    with read_session(engine) as s:
        told = s.exec(select(Notification).where(Notification.entity_key == REJECT_ME,
                                                 Notification.kind == "lead_assigned")).one()
    link = page.locator(f".st-key-ib_open_{told.id} a").first      # the notification's "Open" link
    assert link.get_attribute("href").endswith(f"/leads?lead={REJECT_ME}")
    with context.expect_page() as opened:
        link.click()
    lead_page = opened.value
    lead_page.wait_for_selector(f"h3:has-text('{REJECT_ME}')", timeout=60_000)   # the work panel is open
    wait_ready(lead_page)
    screenshot(lead_page, "handoff-rep-opened-from-inbox")
    choose(lead_page, "Reason for rejecting", "Not my territory")
    lead_page.get_by_label("Note for marketing (required for “other”)").fill("Busan office customer")
    click_button(lead_page, "Reject lead")
    lead_page.wait_for_selector(f"text=Lead {REJECT_ME} rejected and returned to marketing.", timeout=60_000)
    screenshot(lead_page, "handoff-rep-rejected")
    lead = _lead(engine, REJECT_ME)
    assert (lead.status, lead.assigned_to_id) == (LeadStatus.rejected, None)
    with read_session(engine) as s:
        rejection = s.exec(select(LeadRejection).where(LeadRejection.lead_id == lead.id)).one()
    assert (rejection.reason, rejection.note) == ("not_my_territory", "Busan office customer")
    context.close()


def test_marketing_reroutes_the_rejected_lead(demo, browser):
    base, engine = demo
    if _lead(engine, REJECT_ME).status is not LeadStatus.rejected:
        pytest.fail("the rep's rejection (previous test) did not happen")
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    sign_in(page, base, "jiwoo.choi", DEMO_PASSWORD)
    # the campaign owner's "lead rejected" notification links here
    page.goto(f"{base}/lead-routing?lead={REJECT_ME}")
    page.wait_for_selector("text=Rejected by sales", timeout=60_000)
    wait_ready(page)
    page.wait_for_timeout(1000)
    screenshot(page, "handoff-marketing-rejected-queue")
    choose(page, "Territory", "Busan")
    click_button(page, "Re-route lead")
    page.wait_for_selector(f"text=Lead {REJECT_ME} re-routed", timeout=60_000)
    screenshot(page, "handoff-marketing-rerouted")
    lead = _lead(engine, REJECT_ME)
    with read_session(engine) as s:
        busan = s.exec(select(Territory).where(Territory.code == "BSN")).one()
        rep = s.get(User, lead.assigned_to_id)
        kept = s.exec(select(LeadRejection).where(LeadRejection.lead_id == lead.id)).all()
    assert (lead.status, lead.territory_id, rep.territory_id) == (LeadStatus.new, busan.id, busan.id)
    assert lead.due_at == lead.assigned_at + timedelta(hours=24) and len(kept) == 1
    context.close()


def test_the_background_sweep_tells_the_manager_of_an_overdue_lead(demo, browser):
    base, engine = demo
    with read_session(engine) as s:
        manager = s.exec(select(User).where(User.username == "seoyeon.park")).one()
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    sign_in(page, base, "seoyeon.park", DEMO_PASSWORD)    # the first run starts the portal's sweep
    deadline = utcnow() + timedelta(seconds=90)
    while True:
        with read_session(engine) as s:
            told = s.exec(select(Notification).where(Notification.user_id == manager.id,
                                                     Notification.kind == "lead_overdue",
                                                     Notification.entity_key == OVERDUE)).all()
        if told or utcnow() > deadline:
            break
        page.wait_for_timeout(1000)
    assert len(told) == 1, "the background sweep did not tell the manager"
    open_page(page, "Inbox")
    page.wait_for_selector(f"text=Lead {OVERDUE} ({OVERDUE} Corp) is overdue: nobody has touched it", timeout=60_000)
    assert page.locator("[data-testid='stSidebar']").get_by_text(re.compile(r"Inbox: \d+ unread")).count() >= 1
    screenshot(page, "handoff-manager-told-overdue")
    page.context.close()
