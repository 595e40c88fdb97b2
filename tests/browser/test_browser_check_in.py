"""Check-in at the door on a phone (390×844) in real Chromium: the event is picked, the guest found
by search and ticked in; they become a lead, and the rep who owns their account sees it in the
lead queue. Screenshots go to tests/artifacts/."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlmodel import select

from models.db import dispose_engines, get_engine, read_session
from models.enums import RegistrationStatus
from models.tables import Lead, Registration
from services.demo_seed import DEMO_PASSWORD
from tests.browser_support import (
    choose, chromium_browser, screenshot, seeded_demo_sqlite, select_row, sign_in, streamlit_server, wait_main_text,
    wait_ready,
)
from tests.registration_world import GUEST_EMAIL, GUEST_NAME, add_door_event

pytestmark = pytest.mark.browser
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True, "device_scale_factor": 2}


def test_check_in_on_a_phone_and_the_lead_reaches_the_reps_queue(sqlite_template, tmp_path):
    db_url = seeded_demo_sqlite(sqlite_template, tmp_path)
    engine = get_engine(db_url)
    w = add_door_event(engine)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    dispose_engines()
    with streamlit_server(db_url, tmp_path / "data") as base, chromium_browser() as browser:
        phone = browser.new_context(**PHONE)
        page = phone.new_page()
        sign_in(page, base, "jiwoo.choi", DEMO_PASSWORD)
        page.goto(base + "/event-check-in")
        page.wait_for_selector("h1:has-text('Event check-in')", timeout=60_000)
        wait_ready(page)
        # The demo's events around today come first; the door's is found by typing its name.
        choose(page, "Event", "Door check-in seminar")
        assert "0 of 3 checked in" in wait_main_text(page, "0 of 3 checked in")
        box = page.get_by_role("textbox", name="Search name, company or e-mail", exact=True)
        box.fill("door.guest")
        box.press("Enter")
        # The search's rerun narrows the list: wait until the other registrant has gone.
        expect(page.locator("[data-testid='stMain']")).not_to_contain_text("Second Person", timeout=60_000)
        main = wait_main_text(page, GUEST_NAME)
        assert GUEST_NAME in main and "Second Person" not in main
        button = page.get_by_role("button", name="Check in", exact=True)
        box_size = button.bounding_box()
        assert box_size["width"] > 300 and box_size["height"] >= 36   # a thumb-sized, full-width button
        # Nothing on the page is wider than the phone (no sideways scrolling at the door).
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
        screenshot(page, "check-in-01-phone-before")
        button.click()
        page.wait_for_selector("text=1 of 3 checked in", timeout=60_000)
        wait_ready(page)
        screenshot(page, "check-in-02-phone-after")
        phone.close()

        with read_session(engine) as s:
            registration = s.exec(select(Registration).where(Registration.email == GUEST_EMAIL)).one()
            lead = s.get(Lead, registration.lead_id)
        assert registration.status == RegistrationStatus.attended
        assert lead.assigned_to_id == w.rep_id and lead.event_id == w.door_id

        rep = browser.new_context(viewport={"width": 1280, "height": 900})
        tab = rep.new_page()
        sign_in(tab, base, "minjun.kim", DEMO_PASSWORD)
        tab.goto(base + "/leads")
        tab.wait_for_selector("h1:has-text('Lead queue')", timeout=60_000)
        wait_ready(tab)
        search = tab.get_by_role("textbox", name="Search code, company, contact or e-mail", exact=True)
        search.fill(GUEST_EMAIL)
        search.press("Enter")
        assert "leads 1–1 of 1" in wait_main_text(tab, "leads 1–1 of 1")
        select_row(tab, 0)   # a lead is worked by selecting its row in the queue
        tab.wait_for_selector(f"h3:has-text('{lead.code}')", timeout=30_000)
        assert lead.company in tab.inner_text("h3:has-text('" + lead.code + "')")
        screenshot(tab, "check-in-03-rep-queue")
        rep.close()
