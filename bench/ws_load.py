#!/usr/bin/env python
"""Load test of the Streamlit server: simulated users speaking Streamlit's own protocol.

Each user is one websocket session on ``/_stcore/stream``, signed in as a real user of the
database by the app's re-authentication cookie (``onevoice_session``: a JWT of username and
expiry signed with ONEVOICE_COOKIE_KEY, exactly what the browser holds after signing in). It
works through its role's pages: send a ``BackMsg`` ``rerun_script`` naming the page, wait for
``script_finished``, think, next page. An exception element, an error alert, a page-not-found,
a compile error, a timeout or a dropped connection is an error. The server processes' RSS
(children included) is sampled with psutil throughout. Users of all roles arrive mixed, one every
50 ms (``--burst``: all at the same instant, the worst case of a morning rush).

    python bench/ws_load.py --db URL [--users 20] [--seconds 120] [--processes 1]
                            [--post-script-gc true|false] [--file-watcher auto|none] [--burst]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.timing import summary  # noqa: E402

COOKIE_NAME = "onevoice_session"
DEFAULT_PAGE = "my-day"
BENCH_COOKIE_KEY = "onevoice-bench-cookie-key-" + "k" * 32
WHAT_IF = Path(__file__).resolve().parent / "what_if"
# The pages each role works through, by url path (ui.registry).
ROLE_PAGES = {
    "rep": ["my-day", "events", "leads", "activity"],
    "manager": ["my-day", "my-team", "leads", "events"],
    "marketer": ["my-day", "marketing-campaigns", "black-hole"],
    "executive": ["executive-dashboard", "my-day"],
}
ROLE_MIX = (("rep", 0.70), ("manager", 0.15), ("marketer", 0.10), ("executive", 0.05))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    process: subprocess.Popen
    port: int
    log_path: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)


def start_server(db_url: str, *, post_script_gc: bool, file_watcher: str, workdir: Path,
                 auth_fix: bool = False, script: Path = ROOT / "app.py") -> Server:
    port = free_port()
    log_path = workdir / f"streamlit-{port}.log"
    env = {**os.environ, "DATABASE_URL": db_url, "ONEVOICE_COOKIE_KEY": BENCH_COOKIE_KEY,
           "ONEVOICE_DATA_DIR": str(workdir / "appdata"),
           # The escalation sweep would compete with the pages for the same cores while they
           # are timed (it found thousands of old hand-overs in the generated company).
           "ONEVOICE_SWEEP_SECONDS": "0"}
    if auth_fix:   # what-if only: see bench/what_if/sitecustomize.py
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(WHAT_IF), env.get("PYTHONPATH")]))
    cmd = [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
           "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--runner.postScriptGC", str(post_script_gc).lower(), "--server.fileWatcherType", file_watcher]
    log = open(log_path, "w")
    process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"streamlit exited with {process.returncode}; see {log_path}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as r:
                if r.read().strip() == b"ok":
                    return Server(process, port, log_path)
        except OSError:
            time.sleep(0.3)
    process.kill()
    raise RuntimeError(f"streamlit did not become healthy on port {port}; see {log_path}")


class RssSampler(threading.Thread):
    """Peak RSS of each server process tree (the process and all its children), and of all together."""

    def __init__(self, pids: list[int], interval: float = 0.25):
        super().__init__(daemon=True)
        self.pids, self.interval = pids, interval
        self.peak_each = {pid: 0 for pid in pids}
        self.peak_total = 0
        self._halt = threading.Event()

    @staticmethod
    def tree_rss(pid: int) -> int:
        try:
            proc = psutil.Process(pid)
            procs = [proc, *proc.children(recursive=True)]
        except psutil.NoSuchProcess:
            return 0
        total = 0
        for p in procs:
            try:
                total += p.memory_info().rss
            except psutil.NoSuchProcess:
                pass
        return total

    def run(self) -> None:
        while not self._halt.is_set():
            sizes = {pid: self.tree_rss(pid) for pid in self.pids}
            for pid, size in sizes.items():
                self.peak_each[pid] = max(self.peak_each[pid], size)
            self.peak_total = max(self.peak_total, sum(sizes.values()))
            self._halt.wait(self.interval)

    def stop(self) -> None:
        self._halt.set()
        self.join()


def cookie_for(username: str, key: str = BENCH_COOKIE_KEY) -> str:
    """The cookie the portal writes at sign-in (its own encoder: the token carries its issue time,
    on the product clock the portal checks it with, so a pinned ONEVOICE_NOW moves both)."""
    from models.types import utcnow
    from services.session_token import encode

    return encode(username, key, issued_at=utcnow(), lifetime_days=7)


def pick_users(db_url: str, n: int) -> list[tuple[str, str]]:
    """n (username, role) of active users, mixed by ROLE_MIX, spread over the territories."""
    from models.db import get_engine

    picked: list[tuple[str, str]] = []
    with get_engine(db_url).connect() as conn:
        for role, share in ROLE_MIX:
            k = max(1, round(n * share)) if role != "rep" else n - sum(max(1, round(n * s)) for r, s in ROLE_MIX[1:])
            rows = conn.exec_driver_sql(
                "SELECT username FROM app_user WHERE role = ? AND active ORDER BY territory_id, id"
                .replace("?", f"'{role}'")).scalars().all()
            step = max(1, len(rows) // max(k, 1))
            chosen = rows[::step][:k]
            chosen += [r for r in rows if r not in chosen][:k - len(chosen)]
            picked += [(u, role) for u in chosen]
    return picked[:n]


@dataclass
class Record:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    per_page: dict[str, list[float]] = field(default_factory=dict)


def rerun_message(page: str, query_string: str = "") -> bytes:
    from streamlit.proto.BackMsg_pb2 import BackMsg

    msg = BackMsg()
    msg.rerun_script.query_string = query_string
    # The default page (My day) is registered with an empty url_pathname.
    msg.rerun_script.page_name = "" if page == DEFAULT_PAGE else page
    msg.rerun_script.page_script_hash = ""
    return msg.SerializeToString()


async def wait_finished(ws, timeout: float, deltas: list | None = None) -> str | None:
    """None when the run finished cleanly, else what went wrong. ``deltas``: one entry appended
    per delta message of the run (an element or block drawn), for bench/page_cost.py's counts."""
    from streamlit.proto.Alert_pb2 import Alert
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    problem = None
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return "timeout"
        data = await asyncio.wait_for(ws.recv(), remaining)
        if isinstance(data, str):
            continue
        fm = ForwardMsg.FromString(data)
        kind = fm.WhichOneof("type")
        if kind == "delta" and deltas is not None:
            deltas.append(fm.delta.WhichOneof("type"))
        if kind == "delta" and fm.delta.WhichOneof("type") == "new_element":
            element = fm.delta.new_element
            which = element.WhichOneof("type")
            if which == "exception":
                problem = problem or f"exception: {element.exception.type}: {element.exception.message[:200]}"
            elif which == "text_input" and element.text_input.label == "Username":
                problem = problem or "signed out: the sign-in form was shown"
            elif which == "alert" and element.alert.format == Alert.ERROR:
                problem = problem or f"error alert: {element.alert.body[:200]}"
        elif kind == "page_not_found":
            problem = problem or "page not found"
        elif kind == "session_event" and fm.session_event.WhichOneof("type") == "script_compilation_exception":
            problem = problem or "script compilation exception"
        elif kind == "script_finished":
            status = fm.script_finished
            if status == ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                continue
            if status == ForwardMsg.FINISHED_WITH_COMPILE_ERROR:
                return "compile error"
            return problem


