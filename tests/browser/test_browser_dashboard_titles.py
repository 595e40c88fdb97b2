"""Issue 17, item 4: at 1400 × 1000 no tile title (nor value) of the executive dashboard is cut
("Target attain…"), in English and in Korean. Real Chromium; screenshots go to
tests/artifacts/dashboard_titles_<lang>.png."""
from __future__ import annotations

import pytest

from i18n import _, use_language
from services.demo_seed import DEMO_PASSWORD
from tests.browser_support import chromium_browser, sign_in, wait_ready

pytestmark = pytest.mark.browser

LOCALES = {"en": "en-US", "ko": "ko-KR"}

# Every element of a tile's label and value whose text is wider than its box (an ellipsis, or
# text hidden by overflow), with what it says.
CUT_TEXT_JS = """() => {
  const cut = [];
  for (const tile of document.querySelectorAll(".ov-tiles details")) {
    for (const part of tile.querySelectorAll(".ov-label, .ov-value")) {
      for (const el of [part, ...part.querySelectorAll('*')]) {
        if (el.clientWidth > 0 && el.scrollWidth > el.clientWidth + 1) {
          cut.push({text: part.innerText.trim(), scroll: el.scrollWidth, client: el.clientWidth,
                    kind: part.className});
          break;
        }
      }
    }
  }
  return cut;
}"""

LABELS_JS = """() => [...document.querySelectorAll(".ov-tiles details .ov-label")].map(el => el.innerText.replace("ⓘ", "").trim())"""


@pytest.fixture(scope="module")
def server(demo_server):
    return demo_server[0]


@pytest.mark.parametrize("language", ["en", "ko"])
def test_no_tile_title_is_cut_at_1400_px(server, artifacts_dir, language):
    with chromium_browser() as browser:
        context = browser.new_context(locale=LOCALES[language], viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        try:
            sign_in(page, server, "hyunwoo.jung", DEMO_PASSWORD, language)
            page.goto(server + "/executive-dashboard")
            with use_language(language):
                title = _("Executive dashboard")
            page.wait_for_selector(f"h1:has-text('{title}')", timeout=60_000)
            page.wait_for_selector(".ov-tiles details", timeout=60_000)
            wait_ready(page)
            page.wait_for_timeout(1000)          # fonts and the columns' final widths
            page.screenshot(path=str(artifacts_dir / f"dashboard_titles_{language}.png"), full_page=True)
            labels = page.evaluate(LABELS_JS)
            cut = page.evaluate(CUT_TEXT_JS)
            # The longest title (in English "Marketing-sourced revenue share") on screen, for the eye.
            longest = max(labels, key=len)
            page.locator(".ov-tiles details").filter(has_text=longest).first.scroll_into_view_if_needed()
            page.wait_for_timeout(300)
            page.screenshot(path=str(artifacts_dir / f"dashboard_titles_{language}_longest.png"))
        finally:
            context.close()
    assert len(labels) >= 20, labels                     # every section's tiles were measured
    if language == "ko":
        assert any("목표" in label for label in labels), labels   # the Korean titles, not the English
    assert cut == [], cut
