"""Real Chromium: the demo executive opens the dashboard, changes the period and territory,
drills into a tile, downloads the CSV, and screenshots are saved under tests/artifacts/."""
import csv
import io
import re
import time

import pytest

from services.demo_seed import DEMO_PASSWORD
from tests.browser_support import chromium_browser, sign_in, wait_ready

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(demo_server):
    return demo_server[0]


def _choose(page, label: str, option: str) -> None:
    combo = page.get_by_role("combobox", name=label, exact=True)
    combo.click()
    combo.fill(option)  # long option lists are virtualised: type to bring the option into view
    page.get_by_role("option", name=option, exact=True).first.click()
    wait_ready(page)


def _metric_value(page, label: str, *, changed_from: str | None = None, timeout_s: float = 60) -> str:
    """The tile's value; with ``changed_from``, once it shows another one. A filter's rerun can
    start after ``wait_ready``'s grace under load, and the page shows the old tiles until it ends."""
    tile = page.locator(".ov-tiles details").filter(has=page.locator(".ov-label", has_text=label)).first
    value = tile.locator(".ov-value").inner_text()
    deadline = time.monotonic() + timeout_s
    while changed_from is not None and value == changed_from and time.monotonic() < deadline:
        page.wait_for_timeout(250)
        value = tile.locator(".ov-value").inner_text()
    wait_ready(page)
    return value


def test_executive_filters_drills_down_and_downloads_csv(server, artifacts_dir, tmp_path):
    with chromium_browser() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1000}, accept_downloads=True)
        sign_in(page, server, "hyunwoo.jung", DEMO_PASSWORD)
        page.goto(server + "/executive-dashboard")
        wait_ready(page)
        page.wait_for_selector("h1:has-text('Executive dashboard')", timeout=60_000)
        page.wait_for_selector(".ov-tiles details", timeout=60_000)
        page.screenshot(path=str(artifacts_dir / "dashboard_this_month.png"), full_page=True)

        month_leads = _metric_value(page, "Leads created")
        # A tile's definition is a click (a tap on a phone) away, with the exact amount behind ₩1.4B.
        won = page.locator(".ov-tiles details[data-kpi='won_revenue']")
        assert not won.locator(".ov-def").is_visible()
        won.locator("summary").click()
        won.locator(".ov-def").wait_for(state="visible", timeout=10_000)
        assert won.locator(".ov-def").inner_text().startswith("₩")
        page.screenshot(path=str(artifacts_dir / "dashboard_tile_definition.png"))
        _choose(page, "Period", "Last 12 months")
        year_leads = _metric_value(page, "Leads created", changed_from=month_leads)
        _choose(page, "Territory", "SEL — Seoul 서울")
        sel_leads = _metric_value(page, "Leads created", changed_from=year_leads)
        assert int(sel_leads.replace(",", "")) < int(year_leads.replace(",", ""))
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
        page.screenshot(path=str(artifacts_dir / "dashboard_last_12_months_seoul.png"), full_page=True)

        _choose(page, "Records behind", "Leads created")
        page.wait_for_selector("[data-testid='stDataFrame']", timeout=60_000)
        with page.expect_download() as info:
            page.get_by_role("button", name="Download CSV").click()
        target = tmp_path / "leads.csv"
        info.value.save_as(target)
        rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8-sig"))))
        assert len(rows) == int(sel_leads.replace(",", ""))      # the rows are the tile
        # Headers in the reader's language; every row of the filtered territory, named as people read
        # it (the English half of "Seoul 서울"), campaigns by name; the record's own code stays the key.
        assert {r["Territory"] for r in rows} == {"Seoul"}
        assert not any(re.fullmatch(r"CMP-\d{5}", r["Campaign"]) for r in rows)
        assert all(re.fullmatch(r"LD-\d{7}", r["Code"]) for r in rows)
        page.get_by_role("button", name="Download CSV").scroll_into_view_if_needed()
        page.screenshot(path=str(artifacts_dir / "dashboard_drilldown_leads.png"), full_page=True)
