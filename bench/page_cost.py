#!/usr/bin/env python
"""Each page's rerun cost as a ratio to the floor: a trivial Streamlit app, same client, same run.

One server of the portal (``app.py``) and one of ``bench/floor_app.py`` (a few widgets, no
database, no sign-in) are started side by side with the same settings. One websocket client
per role (bench/ws_load.py's protocol: the ``onevoice_session`` cookie of a real user, a
``rerun_script`` BackMsg naming the page, wait for ``script_finished``) walks through its role's
pages; after every page rerun the floor app is rerun once by its own client. Nothing runs
concurrently, so a sample is the cost of one rerun on an otherwise idle server, and the page and
floor samples are interleaved so the machine's load weighs on both alike. The first round is
not timed (module imports, the process's first cache fills); later rounds are what a user who
moves between pages meets (the app's caches warm, as on a live server).

    python bench/page_cost.py --db URL [--rounds 10]

Each page's ``deltas`` (and the floor's) is how many elements and blocks its rerun drew: every one
is a message to the browser, built, serialised and queued on every rerun, which is what the floor
costs per element here and what a page's ratio grows with. So after each page's floor sample the
floor is rerun once more drawing as many elements as the page did (one-line markdowns,
``floor_app.py?elements=N``): ``matched_floor`` is what Streamlit alone costs for that many
elements, and ``own_ms`` (page median - matched floor median) what the page's own work (sign-in
gate, reads, formatting, the widgets' state) adds to it.

Target (issue 18): every role's main pages' median rerun cost <= 3x the floor's median.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.timing import summary
from bench.ws_load import (
    COOKIE_NAME,
    ROLE_PAGES,
    cookie_for,
    pick_users,
    rerun_message,
    start_server,
    wait_finished,
)

APP = ROOT / "app.py"
FLOOR_APP = Path(__file__).resolve().parent / "floor_app.py"
FLOOR_RATIO = 3.0


async def _rerun(ws, page: str, timeout: float, deltas: list | None = None,
                 query_string: str = "") -> tuple[float, str | None]:
    started = time.perf_counter()
    await ws.send(rerun_message(page, query_string))
    problem = await wait_finished(ws, timeout, deltas)
    return time.perf_counter() - started, problem


async def _measure(app_port: int, floor_port: int, users: dict[str, str], rounds: int, timeout: float,
                   warmup: bool = True) -> dict:
    from websockets.asyncio.client import connect

    opts = {"subprotocols": ["streamlit"], "max_size": None, "open_timeout": 60, "ping_interval": None,
            "close_timeout": 5}
    pages: dict[str, list[float]] = {}
    floor: list[float] = []
    matched: dict[str, list[float]] = {}   # the floor drawing as many elements as each page
    errors: list[str] = []
    deltas: dict[str, int] = {}   # elements and blocks drawn by the last rerun of each page
    async with connect(f"ws://127.0.0.1:{floor_port}/_stcore/stream", **opts) as floor_ws:
        clients = {}
        try:
            for role, username in users.items():
                clients[role] = await connect(
                    f"ws://127.0.0.1:{app_port}/_stcore/stream",
                    additional_headers={"Cookie": f"{COOKIE_NAME}={cookie_for(username)}"}, **opts)
            for round_no in range(0 if warmup else 1, rounds + 1):   # round 0: warm-up, not timed
                for role, ws in clients.items():
                    for page in ROLE_PAGES[role]:
                        page_deltas, floor_deltas = [], []
                        took, problem = await _rerun(ws, page, timeout, page_deltas)
                        floor_took, floor_problem = await _rerun(floor_ws, "my-day", timeout, floor_deltas)
                        matched_deltas: list = []
                        matched_took, matched_problem = await _rerun(
                            floor_ws, "my-day", timeout, matched_deltas, query_string=f"elements={len(page_deltas)}")
                        if problem or floor_problem or matched_problem:
                            errors.append(f"{role} {page}: {problem or 'floor: ' + (floor_problem or matched_problem)}")
                            continue
                        key = f"{role}:{page}"
                        deltas[key] = len(page_deltas)
                        deltas["floor"] = len(floor_deltas)
                        deltas[f"matched:{key}"] = len(matched_deltas)
                        if round_no:
                            pages.setdefault(key, []).append(took)
                            floor.append(floor_took)
                            matched.setdefault(key, []).append(matched_took)
        finally:
            for ws in clients.values():
                await ws.close()
    floor_summary = summary(floor)
    out_pages = {}
    for key, samples in pages.items():
        s = summary(samples)
        m = summary(matched[key])
        out_pages[key] = {**s, "ratio_to_floor": round(s["median_ms"] / floor_summary["median_ms"], 2)
                          if floor_summary["median_ms"] else None, "deltas": deltas.get(key),
                          "matched_floor": {**m, "deltas": deltas.get(f"matched:{key}")},
                          "ratio_to_matched_floor": round(s["median_ms"] / m["median_ms"], 2) if m["median_ms"] else None,
                          "own_ms": round(s["median_ms"] - m["median_ms"], 3)}
    return {"floor": {**floor_summary, "deltas": deltas.get("floor")}, "pages": out_pages, "errors": errors}


def run(db_url: str, *, rounds: int = 10, workdir: Path | None = None, timeout: float = 120.0,
        post_script_gc: bool = False, file_watcher: str = "none", warmup: bool = True, log=print) -> dict:
    """Start the portal and the floor app, measure, stop both. ``pages`` maps ``role:page`` to
    its summary and ``ratio_to_floor`` (page median / floor median). ``warmup=False`` (the CI
    smoke run, which checks the mechanism, not the timings) times the first round too."""
    workdir = workdir or Path(tempfile.mkdtemp(prefix="onevoice-floor-"))
    workdir.mkdir(parents=True, exist_ok=True)
    users = {}
    for username, role in pick_users(db_url, 20):
        users.setdefault(role, username)
    users = {role: users[role] for role in ROLE_PAGES if role in users}
    with ThreadPoolExecutor(2) as pool:   # both start at once; the same settings for both
        starting = [pool.submit(start_server, db_url, post_script_gc=post_script_gc, file_watcher=file_watcher,
                                workdir=workdir, script=script) for script in (APP, FLOOR_APP)]
        servers = [f.result() for f in starting]
    try:
        result = asyncio.run(_measure(servers[0].port, servers[1].port, users, rounds, timeout, warmup))
    finally:
        for s in servers:
            s.stop()
    result.update({"rounds": rounds, "warmup": warmup, "users": users, "goal_ratio": FLOOR_RATIO})
    log(f"    floor p50 {result['floor']['median_ms']} ms, {result['floor']['deltas']} elements; " + ", ".join(
        f"{k} {v['median_ms']} ms ({v['ratio_to_floor']}x, {v['deltas']} elements; floor with as many "
        f"{v['matched_floor']['median_ms']} ms)" for k, v in result["pages"].items())
        + (f"; errors {len(result['errors'])}" if result["errors"] else ""))
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database URL (generated with bench/generate.py)")
    parser.add_argument("--rounds", type=int, default=10)
    args = parser.parse_args(argv)
    result = run(args.db, rounds=args.rounds)
    print(json.dumps(result, indent=2))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
