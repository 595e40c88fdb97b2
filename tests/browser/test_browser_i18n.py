"""Every role's pages in real Chromium, in Korean (a ko-KR browser) and in English (en-US): the
sign-in page follows the browser, and no page shows an untranslated string.

In Korean, a Latin-letter word on the screen must come from the data (names, companies, codes,
e-mails, campaign titles…, read from the database) or be a word Korean business text writes in
Latin letters (KPI, CSV, ROI…); any other is English that escaped translation. In both languages
no spec code (``win_story``, ``closed_on``) and no "1 leads" may appear. Screenshots of every
page in both languages go to tests/artifacts/i18n_<lang>_<role>_<page>.png.
"""
from __future__ import annotations

import re

import pytest
from sqlalchemy import String, Text, inspect, select

from i18n import _, use_language
from models.db import get_engine
from models.enums import Role
from services.demo_seed import DEMO_PASSWORD
from tests.browser_support import chromium_browser, screenshot, sign_in, wait_ready
from ui.registry import DEFAULT_URL_PATH, pages_for

pytestmark = pytest.mark.browser

USERS = {Role.rep: "minjun.kim", Role.manager: "seoyeon.park", Role.marketer: "jiwoo.choi",
         Role.executive: "hyunwoo.jung", Role.admin: "admin"}
LOCALES = {"ko": "ko-KR", "en": "en-US"}
# Written in Latin letters in Korean business text too (or our product's name / file formats).
LATIN_OK = {"onevoice", "kpi", "kpis", "roi", "csv", "xlsx", "zip", "ics", "utf", "cp", "iana", "iso", "id",
            "html", "markdown", "url", "sla", "pipa", "krw", "asia", "seoul", "ok", "docs", "bundle", "md",
            "mb", "pp", "ltv", "yyyy", "mm", "dd", "pdf", "xls", "ai", "crm", "email", "e", "mail", "excel",
            "english", "google", "outlook", "apple", "v", "vs", "b", "m", "k", "t", "h", "d", "s", "a", "x", "i", "pm", "am", "json"}
SPEC_CODES = re.compile(r"\b(?:win_story|trade_show|no_need|closed_on|target_segment|mid_market|competitor_chosen|"
                        r"not_decision_maker|no_budget|sla_hours|time_zone)\b")
BAD_PLURAL = re.compile(r"\b1 (?:leads|deals|events|rows|users|campaigns|entries|items|problems|open deals|open leads)\b")
WORD = re.compile(r"[A-Za-z]+")
LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z0-9 ,.'’()/&-]*[A-Za-z0-9.)]|[A-Za-z]")
AUDIT_CODE = re.compile(r"^[a-z]+(?:_[a-z]+)*$")
FREE_TEXT = {"body_md", "body", "answer", "notes", "detail", "objective", "description", "disqualify_reason",
             "password_hash", "text", "reason"}
# Pages known not yet to pass in Korean, with the reason; the test fails once one passes, so the
# list only shrinks. (The dashboard's KPI titles and definitions move into the KPI registry, where
# they are translated once.)
NOT_YET_KOREAN: set[str] = set()
# Streamlit's own widget chrome, which the app cannot translate (st.file_uploader's drop zone).
AUDIT_PAGES = {"admin-audit-log", "my-day"}  # the admin's My day lists the latest audit entries
STREAMLIT_CHROME = re.compile(r"^(?:Upload|Browse files|Drag and drop files? here|(?:Limit )?\d+MB per file.*)$")


@pytest.fixture(scope="module")
def server(demo_server):
    return demo_server


@pytest.fixture(scope="module")
def data_words(server) -> tuple[set[str], str]:
    """The Latin words of the demo's identifying columns (names, codes, titles, companies, e-mails,
    venues), in lower case; and all free text (note bodies, feedback, reasons…) as one blob, so a
    line quoted verbatim from the data passes while an English word elsewhere does not."""
    _base, url = server
    engine = get_engine(url)
    words: set[str] = set()
    free: list[str] = []
    from models import tables  # noqa: F401 - registers every table on the metadata
    from sqlmodel import SQLModel

    with engine.connect() as conn:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if isinstance(c.type, (String, Text))]
            if not columns:
                continue
            for row in conn.execute(select(*columns)):
                for column, value in zip(columns, row):
                    if not value:
                        continue
                    if column.name in FREE_TEXT or isinstance(column.type, Text) or (column.type.length or 0) > 300:
                        free.append(str(value))
                    else:
                        words.update(w.lower() for w in WORD.findall(str(value)))
    assert inspect(engine).has_table("lead")
    return words, "\n".join(free)


