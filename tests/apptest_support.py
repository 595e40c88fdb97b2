"""Driving the real app.py (or a single page) through Streamlit's AppTest.

``signed_in(url, username)`` returns an AppTest that has signed in through the form, exactly as
a person would; ``open_page(at, url_path)`` switches to a page registered by st.navigation.
"""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from services.demo_seed import DEMO_PASSWORD

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


# The navigation is the one thing of the page AppTest (Streamlit 1.67) has no public API for:
# st.navigation's links are drawn by the browser from a message, not as elements, and
# AppTest.switch_page takes a page *file*, while this app's pages are functions. So the two
# helpers below are the only place in the tests that reads AppTest's private navigation state
# (_registered_pages, _page_hash); tests use the helpers, never the attributes.
def registered_titles(at: AppTest) -> set[str]:
    """Titles of the pages st.navigation registered for this session (the default page's
    url_pathname is empty, so titles are the stable handle)."""
    return {info.get("page_name") for info in at._registered_pages.values()}


def open_page(at: AppTest, title: str) -> AppTest:
    """Switch to the registered page with this title (as following its link would) and run."""
    for page_hash, info in at._registered_pages.items():
        if info.get("page_name") == title:
            at._page_hash = page_hash
            return at.run()
    raise AssertionError(f"page {title!r} is not registered for this user: {sorted(registered_titles(at))}")


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
    return "\n".join(parts)
