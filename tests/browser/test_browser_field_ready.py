"""A rep's pages on a phone (390×844) and on a laptop (1400×1000), in real Chromium (issue 17).

On the phone the sidebar closes after each navigation, nothing that matters needs sideways
scrolling, the most important columns are the ones on screen, My day's numbers do not fill the
screen, Day and Time of a visit sit together, a lead is worked by selecting its row, and nothing
is fetched from outside the server (the page icon used to come from Google's font server).
Screenshots: tests/artifacts/phone-*.png and desktop-*.png.
"""
from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest

from services.demo_seed import DEMO_PASSWORD
from tests.browser_support import chromium_browser, screenshot, select_row, sign_in, wait_ready

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1400, "height": 1000}
REP_PAGES = ["Territory events", "Lead queue", "Field activity", "Campaign notes"]


def visible_headers(page, table: int = 0) -> list[str]:
    """Column headers the data grid has drawn, i.e. those inside the visible width."""
    return page.evaluate("""(n) => {
        const grid = document.querySelectorAll("[data-testid='stDataFrame']")[n];
        return grid ? Array.from(grid.querySelectorAll('table th')).map(th => th.innerText.trim()) : [];
    }""", table)


def sidebar_collapsed(page) -> bool:
    return page.locator("[data-testid='stSidebar']").get_attribute("data-collapsed") == "true"


def go(page, title: str, phone: bool) -> None:
    """Follow a sidebar link as a person would; on a phone the sidebar is opened first."""
    if phone:
        assert sidebar_collapsed(page), "the sidebar should be closed before opening it"
        page.locator("[data-testid='stExpandSidebarButton']").click()
        page.wait_for_timeout(500)
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text=re.compile(f"{re.escape(title)}$")).first.click()
    page.wait_for_selector(f"h1:has-text('{title}')", timeout=60_000)
    wait_ready(page)
    page.wait_for_timeout(800)


def no_sideways_scrolling(page, width: int) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, "
                           "document.querySelector(\"[data-testid='stMain']\").scrollWidth]")
    assert max(widths) <= width, widths


@pytest.fixture(scope="module", params=["phone", "desktop"])
def session(request, demo_server):
    base, _ = demo_server
    phone = request.param == "phone"
    with chromium_browser() as browser:
        context = browser.new_context(viewport=PHONE if phone else DESKTOP, is_mobile=phone, has_touch=phone)
        page = context.new_page()
        outside: list[str] = []
        page.on("request", lambda r: outside.append(r.url)
                if urlparse(r.url).hostname not in ("127.0.0.1", "localhost", None) and r.url.startswith("http")
                else None)
        sign_in(page, base, "minjun.kim", DEMO_PASSWORD)
        page.wait_for_timeout(1000)
        yield page, phone, request.param, outside
        context.close()


def test_my_day_puts_the_numbers_on_a_few_lines_and_the_event_name_first(session):
    page, phone, prefix, _ = session
    screenshot(page, f"{prefix}-01-my-day")
    metrics = page.locator("[data-testid='stMetric']")
    assert metrics.count() == 5
    boxes = [metrics.nth(i).bounding_box() for i in range(5)]
    height = max(b["y"] + b["height"] for b in boxes) - min(b["y"] for b in boxes)
    rows = len({round(b["y"]) for b in boxes})
    assert rows <= (2 if phone else 1), rows
    assert height < 250, height  # five stacked numbers took ~450 px of an 844-px phone
    if visible_headers(page):
        assert visible_headers(page)[0] == "Event"
    if phone:
        assert sidebar_collapsed(page)
        no_sideways_scrolling(page, PHONE["width"])


def test_each_rep_page_is_reached_and_the_sidebar_gets_out_of_the_way(session):
    page, phone, prefix, _ = session
    for n, title in enumerate(REP_PAGES, start=2):
        go(page, title, phone)
        screenshot(page, f"{prefix}-{n:02d}-{title.lower().replace(' ', '-')}")
        assert page.locator("[data-testid='stException']").count() == 0
        if phone:
            assert sidebar_collapsed(page), f"the sidebar stayed open over {title}"
            no_sideways_scrolling(page, PHONE["width"])
        else:
            assert not sidebar_collapsed(page)


