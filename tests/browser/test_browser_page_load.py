"""A signed-in page load is one script run in a real browser (bench/page_load_runs.py counts it
for every role). A second run, which the cookie component used to start when it mounted, costs
the server a rerun per load and loses a click made meanwhile (ui/session.py)."""
import pytest

from bench.page_load_runs import OBSERVER, one_load
from services.demo_seed import DEMO_PASSWORD
from tests.browser_support import chromium_browser, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("username, path", [("minjun.kim", "leads"), ("hyunwoo.jung", "executive-dashboard")])
def test_a_signed_in_page_load_is_one_run(demo_server, username, path):
    base = demo_server[0]
    with chromium_browser() as browser:
        context = browser.new_context(viewport={"width": 1400, "height": 900})
        sign_in(context.new_page(), base, username, DEMO_PASSWORD)
        context.add_init_script(OBSERVER)
        loads = [one_load(context, f"{base}/{path}", quiet_s=2.5, timeout_s=90)[0] for _ in range(3)]
        assert loads == [1, 1, 1], f"script runs per load of /{path}: {loads}"
