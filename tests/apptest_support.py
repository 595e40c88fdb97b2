"""Driving the real app.py (or a single page) through Streamlit's AppTest.

``signed_in(url, username)`` returns an AppTest that has signed in through the form, exactly as
a person would; ``open_page(at, title)`` switches to a page registered by st.navigation (public AppTest API only).
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from streamlit.testing.v1 import AppTest

from i18n import _
from services.demo_seed import DEMO_PASSWORD
from ui.registry import CHANGE_PASSWORD, DEFAULT_URL_PATH, PAGES, SIGN_IN

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "app.py")


def app_env(monkeypatch, db_url: str, tmp_path) -> None:
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ONEVOICE_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("ONEVOICE_COOKIE_KEY", "test-cookie-key-" + "x" * 40)
    # No background sweep in page tests: nothing may change the module's demo data behind them.
    monkeypatch.setenv("ONEVOICE_SWEEP_SECONDS", "0")


def fresh_app(timeout: float = 60) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=timeout)
    at.run()
    return at


def sign_in(at: AppTest, username: str, password: str = DEMO_PASSWORD) -> AppTest:
    at.text_input(key="ov_login_username").input(username)
    at.text_input(key="ov_login_password").input(password)
    submit = next(b for b in at.button if b.label == "Sign in")
    submit.click().run()
    # In a browser the cookie component's answer reruns the app right after sign-in, with the
    # role's navigation; AppTest has no browser, so rerun as it would.
    return at.run() if at.session_state["authentication_status"] else at


def signed_in(username: str, password: str = DEMO_PASSWORD) -> AppTest:
    return sign_in(fresh_app(), username, password)


# st.navigation's links are drawn by the browser from a message, not as elements, so which pages
# a session has is asked of Streamlit's public AppTest.switch_page: it opens a page *file* that
# the navigation registered and refuses (ValueError) any other. Every page is a file (app.py).
_NAVIGATIONS = (SIGN_IN, CHANGE_PASSWORD, *PAGES)


def _can_switch(at: AppTest, spec) -> bool:
    try:
        at.switch_page(spec.script)
    except ValueError:
        return False
    return True


def registered_titles(at: AppTest) -> set[str]:
    """Titles of the pages st.navigation registered for this session in its last run. Asking
    moves the test to a page, so it leaves it on that navigation's default page (where a test
    that just signed in already is)."""
    titles = {spec.title for spec in _NAVIGATIONS if _can_switch(at, spec)}
    for default in (SIGN_IN, CHANGE_PASSWORD, next(p for p in PAGES if p.url_path == DEFAULT_URL_PATH)):
        if default.title in titles:
            at.switch_page(default.script)
            break
    return titles


def open_page(at: AppTest, title: str) -> AppTest:
    """Switch to the registered page with this title (as following its link would) and run."""
    spec = next((p for p in _NAVIGATIONS if title in (p.title, _(p.title))), None)   # English or as shown
    if spec is None or not _can_switch(at, spec):
        raise AssertionError(f"page {title!r} is not registered for this user: {sorted(registered_titles(at))}")
    return at.run()


def all_text(at: AppTest) -> str:
    """Every piece of text on the rendered page, for 'this must not appear' checks."""
    parts = []
    for kind in ("markdown", "title", "header", "subheader", "caption", "text", "error", "warning", "info",
                 "success", "metric", "dataframe", "table", "selectbox", "multiselect", "radio", "code", "json"):
        for el in getattr(at, kind, []):
            value = getattr(el, "value", None)
            if hasattr(value, "to_csv"):          # a whole table, not pandas' truncated repr
                parts.append(value.to_csv())
            elif value is not None:
                parts.append(str(value))
            for attr in ("label", "options"):
                extra = getattr(el, attr, None)
                if extra:
                    parts.append(str(extra))
    parts += [html_text(el.value) for el in at.get("html")]
    return "\n".join(parts)


def html_text(body: str) -> str:
    """What an ``st.html`` element shows: its text, without style blocks or tags, unescaped."""
    body = re.sub(r"<style\b.*?</style>", " ", body, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", body))


@dataclass(frozen=True)
class ShownTile:
    """A KPI tile of the dashboard as drawn (ui/kpi_tiles.py): what a person reads on it."""
    key: str
    label: str
    value: str
    delta: str      # "" when the tile shows no change
    tone: str       # "good", "bad", "off" ("" without a delta)
    arrow: str      # "↑", "↓" or "" (none drawn)
    help: str       # the definition a click on the tile opens


class _TileParser(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tiles: list[dict] = []
        self._part: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if tag == "details" and "data-kpi" in attrs:
            self.tiles.append({"key": attrs["data-kpi"], "label": "", "value": "", "delta": "", "tone": "", "arrow": "",
                               "help": ""})
        elif self.tiles and "ov-i" in classes:
            self._part = "icon"
        elif self.tiles:
            for part in ("label", "value", "delta", "def"):
                if f"ov-{part}" in classes:
                    self._part = "help" if part == "def" else part
                    if part == "delta":
                        self.tiles[-1]["tone"] = next(c[3:] for c in classes if c in ("ov-good", "ov-bad", "ov-off"))

    def handle_endtag(self, tag):
        if self._part == "icon":
            self._part = "label"
        elif tag in ("span", "div"):
            self._part = None

    def handle_data(self, data):
        if self._part and self._part != "icon" and self.tiles:
            self.tiles[-1][self._part] += data


def kpi_tiles(at: AppTest) -> list[ShownTile]:
    """The dashboard's KPI tiles, in the order drawn, from the one html element that holds them."""
    parser = _TileParser()
    for el in at.get("html"):
        if 'class="ov-tiles"' in el.value:
            parser.feed(el.value)
    shown = []
    for t in parser.tiles:
        delta, arrow = t["delta"].strip(), ""
        if delta[:1] in ("↑", "↓"):
            arrow, delta = delta[0], delta[1:].strip()
        shown.append(ShownTile(t["key"], t["label"].strip(), t["value"].strip(), delta, t["tone"], arrow,
                               t["help"].strip()))
    return shown