def test_lead_queue_shows_status_and_due_and_a_row_opens_the_lead(session):
    page, phone, prefix, _ = session
    go(page, "Lead queue", phone)
    headers = visible_headers(page)
    assert headers[:2] == ["Status", "Due"], headers
    first_due = page.evaluate("() => document.querySelector(\"[data-testid='stDataFrame'] table tbody tr td:nth-child(2)\").innerText")
    assert first_due.startswith("● overdue by"), first_due
    assert page.get_by_text("Work on a lead", exact=True).count() == 0
    select_row(page, 0)
    page.wait_for_selector("[data-testid='stMain'] h3", timeout=30_000)
    assert page.locator("[data-testid='stMetric']").filter(has_text="overdue by").count() == 1
    page.locator("[data-testid='stMain'] h3").first.scroll_into_view_if_needed()
    screenshot(page, f"{prefix}-06-working-a-lead")
    if phone:
        no_sideways_scrolling(page, PHONE["width"])
        for name in ("Log contact attempt", "Move"):
            box = page.get_by_role("button", name=name, exact=True).first.bounding_box()
            assert box["height"] >= 36 and box["width"] >= 60, (name, box)


def test_field_activity_keeps_day_and_time_together(session):
    page, phone, prefix, _ = session
    go(page, "Field activity", phone)
    labels = page.locator("[data-testid='stForm'] [data-testid='stWidgetLabel']")
    placed = sorted((labels.nth(i).bounding_box()["y"], labels.nth(i).bounding_box()["x"], labels.nth(i).inner_text())
                    for i in range(labels.count()))
    order = [text for _, _, text in placed]
    assert "Day" in order and "Time" in order, order
    assert order.index("Time") == order.index("Day") + 1, order


def test_the_month_calendar_is_a_grid_on_a_laptop_and_a_list_of_event_days_on_a_phone(session):
    page, phone, prefix, _ = session
    go(page, "Territory events", phone)
    page.get_by_role("tab", name="Month calendar").click()
    calendar = page.locator(".ov-cal").first
    calendar.wait_for(state="visible")
    calendar.scroll_into_view_if_needed()
    screenshot(page, f"{prefix}-07-month-calendar")
    days = page.locator(".ov-cal .ov-day")
    shown = [days.nth(i) for i in range(days.count()) if days.nth(i).is_visible()]
    with_events = [d for d in shown if d.locator(".ov-ev").count()]
    assert with_events, "the demo has events this month"
    if phone:   # one day per line, only this month's days that have an event
        assert len(shown) == len(with_events)
        assert "ov-out" not in " ".join(d.get_attribute("class") for d in shown)
        assert len({round(d.bounding_box()["x"]) for d in shown}) == 1
        no_sideways_scrolling(page, PHONE["width"])
    else:       # seven columns, every day of the weeks shown
        assert len(shown) % 7 == 0 and len(shown) >= 28
        assert len({round(d.bounding_box()["x"]) for d in shown}) == 7


def test_nothing_is_fetched_from_outside_the_server(session):
    _, _, _, outside = session
    assert outside == []


def test_another_roles_page_by_address_says_why_it_is_not_shown(session, demo_server):
    page, _phone, prefix, _outside = session
    base, _db = demo_server
    page.goto(base + "/admin-users")
    page.wait_for_selector("h1", timeout=60_000)
    wait_ready(page)
    page.wait_for_selector("[data-testid='stAlert']:has-text('not available to your role')", timeout=30_000)
    text = page.inner_text("[data-testid='stMain']")
    assert "“Users” is not available to your role (rep)" in text
    screenshot(page, f"{prefix}-07-other-roles-page")
