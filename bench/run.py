#!/usr/bin/env python
"""OneVoice performance benchmark (issue 8), on SQLite and PostgreSQL, in one run.

    python bench/run.py [--scale medium|large] [--db sqlite|postgresql|both] [--quick | --smoke]

For each database: the rep workspace's queries at ``small`` and at ``--scale`` (target: the
bigger scale no more than 1.5x slower); the full KPI set of KPIS.md for the 12 months before the
data's anchor, all territories and the biggest territory, against naive pandas (target: >= 20x
faster) and DuckDB (target: <= 2x its time), results compared for equality; a full AppTest rerun
of each role's main page, cold and warm; each role's pages' rerun cost over the websocket
protocol as a ratio to a trivial Streamlit app's in the same run (bench/page_cost.py; target:
<= 3x); then a websocket load test of the Streamlit server
(bench/ws_load.py): runner.postScriptGC x server.fileWatcherType at 20 users, then 20 and 100
users with the best of them, 100 users over two server processes, and the target run: 200 users
with 10 s think time over two processes (targets: zero errors, p95 under 1 s, RSS under 1.5 GB
per process). Medians and p95 over repeated runs; the app's caches off for every ratio.

It prints one table of the targets (met, or missed by how much) and one of the figures, and
writes bench/results/run-<scale>.json. ``--smoke`` runs all of it at tiny sizes in under two
minutes (CI). Generated SQLite files are kept in --workdir and reused; PostgreSQL databases are
created for the run and dropped at its end.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import sqlite3
import sys
import time
from datetime import date, datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import report  # noqa: E402
from bench.databases import DEFAULT_PG_SERVER, DEFAULT_WORKDIR, BenchDatabases  # noqa: E402
from bench.generate import DEFAULT_SEED  # noqa: E402
from models.db import dispose_engines  # noqa: E402

os.environ.setdefault("STREAMLIT_LOGGER_LEVEL", "error")   # bare-mode warnings of the in-process measurements
import streamlit.logger  # noqa: E402

streamlit.logger.set_log_level("error")


def log(message: str) -> None:
    print(f"{datetime.now():%H:%M:%S} {message}", flush=True)


def machine(pg_url: str | None) -> dict:
    import psutil
    import streamlit

    model = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                  if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    info = {"cpus": os.cpu_count(), "cpu_model": model, "memory_gb": round(psutil.virtual_memory().total / 2**30, 1),
            "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "streamlit": streamlit.__version__,
            "load_average_at_start": [round(x, 2) for x in os.getloadavg()]}
    if pg_url:
        try:
            import sqlalchemy as sa

            from models.db import normalise_url

            engine = sa.create_engine(normalise_url(pg_url))
            with engine.connect() as conn:
                info["postgresql"] = conn.exec_driver_sql("SHOW server_version").scalar_one()
            engine.dispose()
        except Exception as exc:  # noqa: BLE001
            info["postgresql"] = f"unreachable: {exc}"
    return info


def plan(args) -> dict:
    """Sizes, repeats and durations for this kind of run."""
    if args.smoke:
        return {"base": "tiny", "target": "tiny" if args.scale is None else args.scale, "rep_repeats": 5,
                "kpi_repeats": 3, "naive_repeats": 1, "apptest_repeats": 1, "compare_seconds": 3, "ws_seconds": 5,
                "users": (5, 10), "compare_configs": 2, "what_if": False, "floor_rounds": 1,
                "target_load": (10, 2, 1.0), "target_seconds": 5}
    scale = args.scale or "medium"
    seconds = args.ws_seconds or (15 if args.quick else 120 if scale == "large" else 40)
    return {"base": "small", "target": scale, "rep_repeats": 10 if args.quick else 30,
            "kpi_repeats": 3 if args.quick else 7, "naive_repeats": 1 if args.quick else 3,
            "apptest_repeats": 1 if args.quick else 3, "compare_seconds": max(5, seconds // 4), "ws_seconds": seconds,
            "users": (20, 100), "compare_configs": 4, "what_if": True,
            "floor_rounds": 3 if args.quick else 10,
            # issue 18's target: 200 users, 10 s think time, two server processes
            "target_load": (200, 2, 10.0), "target_seconds": max(40, seconds)}


def rep_section(dbs: BenchDatabases, dialect: str, p: dict) -> dict:
    from bench import rep_bench

    out = {}
    for which in ("base", "target"):
        url = dbs.url(dialect, p[which])
        log(f"[{dialect}] rep queries at {p[which]} ...")
        out[which] = {"scale": p[which], **rep_bench.run(url, dbs.anchor, p["rep_repeats"])}
        dispose_engines()
    out["ratio_large_to_small"] = {
        q: round(out["target"]["cold"][q]["median_ms"] / out["base"]["cold"][q]["median_ms"], 2)
        for q in out["target"]["cold"]}
    return out


def load_section(url: str, dialect: str, p: dict, workdir: Path) -> dict:
    from bench.ws_load import load_run

    configs = [(True, "auto"), (False, "auto"), (True, "none"), (False, "none")]
    if p["compare_configs"] < 4:
        configs = [(True, "auto"), (False, "none")]
    small_users, big_users = p["users"]
    runs = []
    log(f"[{dialect}] load: postScriptGC x fileWatcherType, {small_users} users, {p['compare_seconds']}s each ...")
    for gc, watcher in configs:
        runs.append(load_run(url, users=small_users, seconds=p["compare_seconds"], post_script_gc=gc,
                             file_watcher=watcher, workdir=workdir, log=log))
    best = max(runs, key=lambda r: (r["errors"] == 0, r["reruns_per_second"] or 0))
    gc, watcher = best["post_script_gc"], best["file_watcher"]
    log(f"[{dialect}] load with the best settings (postScriptGC={str(gc).lower()}, fileWatcherType={watcher}) ...")
    headline = ((small_users, 1), (big_users, 1), (big_users, 2))
    if not p["what_if"]:   # smoke: one run per user count
        headline = ((small_users, 1), (big_users, 2))
    for users, processes in headline:
        run = load_run(url, users=users, seconds=p["ws_seconds"], processes=processes, post_script_gc=gc,
                       file_watcher=watcher, workdir=workdir, log=log)
        run["headline"] = True
        runs.append(run)
    users, processes, think = p["target_load"]
    log(f"[{dialect}] load target: {users} users, {think:g} s think time, {processes} processes ...")
    run = load_run(url, users=users, seconds=p["target_seconds"], processes=processes, think=think,
                   post_script_gc=gc, file_watcher=watcher, workdir=workdir, log=log)
    run["headline"] = run["target_run"] = True
    runs.append(run)
    if p["what_if"]:
        log(f"[{dialect}] load what-if: the same app with streamlit-authenticator's auto_hash off ...")
        runs.append(load_run(url, users=big_users, seconds=p["ws_seconds"], post_script_gc=gc, file_watcher=watcher,
                             workdir=workdir, auth_fix=True, log=log))
    return {"best_settings": {"post_script_gc": gc, "file_watcher": watcher}, "runs": runs}


def run_database(dbs: BenchDatabases, dialect: str, p: dict, args) -> dict:
    from bench import apptest_bench, kpi_bench

    started = time.perf_counter()
    out: dict = {}
    url = dbs.url(dialect, p["target"])
    out["generation"] = {k: v for k, v in dbs.generation(dialect, p["target"]).items() if k != "url"}
    if "rep" not in args.skip:
        out["rep_queries"] = rep_section(dbs, dialect, p)
    if "kpis" not in args.skip:
        log(f"[{dialect}] KPIs at {p['target']} ...")
        out["kpis"] = kpi_bench.run(url, dbs.anchor, repeats=p["kpi_repeats"], naive_repeats=p["naive_repeats"],
                                    log=log)
        dispose_engines()
    if "apptest" not in args.skip:
        log(f"[{dialect}] AppTest page reruns ...")
        out["apptest"] = apptest_bench.run(url, p["apptest_repeats"])
        dispose_engines()
    if "floor" not in args.skip:
        from bench import page_cost

        log(f"[{dialect}] page rerun cost against the trivial app (floor), {p['floor_rounds']} round(s) ...")
        out["page_cost"] = page_cost.run(url, rounds=p["floor_rounds"], workdir=args.workdir / "floor",
                                        warmup=not args.smoke, log=log)
        dispose_engines()
    if "load" not in args.skip:
        out["load"] = load_section(url, dialect, p, args.workdir / "ws")
    out["seconds"] = round(time.perf_counter() - started, 1)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["tiny", "small", "medium", "large"], default=None,
                        help="the bigger scale (default medium; --smoke: tiny)")
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="fewer repeats and 15-second load runs")
    parser.add_argument("--smoke", action="store_true", help="everything at tiny size, in under two minutes (CI)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--anchor", type=date.fromisoformat, default=None,
                        help="the data's 'now' (default: today, so the app's time windows see live data)")
    parser.add_argument("--ws-seconds", type=int, default=None,
                        help="seconds per load run (default 120 at large, 40 below)")
    parser.add_argument("--pg-url", default=DEFAULT_PG_SERVER,
                        help="PostgreSQL server URL (databases are created there)")
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    parser.add_argument("--skip", default="", help="comma-separated parts to skip: rep,kpis,apptest,floor,load")
    parser.add_argument("--out", type=Path, default=None, help="result file (default bench/results/run-<scale>.json)")
    args = parser.parse_args(argv)
    args.skip = {s.strip() for s in args.skip.split(",") if s.strip()}
    p = plan(args)
    anchor = args.anchor or datetime.now(timezone.utc).date()
    dialects = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    out_path = args.out or ROOT / "bench" / "results" / f"run-{'smoke' if args.smoke else p['target']}.json"
    started = time.perf_counter()
    result = {"generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
              "command": " ".join(["python bench/run.py", *(argv if argv is not None else sys.argv[1:])]),
              "machine": machine(args.pg_url if "postgresql" in dialects else None), "plan": p,
              "seed": args.seed, "anchor": anchor.isoformat(), "databases": {}}
    log(f"plan: {p}; anchor {anchor}; databases {dialects}")
    dbs = BenchDatabases(workdir=args.workdir, pg_server=args.pg_url, seed=args.seed, anchor=anchor, log=log)
    try:
        for dialect in dialects:
            result["databases"][dialect] = run_database(dbs, dialect, p, args)
            dbs.drop_postgresql()
    finally:
        dbs.drop_postgresql()
    result["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    result["seconds"] = round(time.perf_counter() - started, 1)
    result["targets"] = report.targets(result)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    out_path.write_text(json.dumps(result, indent=2, default=str) + "\n")
    print()
    print(report.table(report.targets(result), ["database", "target", "value", "goal", "verdict"]))
    print()
    print(report.table(report.measurements(result), ["database", "measure", "cold p50 / p95 ms", "warm p50 ms"]))
    print(f"\n{len(dialects)} database(s), scale {p['target']} (rep base {p['base']}), "
          f"{result['seconds']:.0f}s; wrote {out_path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
