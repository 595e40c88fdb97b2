#!/usr/bin/env python
"""How many script runs a page load costs in a real browser, and how long until it settles.

The websocket benches (ws_load.py, page_cost.py) send reruns themselves and mount no browser
component, so they cannot see a rerun the *browser* adds. This one can: real Chromium (Debian's,
as in the browser tests) on a real ``streamlit run app.py`` over the embedded demo. Each role
signs in once through the form; then every sample opens the role's main page in a new tab (a new
Streamlit session, restored from the cookie, as a bookmark or a notification's link does) and
counts the runs the page's ``data-test-script-state`` goes through until nothing has run for
``--quiet`` seconds. "settled" is the time from navigation to the end of the last run.

    python bench/page_load_runs.py [--samples 5] [--quiet 2.5] [--out FILE]

A run the browser adds after the first paint is work for the server and a window in which a
click is lost (Streamlit drops a button's trigger when the run carrying it is interrupted).
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

# role -> (demo user, the page that role works in most: its URL path)
ROLES = {"rep": ("minjun.kim", "leads"), "manager": ("seoyeon.park", "my-team"),
         "marketer": ("jiwoo.choi", "marketing-campaigns"), "executive": ("hyunwoo.jung", "executive-dashboard"),
         "admin": ("admin", "admin-users")}

# Every change of the app's script state, with its time, from the document's first moment.
OBSERVER = """
window.__ovRuns = [];
new MutationObserver((records) => {
  for (const r of records) {
    if (r.attributeName === 'data-test-script-state') {
      window.__ovRuns.push([performance.now(), r.target.getAttribute('data-test-script-state')]);
    }
  }
}).observe(document, {subtree: true, attributes: true, attributeFilter: ['data-test-script-state']});
"""


def one_load(context, url: str, quiet_s: float, timeout_s: float) -> tuple[int, float]:
    page = context.new_page()
    try:
        started = time.perf_counter()
        page.goto(url)
        deadline = started + timeout_s
        while time.perf_counter() < deadline:
            changes = page.evaluate("window.__ovRuns")
            state = page.get_attribute("[data-testid='stApp']", "data-test-script-state")
            last = changes[-1][0] if changes else 0.0
            now_ms = page.evaluate("performance.now()")
            if state == "notRunning" and changes and now_ms - last >= quiet_s * 1000:
                runs = sum(1 for _, s in changes if s == "running")
                return runs, last
            page.wait_for_timeout(100)
        raise TimeoutError(f"{url} did not settle within {timeout_s} s")
    finally:
        page.close()


def measure(samples: int, quiet_s: float, timeout_s: float = 120) -> dict:
    from models.db import dispose_engines, get_engine
    from models.migrate import upgrade_to_head
    from services.demo_seed import DEMO_PASSWORD
    from tests.browser_support import chromium_browser, seeded_demo_sqlite, sign_in, streamlit_server

    work = Path(tempfile.mkdtemp(prefix="onevoice-loadruns-"))
    try:
        template = work / "template.db"
        upgrade_to_head(get_engine(f"sqlite:///{template}"))
        dispose_engines()
        url = seeded_demo_sqlite(template, work)
        dispose_engines()
        result: dict = {"samples": samples, "quiet_s": quiet_s, "roles": {}}
        with streamlit_server(url, work / "data") as base, chromium_browser() as browser:
            for role, (username, path) in ROLES.items():
                context = browser.new_context(viewport={"width": 1400, "height": 900})
                sign_in(context.new_page(), base, username, DEMO_PASSWORD)
                context.add_init_script(OBSERVER)
                one_load(context, f"{base}/{path}", quiet_s, timeout_s)      # not timed: first fills
                runs, settled = zip(*(one_load(context, f"{base}/{path}", quiet_s, timeout_s)
                                      for _ in range(samples)))
                result["roles"][role] = {"page": path, "runs_per_load": list(runs),
                                         "settled_ms_median": round(statistics.median(settled), 1),
                                         "settled_ms": [round(s, 1) for s in settled]}
                print(f"{role:9} /{path:20} runs per load {list(runs)}  settled median "
                      f"{result['roles'][role]['settled_ms_median']:.0f} ms", flush=True)
                context.close()
        return result
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--quiet", type=float, default=2.5, help="seconds without a run that count as settled")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args(argv)
    result = measure(args.samples, args.quiet)
    if args.out:
        args.out.write_text(json.dumps(result, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
