"""Plumbing for browser tests: a real ``streamlit run app.py`` on a free port, real Chromium
through Playwright's sync API, signing in, moving between pages, picking options, screenshots.

Chromium is Debian's (/usr/bin/chromium). Without it a browser test skips locally with the reason
and fails in CI (CI=true), so CI never counts a missing browser as a pass.
"""
from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CHROMIUM = os.environ.get("ONEVOICE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
IN_CI = os.environ.get("CI", "").lower() == "true"
COOKIE_NAME = "onevoice_session"
_LIVE_LOGS: list[Path] = []   # the logs of the servers running now, for a failure's report


def require_chromium() -> None:
    if Path(CHROMIUM).exists():
        return
    if IN_CI:
        pytest.fail(f"Chromium is required in CI and is missing at {CHROMIUM} (apt-get install -y chromium)")
    pytest.skip(f"Chromium is not installed at {CHROMIUM} (apt-get install -y chromium)")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def seeded_demo_sqlite(template: Path, directory: Path) -> str:
    """A copy of the migrated template filled with the demo; the WAL folded back into the file."""
    from models.db import get_engine
    from services.demo_seed import seed_demo

    path = directory / "browser-demo.db"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    engine = get_engine(url)
    seed_demo(engine=engine, seed=1)
    with engine.connect() as conn:
        conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return url


@contextmanager
def streamlit_server(db_url: str, data_dir: Path, *, timeout_s: float = 60):
    """``streamlit run app.py`` against ``db_url`` on a free port; yields the base URL and
    stops the process (only this one) on exit. Its output goes to data_dir/streamlit-<port>.log."""
    data_dir.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "ONEVOICE_DATA_DIR": str(data_dir),
           "ONEVOICE_COOKIE_KEY": "browser-test-cookie-key-" + "b" * 40}
    log_path = data_dir / f"streamlit-{port}.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
             "--server.headless", "true", "--server.address", "127.0.0.1",
             "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        _LIVE_LOGS.append(log_path)
        try:
            deadline = time.monotonic() + timeout_s
            while True:
                try:
                    if urllib.request.urlopen(base + "/_stcore/health", timeout=2).read() == b"ok":
                        break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"streamlit did not start; see {log_path}:\n{log_path.read_text()[-2000:]}")
                time.sleep(0.3)
            yield base
        finally:
            _LIVE_LOGS.remove(log_path)
            proc.terminate()
            try:
                proc.wait(10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(5)


@contextmanager
def chromium_browser():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        except BaseException:
            report_failure(browser)
            raise
        finally:
            browser.close()


def report_failure(browser) -> None:
    """What the browser showed when a test failed, on stderr (pytest prints it with the failure,
    in CI too) and as screenshots in tests/artifacts/: every open page's address, script state
    and main text, and the end of each running server's log."""
    ARTIFACTS.mkdir(exist_ok=True)
    for c, context in enumerate(browser.contexts):
        for p, page in enumerate(context.pages):
            try:
                state = page.get_attribute("[data-testid='stApp']", "data-test-script-state", timeout=2_000)
                text = page.inner_text("body", timeout=2_000)
                shot = ARTIFACTS / f"failure-{os.getpid()}-{c}-{p}.png"
                page.screenshot(path=str(shot), full_page=True, timeout=10_000)
            except Exception as exc:  # noqa: BLE001 - a report must not hide the failure itself
                print(f"[browser] page {c}.{p}: could not read it: {exc}", file=sys.stderr)
                continue
            print(f"[browser] page {c}.{p} at {page.url} (script {state}), screenshot {shot}:\n"
                  f"{text[:3000]}", file=sys.stderr)
    for log_path in _LIVE_LOGS:
        lines = log_path.read_text(errors="replace").splitlines()[-40:]
        print(f"[server] end of {log_path}:\n" + "\n".join(lines), file=sys.stderr)


def wait_ready(page, timeout_ms: float = 60_000) -> None:
    """Wait for the rerun the last action started to finish (give it a moment to start first)."""
    page.wait_for_timeout(400)
    page.wait_for_selector(READY, timeout=timeout_ms)


def wait_main_text(page, text: str, timeout_ms: float = 60_000) -> str:
    """Wait until the page's main area shows `text`, then return that area's text. An action's
    rerun can start later than `wait_ready`'s grace under load (the page then still shows the
    state before it), so an assertion on what the action produced waits for it instead."""
    page.locator("[data-testid='stMain']").filter(has_text=text).first.wait_for(timeout=timeout_ms)
    wait_ready(page, timeout_ms)
    return page.inner_text("[data-testid='stMain']")


def _session_cookie(page) -> dict | None:
    return next((c for c in page.context.cookies() if c["name"] == COOKIE_NAME), None)


def wait_for_cookie(page, timeout_s: float = 20, *, present: bool = True) -> dict | None:
    """The re-authentication cookie is written by a component a moment after sign-in (a
    navigation before that would start a session without it) and deleted by one a moment after
    sign-out. Waits for it to be there (returns it) or, with present=False, to be gone."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        cookie = _session_cookie(page)
        if (cookie is not None) == present:
            return cookie
        page.wait_for_timeout(200)
    raise AssertionError("the session cookie was never " + ("written" if present else "deleted"))


def sign_in(page, base: str, username: str, password: str, language: str = "en") -> None:
    """Sign in through the form as a person would, in the browser's language (labels from the
    catalog), and wait until the session is settled: landing page, cookie, role navigation."""
    from i18n import _, use_language

    with use_language(language):
        user_label, password_label, button, home = _("Username"), _("Password"), _("Sign in"), _("My day")
    page.goto(base + "/")
    page.wait_for_selector(f"input[aria-label='{user_label}']", timeout=60_000)
    # Let the first runs finish before typing: the cookie component's answer reruns the page
    # right after it loads, and a rerun in flight empties the form.
    wait_ready(page)
    page.wait_for_timeout(1500)
    page.fill(f"input[aria-label='{user_label}']", username)
    page.fill(f"input[aria-label='{password_label}']", password)
    page.get_by_role("button", name=button).click()
    page.wait_for_selector(f"h1:has-text('{home}')", timeout=60_000)
    wait_ready(page)
    wait_for_cookie(page)
    # The landing page is drawn by the sign-in run itself; the role's navigation comes with the
    # rerun the cookie component's answer triggers. Acting before that rerun has finished races it.
    # (Attached, not visible: on a phone the sidebar holding it is closed.)
    page.wait_for_selector("[data-testid='stSidebarNav']", state="attached", timeout=60_000)
    wait_ready(page)


def open_page(page, title: str) -> None:
    """Follow the sidebar link of a page, as a person would, and wait for its first run."""
    page.locator("[data-testid='stSidebarNav'] a").filter(has_text=re.compile(f"{re.escape(title)}$")).first.click()
    page.wait_for_selector(f"h1:has-text('{title}')", timeout=60_000)
    wait_ready(page)


def choose(page, label: str, option: str | re.Pattern, attempts: int = 3) -> None:
    """Pick an option of the selectbox labelled ``label`` by (part of) its text. Text is typed into
    the box first, as a person does in a long list: the open list draws only the options in view.
    A rerun that redraws the list while it is open (a timer) detaches the option; open it again."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    for attempt in range(attempts):
        wait_ready(page)
        box = page.locator("[data-testid='stSelectbox']").filter(has=page.get_by_text(label, exact=True)).first
        combobox = box.locator("[role='combobox']").first
        combobox.click()
        if isinstance(option, str):
            combobox.press_sequentially(option)
        try:
            page.locator("[role='option']").filter(has_text=option).first.click(timeout=10_000)
            break
        except PlaywrightTimeout:
            if attempt == attempts - 1:
                raise
            page.keyboard.press("Escape")
    wait_ready(page)


def click_button(page, name: str) -> None:
    page.get_by_role("button", name=name, exact=True).first.click()
    wait_ready(page)


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def select_row(page, index: int, table: int = 0) -> None:
    """Click the row-selection cell of data row ``index`` (0 = first) of the ``table``-th data
    grid on the page (row height 35 px below a 36-px header), and wait for the rerun."""
    grid = page.locator("[data-testid='stDataFrame']").nth(table)
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 36 + 35 * index + 17)
    wait_ready(page)
