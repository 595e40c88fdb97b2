"""A full rerun of each role's main page through Streamlit's AppTest (app.py, signed in through
the form as a real user of the generated data): cold = the pages' caches cleared before the
rerun (the read cache, ``ui.reads``, and the dashboard's figures: a first visit), warm = the same rerun again
with its caches filled. For the executive dashboard also a filter change: the territory filter
set to one of the biggest territories, a new one each sample (its numbers cold, the rest of the
page as a person who just opened it has it), then the same filter again (warm)."""
from __future__ import annotations

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

from bench.scale_data import BENCH_PASSWORD
from bench.timing import summary, timed
from models.db import get_engine

ROOT = Path(__file__).resolve().parent.parent
# role -> the page that role works in most (title as registered in ui.registry).
MAIN_PAGES = {"rep": "Lead queue", "manager": "Team", "marketer": "Campaigns & events",
              "executive": "Executive dashboard", "admin": "My day"}


@contextmanager
def app_env(url: str):
    keys = ("DATABASE_URL", "ONEVOICE_DATA_DIR", "ONEVOICE_COOKIE_KEY", "ONEVOICE_SWEEP_SECONDS")
    before = {k: os.environ.get(k) for k in keys}
    os.environ.update({"DATABASE_URL": url, "ONEVOICE_DATA_DIR": tempfile.mkdtemp(prefix="onevoice-apptest-"),
                       "ONEVOICE_COOKIE_KEY": "onevoice-bench-apptest-key-" + "x" * 32,
                       # No escalation sweep in the timed process: on the generated company it
                       # would escalate thousands of old hand-overs while the pages are timed,
                       # and change the generated database that later runs reuse.
                       "ONEVOICE_SWEEP_SECONDS": "0"})
    try:
        yield
    finally:
        for k, v in before.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


def user_of(url: str, role: str) -> str:
    """The first active user of the role in the biggest territory (company-wide roles: the first)."""
    with get_engine(url).connect() as conn:
        return conn.exec_driver_sql(
            f"SELECT u.username FROM app_user u LEFT JOIN (SELECT territory_id, COUNT(*) AS n FROM lead "
            f"GROUP BY territory_id) t ON t.territory_id = u.territory_id "
            f"WHERE u.role = '{role}' AND u.active ORDER BY t.n DESC, u.id LIMIT 1").scalar_one()


def signed_in(username: str, timeout: float):
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=timeout)
    at.run()
    at.text_input(key="ov_login_username").input(username)
    at.text_input(key="ov_login_password").input(BENCH_PASSWORD)
    next(b for b in at.button if b.label == "Sign in").click().run()
    if not at.session_state["authentication_status"]:
        raise RuntimeError(f"{username} could not sign in")
    return at.run()


def open_page(at, title: str):
    """Switch to the page with this title through AppTest's public switch_page (pages are files)."""
    from ui.registry import PAGES

    spec = next(p for p in PAGES if p.title == title)
    try:
        return at.switch_page(spec.script)
    except ValueError:
        raise RuntimeError(f"page {title!r} is not registered for this user") from None


def clear_page_caches() -> None:
    from ui.reads import clear_caches as clear_read_caches

    from ui import dashboard_charts, handoff_widgets

    clear_read_caches()
    dashboard_charts._figures.clear()
    handoff_widgets._rejections_figure.clear()
    handoff_widgets._scorecard_table.clear()


def biggest_territories(url: str, n: int) -> list[int]:
    with get_engine(url).connect() as conn:
        return list(conn.exec_driver_sql(
            f"SELECT territory_id FROM lead GROUP BY territory_id ORDER BY COUNT(*) DESC LIMIT {int(n)}").scalars())


def filter_changes(at, url: str, repeats: int) -> dict:
    """The dashboard's territory filter set to a new territory per sample (cold), then rerun (warm)."""
    cold, warm, errors = [], [], []
    for territory_id in biggest_territories(url, repeats):
        at.selectbox(key="dash_territory").set_value(territory_id)
        s, at = timed(at.run)
        cold.append(s)
        s, at = timed(at.run)
        warm.append(s)
        errors += [str(e.value)[:200] for e in [*at.exception, *at.error]]
    at.selectbox(key="dash_territory").set_value(None).run()
    return {"cold": summary(cold), "warm": summary(warm), "errors": errors[:3]}


def run(url: str, repeats: int, timeout: float = 900) -> dict:
    import streamlit as st
    from ui.reads import clear_caches as clear_read_caches

    out = {}
    with app_env(url):
        for role, title in MAIN_PAGES.items():
            username = user_of(url, role)
            clear_read_caches()
            st.cache_resource.clear()
            at = open_page(signed_in(username, timeout), title)
            at.run()     # first run of the page imports its modules: not counted
            cold, warm, errors = [], [], []
            for _ in range(repeats):
                clear_page_caches()
                s, at = timed(at.run)
                cold.append(s)
                s, at = timed(at.run)
                warm.append(s)
                errors += [str(e.value)[:200] for e in at.exception]
                errors += [str(e.value)[:200] for e in at.error]
            out[role] = {"page": title, "user": username, "cold": summary(cold), "warm": summary(warm),
                         "errors": errors[:3]}
            if title == "Executive dashboard":
                out[role]["filter_change"] = filter_changes(at, url, repeats)
        clear_read_caches()
        st.cache_resource.clear()
    return out