async def simulate_user(url: str, username: str, role: str, deadline: float, think: float, rec: Record,
                        timeout: float, rng: random.Random) -> None:
    from websockets.asyncio.client import connect

    pages = ROLE_PAGES[role]
    i = rng.randrange(len(pages))
    try:
        async with connect(url, additional_headers={"Cookie": f"{COOKIE_NAME}={cookie_for(username)}"},
                           subprotocols=["streamlit"], max_size=None, open_timeout=60, ping_interval=None,
                           close_timeout=5) as ws:
            while time.monotonic() < deadline:
                page = pages[i % len(pages)]
                i += 1
                started = time.perf_counter()
                await ws.send(rerun_message(page))
                problem = await wait_finished(ws, timeout)
                elapsed = time.perf_counter() - started
                if problem:
                    rec.errors.append(f"{username} {page}: {problem}")
                else:
                    rec.latencies.append(elapsed)
                    rec.per_page.setdefault(page, []).append(elapsed)
                await asyncio.sleep(think * rng.uniform(0.5, 1.5))
    except Exception as exc:  # noqa: BLE001 - a dropped or refused connection is an error of the run
        rec.errors.append(f"{username}: connection: {type(exc).__name__}: {exc}"[:300])


async def drive(ports: list[int], users: list[tuple[str, str]], seconds: float, think: float, timeout: float,
                seed: int = 1, burst: bool = False) -> tuple[Record, float]:
    rec = Record()
    rng = random.Random(seed)
    started = time.monotonic()
    deadline = started + seconds
    tasks = []
    arrivals = list(users)
    rng.shuffle(arrivals)   # the roles arrive mixed, not reps first and executives last
    for i, (username, role) in enumerate(arrivals):
        port = ports[i % len(ports)]   # sticky sessions: a user stays on one process
        # A task starts now; a bare coroutine would wait for the gather below, and every user would
        # then arrive at the same instant after the ramp (the runs before 2026-12-02 measured that).
        tasks.append(asyncio.create_task(simulate_user(f"ws://127.0.0.1:{port}/_stcore/stream", username, role,
                                                       deadline, think, rec, timeout, random.Random(rng.random()))))
        if not burst:
            await asyncio.sleep(min(0.05, seconds / 100))   # ramp up: one user every 50 ms
    await asyncio.gather(*tasks)
    return rec, time.monotonic() - started


