"""A real `streamlit run app.py` on a free port and real Chromium driving it (Playwright).

Used by the browser tests. Chromium comes from Debian (/usr/bin/chromium); without it the tests
skip locally and fail in CI (CI=true), so CI never counts a skipped browser test as passing.
"""
from __future__ import annotations

import os
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
CHROMIUM = os.environ.get("ONEVOICE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update"]
READY = "[data-testid='stApp'][data-test-script-state='notRunning']"
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require_chromium() -> None:
    if not Path(CHROMIUM).exists():
        if IN_CI:
            raise RuntimeError(f"Chromium is required in CI and missing at {CHROMIUM}")
        pytest.skip(f"Chromium not installed at {CHROMIUM} (apt-get install -y chromium)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(db_url: str, data_dir: Path, *, extra_env: dict[str, str] | None = None):
    """Start the app against ``db_url``; yields its base URL; stops it on exit."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": db_url, "ONEVOICE_DATA_DIR": str(data_dir),
           "ONEVOICE_COOKIE_KEY": "browser-test-cookie-key-" + "k" * 40, **(extra_env or {})}
    log = open(data_dir / f"streamlit-{port}.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", str(ROOT / "app.py"), "--server.port", str(port),
         "--server.headless", "true", "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(base + "/_stcore/health", timeout=2).read() == b"ok":
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start; see {log.name}")
            time.sleep(0.3)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@contextmanager
def chromium():
    require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def wait_ready(page, timeout: float = 60_000) -> None:
    """Wait until the script run that the last action triggered has finished."""
    page.wait_for_timeout(300)
    page.wait_for_selector(READY, timeout=timeout)


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(base + "/")
    page.wait_for_selector("input[aria-label='Username']", timeout=60_000)
    page.fill("input[aria-label='Username']", username)
    page.fill("input[aria-label='Password']", password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_selector("h1:has-text('My day')", timeout=60_000)
    wait_ready(page)
    wait_for_session_cookie(page)


def wait_for_session_cookie(page, timeout_s: float = 20) -> dict:
    """The library writes the re-authentication cookie from a component iframe, a moment after
    the page has rendered; a navigation before that would start a session without it."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        for cookie in page.context.cookies():
            if cookie["name"] == "onevoice_session":
                return cookie
        page.wait_for_timeout(200)
    raise AssertionError("the session cookie was never written")


def seeded_sqlite(template: Path, dest_dir: Path) -> str:
    """A copy of the migrated template filled with the demo data; returns its URL."""
    from models.db import get_engine
    from services.demo_seed import seed_demo

    path = dest_dir / "browser.db"
    shutil.copyfile(template, path)
    url = f"sqlite:///{path}"
    seed_demo(engine=get_engine(url), seed=1)
    return url
