"""The demo rep's morning in real Chromium: only their territory's events, a note read (and a
hostile note that does not execute), an overdue lead worked to converted, a visit logged, and an
.ics download that parses and passes the byte checks. Screenshots go to tests/artifacts/."""
from __future__ import annotations

import re

import icalendar
import pytest
from sqlmodel import func, select

from models.db import get_engine, read_session, write_session
from models.enums import LeadStatus
from models.tables import Activity, Event, Lead, NoteRead, Opportunity, Territory
from models.types import utcnow
from queries import lead_queue
from queries.scope import load_viewer
from services.demo_seed import DEMO_PASSWORD
from services.notes import publish_note
from tests.browser_support import (
    choose, chromium_browser, click_button, open_page, screenshot, seeded_demo_sqlite, select_row, sign_in,
    streamlit_server, wait_ready,
)
from tests.services.test_field_ics import assert_rfc5545_bytes

pytestmark = pytest.mark.browser

HOSTILE_TITLE = "Security check — hostile markup"
HOSTILE_NOTE = (
    "## Talking points\n"
    "<script>window.__xss = 1; document.title = 'XSS-SCRIPT';</script>\n\n"
    "<img src=x onerror=\"window.__xss = 2; document.title = 'XSS-IMG'\">\n\n"
    "[innocent link](javascript:window.__xss=3)\n\n"
    "- Only **safe** Markdown survives.\n"
)


@pytest.fixture(scope="module")
def demo(tmp_path_factory, sqlite_template):
    """A seeded demo database with a hostile note published through the notes service to a
    campaign that runs an event in Seoul, and a Streamlit server on it."""
    directory = tmp_path_factory.mktemp("browser-rep")
    url = seeded_demo_sqlite(sqlite_template, directory)
    engine = get_engine(url)
    with write_session(engine) as s:
        marketer = load_viewer("jiwoo.choi", session=s)
        seoul = s.exec(select(Territory).where(Territory.code == "SEL")).one()
        campaign_id = s.exec(select(Event.campaign_id).where(Event.territory_id == seoul.id,
                                                             Event.starts_at > utcnow())
                             .order_by(Event.starts_at)).first()
        publish_note(marketer, campaign_id, HOSTILE_TITLE, HOSTILE_NOTE, session=s)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    with streamlit_server(url, directory / "data") as base:
        yield base, engine


@pytest.fixture(scope="module")
def page(demo):
    base, _ = demo
    with chromium_browser() as browser:
        context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
        tab = context.new_page()
        sign_in(tab, base, "minjun.kim", DEMO_PASSWORD)
        screenshot(tab, "rep-01-my-day")
        yield tab
        context.close()


def _rep(engine, username="minjun.kim"):
    with read_session(engine) as s:
        return load_viewer(username, session=s)


def _other_territory_names(engine) -> list[str]:
    with read_session(engine) as s:
        return [n.split(" ")[0] for n in s.exec(select(Territory.name).where(Territory.code != "SEL")).all()]


def test_1_rep_sees_only_their_territory_events_and_downloads_the_ics(demo, page, tmp_path):
    _, engine = demo
    open_page(page, "Territory events")
    text = page.inner_text("[data-testid='stMain']")
    assert "Marketing in Seoul 서울" in text
    assert "— Seoul" in text
    for other in _other_territory_names(engine):  # demo event titles end with "— <territory>"
        assert f"— {other}" not in text, other
    screenshot(page, "rep-02-territory-events")
    page.get_by_role("tab", name="Month calendar").click()
    page.wait_for_timeout(300)
    screenshot(page, "rep-03-month-calendar")
    page.get_by_role("tab", name="List").click()

    add = page.get_by_role("button", name=re.compile("Add to my calendar")).first
    add.wait_for(state="visible")   # the List tab's button, not one in the tab just left
    # The file is built on the click, on the server, without a rerun of the page (a rerun racing
    # the deferred build lost the download twice in loaded CI runs before on_click="ignore").
    with page.expect_download(timeout=60_000) as download_info:
        add.click()
    download = download_info.value
    assert download.suggested_filename.endswith(".ics")
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    data = path.read_bytes()
    lines = assert_rfc5545_bytes(data)
    assert lines[0] == b"BEGIN:VCALENDAR" and b"VERSION:2.0" in lines
    assert any(line.startswith(b"PRODID:") for line in lines)
    events = icalendar.Calendar.from_ical(data).walk("VEVENT")
    with read_session(engine) as s:
        seoul_codes = set(s.exec(select(Event.code).join(Territory, Territory.id == Event.territory_id)
                                 .where(Territory.code == "SEL")).all())
    uids = {str(e["UID"]).split("@")[0] for e in events}
    assert uids and uids <= seoul_codes
    for event in events:
        start = event.decoded("DTSTART")
        assert start.utcoffset().total_seconds() == 0
        assert re.search(rb"DTSTART:\d{8}T\d{6}Z", data)
    assert any("," in str(e.get("DESCRIPTION", "")) or "\n" in str(e.get("DESCRIPTION", "")) for e in events)