VISIBLE_TEXT_JS = """() => {
  const out = [];
  const root = document.querySelector("[data-testid='stApp']");
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const node = walker.currentNode, el = node.parentElement, text = node.textContent.trim();
    if (!text || !el) continue;
    if (el.closest("[data-testid='stIconMaterial'], script, style, noscript")) continue;
    if (/Material/i.test(getComputedStyle(el).fontFamily)) continue;   // icon ligatures
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;                    // visually hidden
    out.push(text);
  }
  return out.join("\\n");
}"""


def _visible_text(page) -> str:
    """What a person can read: visible text nodes (not icon ligatures), plus the cells of the
    canvas-drawn tables from their accessible grid."""
    text = page.evaluate(VISIBLE_TEXT_JS)
    cells = page.locator("[data-testid='stDataFrame'] [role='gridcell'], "
                         "[data-testid='stDataFrame'] [role='columnheader']").all_inner_texts()
    return text + "\n" + "\n".join(cells)


def _untranslated(text: str, language: str, data: tuple[set[str], str], *, audit: bool = False) -> list[str]:
    data_words, free_text = data
    problems = [f"spec code {m!r}" for m in SPEC_CODES.findall(text)]
    problems += [f"wrong plural {m!r}" for m in BAD_PLURAL.findall(text)]
    if language == "ko":
        for line in text.splitlines():
            if STREAMLIT_CHROME.match(line.strip()):
                continue
            words = {w for w in WORD.findall(line) if w.lower() not in LATIN_OK and w.lower() not in data_words}
            latin = LATIN_RUN.search(line)
            if words and latin and re.search(rf"(?<![A-Za-z]){re.escape(latin.group(0))}(?![A-Za-z])", free_text):
                continue  # quoted from the data's free text (a note, a reason typed in English)
            if words and audit and AUDIT_CODE.match(line.strip()):
                continue  # the audit log shows its action and entity codes as recorded
            if words:
                problems.append(f"{sorted(words)} in {line.strip()[:120]!r}")
    return problems


def _walk_role(browser, base: str, role: Role, language: str, data_words: tuple[set[str], str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    context = browser.new_context(locale=LOCALES[language], viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    try:
        if role is Role.rep:
            # The sign-in page follows the browser before anyone has chosen a language.
            page.goto(base + "/")
            with use_language(language):
                page.wait_for_selector(f"button:has-text('{_('Sign in')}')", timeout=60_000)
            wait_ready(page)
            screenshot(page, f"i18n_{language}_sign_in")
            found["sign-in"] = _untranslated(_visible_text(page), language, data_words)
        sign_in(page, base, USERS[role], DEMO_PASSWORD, language)
        for spec in pages_for(role):
            with use_language(language):
                title = _(spec.title)
            link = page.locator("[data-testid='stSidebarNav'] a").filter(has_text=re.compile(f"{re.escape(title)}$"))
            link.first.click()
            # (the default page's address is the bare base URL)
            page.wait_for_url(re.compile(f"/(?:{re.escape(spec.url_path)})?$" if spec.url_path == DEFAULT_URL_PATH
                                         else f"/{re.escape(spec.url_path)}$"), timeout=60_000)
            page.wait_for_selector("h1", timeout=60_000)
            wait_ready(page)
            page.wait_for_timeout(500)
            screenshot(page, f"i18n_{language}_{role.value}_{spec.url_path}")
            found[f"{role.value} {spec.url_path}"] = _untranslated(
                _visible_text(page), language, data_words, audit=role is Role.admin and spec.url_path in AUDIT_PAGES)
    finally:
        context.close()
    return found


@pytest.mark.parametrize("language", ["ko", "en"])
def test_every_page_of_every_role_is_in_the_browser_language(server, data_words, language):
    base, _url = server
    found: dict[str, list[str]] = {}
    with chromium_browser() as browser:
        for role in USERS:
            found.update(_walk_role(browser, base, role, language, data_words))
    if True:  # the dashboard's KPI definitions (English spec words too) are rewritten in the KPI registry
        now_clean = sorted(k for k in NOT_YET_KOREAN if not found.get(k))
        assert not now_clean, f"now translated, remove from NOT_YET_KOREAN: {now_clean}"
        found = {k: v for k, v in found.items() if k not in NOT_YET_KOREAN}
    found = {k: v for k, v in found.items() if v}
    assert not found, "untranslated on screen:\n" + "\n".join(
        f"{page_}: {p}" for page_, ps in found.items() for p in ps[:40])
