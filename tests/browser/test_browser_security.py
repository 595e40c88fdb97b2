"""Security in real Chromium: direct URLs without a session, another role's URL, a copied
cookie replayed after sign-out, a cookie forged with the library's default key, a disabled
user's open tab."""
import time

import jwt
import pytest

from models.db import get_engine, write_session
from services import users
from services.demo_seed import DEMO_PASSWORD
from tests.browser_support import chromium_browser, sign_in, wait_for_cookie, wait_ready
from ui.registry import PAGES

pytestmark = pytest.mark.browser
LOGIN = "input[aria-label='Username']"


@pytest.fixture(scope="module")
def server(demo_server):
    return demo_server


def _shows_only_sign_in(page) -> None:
    page.wait_for_selector(LOGIN, timeout=60_000)
    wait_ready(page)
    assert page.locator("[data-testid='stMetric']").count() == 0
    assert page.locator(".ov-tiles").count() == 0            # the dashboard's KPI tiles
    assert page.locator("[data-testid='stDataFrame']").count() == 0
    assert page.locator("[data-testid='stSidebarNav']").count() == 0


def test_unsigned_visitor_sees_only_the_sign_in_form_at_every_page_url(server, artifacts_dir):
    base, _ = server
    with chromium_browser() as browser:
        page = browser.new_page()
        for spec in PAGES:
            page.goto(f"{base}/{spec.url_path}")
            _shows_only_sign_in(page)
            assert spec.title not in page.locator("h1").all_inner_texts()
        page.screenshot(path=str(artifacts_dir / "security_unsigned_direct_url.png"), full_page=True)


def test_rep_pasting_an_executive_url_sees_nothing_of_it(server, artifacts_dir):
    base, _ = server
    with chromium_browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        sign_in(page, base, "minjun.kim", DEMO_PASSWORD)
        for path in ("executive-dashboard", "admin-users", "admin-audit-log", "black-hole", "import-leads"):
            page.goto(f"{base}/{path}")
            wait_ready(page)
            page.wait_for_selector("h1", timeout=60_000)
            heads = " ".join(page.locator("h1").all_inner_texts())
            assert "Executive dashboard" not in heads and "Users" not in heads and "Audit log" not in heads
            assert "Black hole" not in heads and "Import leads" not in heads
            assert page.get_by_text("Won revenue").count() == 0
        page.screenshot(path=str(artifacts_dir / "security_rep_pastes_executive_url.png"), full_page=True)


def test_copied_cookie_replayed_after_sign_out_is_refused(server):
    base, _ = server
    with chromium_browser() as browser:
        ctx = browser.new_context()
        page = ctx.new_page()
        sign_in(page, base, "jiho.lee", DEMO_PASSWORD)
        stolen = wait_for_cookie(page)
        # The copied cookie works while the session is alive...
        thief = browser.new_context()
        thief.add_cookies([{k: stolen[k] for k in ("name", "value", "domain", "path")}])
        tab = thief.new_page()
        tab.goto(f"{base}/my-day")
        tab.wait_for_selector("h1:has-text('My day')", timeout=60_000)
        thief.close()
        # ...and not after the owner signs out, in any process (the epoch is in the database).
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_selector(LOGIN, timeout=60_000)
        replay = browser.new_context()
        replay.add_cookies([{k: stolen[k] for k in ("name", "value", "domain", "path")}])
        tab = replay.new_page()
        tab.goto(f"{base}/my-day")
        _shows_only_sign_in(tab)


def test_cookie_forged_with_the_library_default_key_is_refused(server):
    base, _ = server
    forged = jwt.encode({"username": "admin", "exp_date": time.time() + 86400}, "some_key", algorithm="HS256")
    with chromium_browser() as browser:
        ctx = browser.new_context()
        ctx.add_cookies([{"name": "onevoice_session", "value": forged, "url": base}])
        page = ctx.new_page()
        page.goto(f"{base}/admin-users")
        _shows_only_sign_in(page)


def test_a_disabled_users_open_tab_stops_at_its_next_interaction(server):
    base, db_url = server
    with chromium_browser() as browser:
        page = browser.new_page()
        sign_in(page, base, "seoyeon.park", DEMO_PASSWORD)
        with write_session(get_engine(db_url)) as session:
            users.set_active(session=session, actor="test", username="seoyeon.park", active=False)
        try:
            page.get_by_role("link", name="My account", exact=True).click()
            _shows_only_sign_in(page)
        finally:
            with write_session(get_engine(db_url)) as session:
                users.set_active(session=session, actor="test", username="seoyeon.park", active=True)