def test_2_rep_reads_a_note_and_hostile_markup_does_not_execute(demo, page):
    _, engine = demo
    open_page(page, "Campaign notes")
    page.wait_for_timeout(500)
    assert page.evaluate("() => window.__xss") is None
    assert "XSS" not in page.title()
    main = page.inner_text("[data-testid='stMain']")
    assert HOSTILE_TITLE in main
    assert "<script>" in main  # shown as text, not run
    assert page.locator("[data-testid='stMain'] script").count() == 0
    assert page.locator("[data-testid='stMain'] img[src='x']").count() == 0
    assert page.locator("[data-testid='stMain'] a[href^='javascript']").count() == 0
    screenshot(page, "rep-04-campaign-notes")
    rep = _rep(engine)
    with read_session(engine) as s:
        before = s.exec(select(func.count()).select_from(NoteRead).where(NoteRead.user_id == rep.id)).one()
    page.get_by_role("button", name="I've read this").first.click()
    wait_ready(page)
    page.wait_for_selector("text=as read", timeout=30_000)
    with read_session(engine) as s:
        after = s.exec(select(func.count()).select_from(NoteRead).where(NoteRead.user_id == rep.id)).one()
    assert after == before + 1
    assert page.evaluate("() => window.__xss") is None and "XSS" not in page.title()


def test_3_rep_works_an_overdue_lead_to_converted(demo, page):
    _, engine = demo
    rep = _rep(engine)
    with read_session(engine) as s:
        queue = lead_queue.lead_queue(rep, session=s)
    now = utcnow()
    lead = next(r for r in queue.rows if r.is_overdue(now) and r.status == LeadStatus.new)
    open_page(page, "Lead queue")
    assert re.search(r"[1-9]\d* overdue and untouched", page.inner_text("[data-testid='stMain']"))
    select_row(page, [r.code for r in queue.rows].index(lead.code))  # its row in the queue table
    page.wait_for_selector(f"h3:has-text('{lead.code}')", timeout=30_000)
    assert "overdue by" in page.inner_text("[data-testid='stMain']")  # the lead's "Response" metric
    page.get_by_label("Notes").fill("Called after the seminar; wants a demo")
    click_button(page, "Log contact attempt")
    for target in ("working", "qualified"):
        choose(page, "New status", target)
        click_button(page, "Move")
        page.wait_for_selector(f"[data-testid='stAlert']:has-text('{lead.code} is now {target}.')", timeout=30_000)
        wait_ready(page)
    screenshot(page, "rep-05-lead-qualified")
    page.get_by_label("Deal name").fill("Browser demo deal — MES")
    page.get_by_label("Amount").fill("45000000")
    click_button(page, "Convert")
    page.wait_for_selector("[data-testid='stAlert']:has-text('converted')", timeout=30_000)
    wait_ready(page)
    screenshot(page, "rep-06-lead-converted")
    with read_session(engine) as s:
        saved = s.get(Lead, lead.id)
        opp = s.get(Opportunity, saved.opportunity_id) if saved.opportunity_id else None
    assert saved.status == LeadStatus.converted and saved.first_touch_at is not None
    assert opp is not None and opp.name == "Browser demo deal — MES" and opp.lead_id == lead.id
    assert opp.source_campaign_id == saved.campaign_id and opp.owner_id == rep.id


def test_4_rep_logs_a_visit(demo, page):
    _, engine = demo
    rep = _rep(engine)
    open_page(page, "Field activity")
    with read_session(engine) as s:
        before = s.exec(select(func.count()).select_from(Activity).where(Activity.user_id == rep.id,
                                                                           Activity.kind == "visit")).one()
    choose(page, "Account", re.compile(r"\w"))
    page.get_by_label("Notes").fill("현장 방문 — factory floor walkthrough")
    click_button(page, "Log activity")
    page.wait_for_selector("[data-testid='stAlert']:has-text('Visit logged.')", timeout=30_000)
    wait_ready(page)
    with read_session(engine) as s:
        after = s.exec(select(func.count()).select_from(Activity).where(Activity.user_id == rep.id,
                                                                          Activity.kind == "visit")).one()
        notes = s.exec(select(Activity.notes).where(Activity.user_id == rep.id)
                       .order_by(Activity.id.desc())).first()
    assert after == before + 1
    assert notes == "현장 방문 — factory floor walkthrough"  # Korean text survives the browser round trip
    screenshot(page, "rep-07-field-activity")


def test_5_accounts_and_feedback_pages_render(demo, page):
    open_page(page, "My accounts")
    choose(page, "Open an account", re.compile(r"\w"))
    page.wait_for_selector("text=Campaigns that touched it", timeout=30_000)
    screenshot(page, "rep-08-my-accounts")
    open_page(page, "Feedback to marketing")
    assert "Sent, with marketing's answers" in page.inner_text("[data-testid='stMain']")
    screenshot(page, "rep-09-feedback")
    assert page.locator("[data-testid='stException']").count() == 0