async def warm_up(ports: list[int], users: list[tuple[str, str]], timeout: float) -> None:
    """Every page of each user's role once on every process, one rerun at a time (until
    2026-12-03 the warm-up gave the first four reps half a second: the other roles' pages met
    their first imports under the load)."""
    from websockets.asyncio.client import connect

    for port in ports:
        for username, role in users:
            async with connect(f"ws://127.0.0.1:{port}/_stcore/stream", subprotocols=["streamlit"],
                               additional_headers={"Cookie": f"{COOKIE_NAME}={cookie_for(username)}"},
                               max_size=None, open_timeout=60, ping_interval=None, close_timeout=5) as ws:
                for page in ROLE_PAGES[role]:
                    await ws.send(rerun_message(page))
                    await wait_finished(ws, timeout)


def load_run(db_url: str, *, users: int, seconds: float, processes: int = 1, post_script_gc: bool = False,
             file_watcher: str = "none", think: float = 2.0, timeout: float = 300.0, workdir: Path | None = None,
             warmup: bool = True, auth_fix: bool = False, burst: bool = False, log=print) -> dict:
    """Start the servers, warm each page once per role, run the load, stop the servers."""
    workdir = workdir or Path(tempfile.mkdtemp(prefix="onevoice-ws-"))
    workdir.mkdir(parents=True, exist_ok=True)
    servers = [start_server(db_url, post_script_gc=post_script_gc, file_watcher=file_watcher, workdir=workdir,
                            auth_fix=auth_fix) for _ in range(processes)]
    try:
        chosen = pick_users(db_url, users)
        if warmup:   # first run of each page per process imports its modules: not a user's rerun
            warm = list({r: (u, r) for u, r in reversed(chosen)}.values())   # the first user of each role
            asyncio.run(warm_up([s.port for s in servers], warm, timeout))
        sampler = RssSampler([s.process.pid for s in servers])
        sampler.start()
        rec, elapsed = asyncio.run(drive([s.port for s in servers], chosen, seconds, think, timeout, burst=burst))
        sampler.stop()
    finally:
        for s in servers:
            s.stop()
    lat = summary(rec.latencies)
    result = {
        "users": users, "arrival": "burst" if burst else "one every 50 ms", "seconds": round(elapsed, 1),
        "processes": processes, "post_script_gc": post_script_gc,
        "file_watcher": file_watcher, "think_seconds": think, "what_if_auth_fix": auth_fix,
        "reruns": len(rec.latencies),
        "errors": len(rec.errors), "error_samples": rec.errors[:5],
        "reruns_per_second": round(len(rec.latencies) / elapsed, 2) if elapsed else None,
        "latency_p50_ms": lat["median_ms"], "latency_p95_ms": lat["p95_ms"],
        "peak_rss_mb_per_process": [round(v / 2**20, 1) for v in sampler.peak_each.values()],
        "peak_rss_mb_total": round(sampler.peak_total / 2**20, 1),
        "per_page_p50_ms": {p: summary(v)["median_ms"] for p, v in sorted(rec.per_page.items())},
        "per_page_p95_ms": {p: summary(v)["p95_ms"] for p, v in sorted(rec.per_page.items())},
        "roles": {r: sum(1 for _, rr in chosen if rr == r) for r in ROLE_PAGES},
    }
    log(f"    {users} users x {processes} process(es), postScriptGC={str(post_script_gc).lower()}, "
        f"{'WHAT-IF auth_hash fix, ' if auth_fix else ''}"
        f"fileWatcherType={file_watcher}: {result['reruns']} reruns, {result['reruns_per_second']}/s, "
        f"p50 {lat['median_ms']} ms, p95 {lat['p95_ms']} ms, errors {result['errors']}, "
        f"peak RSS {result['peak_rss_mb_total']} MB")
    return result


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database URL (generated with bench/generate.py)")
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=120)
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument("--post-script-gc", choices=["true", "false"], default="false")
    parser.add_argument("--file-watcher", choices=["auto", "none", "poll", "watchdog"], default="none")
    parser.add_argument("--think", type=float, default=2.0, help="mean seconds a user waits between reruns")
    parser.add_argument("--what-if-auth-fix", action="store_true",
                        help="run the server with stauth's auto_hash off (bench/what_if/sitecustomize.py)")
    parser.add_argument("--burst", action="store_true",
                        help="every user arrives at the same instant (default: one every 50 ms)")
    args = parser.parse_args(argv)
    result = load_run(args.db, users=args.users, seconds=args.seconds, processes=args.processes,
                      post_script_gc=args.post_script_gc == "true", file_watcher=args.file_watcher, think=args.think,
                      auth_fix=args.what_if_auth_fix, burst=args.burst)
    print(json.dumps(result, indent=2))
    return 1 if result["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
