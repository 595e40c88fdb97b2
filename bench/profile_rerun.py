#!/usr/bin/env python
"""Where a click goes: cProfile of warm reruns of each role's pages (AppTest, signed in as a real
user of the generated data), grouped by the part of the app the time is spent under.

    python bench/profile_rerun.py --db URL [--reruns 5] [--top 25] [--role rep] [--page leads] [--cold]

For each page: the median wall time of ``--reruns`` warm reruns, then the cumulative time under
each part (the sign-in gate ``ui.session.resolve_viewer``, the cookie component
``make_authenticator`` — drawn only while nobody is signed in, so 0 for a signed-in rerun —, navigation, the page's ``render``, SQL execution, the read cache's
look-ups (``ui.reads.cached_read``), charts, dataframes) and the top functions by own time. The parts overlap (SQL is
also inside the page); each is the share of the rerun spent inside it. ``--cold`` clears the
pages' caches (the read cache and the dashboard's figures) before each rerun: a first visit.
Only the script thread is profiled; reads the page prefetches (``ui.reads.prefetch``) run on
other threads and show here as the script's waits for them. AppTest is not the server: it
compiles every script again and resets Streamlit's multipage mode on each run, costs a served
rerun does not have (bench/README.md, tenth session, sampled the server itself instead).
"""
from __future__ import annotations

import argparse
import cProfile
import pstats
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench.apptest_bench import app_env, clear_page_caches, signed_in, user_of
from bench.ws_load import ROLE_PAGES

# part -> (file suffix, function name) whose cumulative time is reported
PARTS = {
    "sign-in gate (resolve_viewer)": ("ui/session.py", "resolve_viewer"),
    "cookie component (make_authenticator)": ("ui/session.py", "make_authenticator"),
    "language": ("ui/language.py", "apply_language"),
    "navigation (st.navigation)": ("app.py", "_navigation_for"),
    "page run (nav.run)": ("streamlit/navigation/page.py", "run"),
    "SQL execute": ("sqlalchemy/engine/base.py", "_execute_context"),
    "read cache (ui.reads.cached_read)": ("ui/reads.py", "cached_read"),
    "st.cache_resource wrapper": ("streamlit/runtime/caching/cache_utils.py", "__call__"),
    "plotly_chart": ("streamlit/elements/plotly_chart.py", "plotly_chart"),
    "plotly figure build (express)": ("plotly/express/_core.py", "make_figure"),
    "dataframe": ("streamlit/elements/arrow.py", "dataframe"),
    "metric": ("streamlit/elements/metric.py", "metric"),
    "markdown/caption": ("streamlit/elements/markdown.py", "markdown"),
}


def _cumulative(stats: pstats.Stats, suffix: str, name: str) -> float:
    total = 0.0
    for (filename, _line, func), (_cc, _nc, _tt, ct, _callers) in stats.stats.items():
        if func == name and filename.replace("\\", "/").endswith(suffix):
            total = max(total, ct)   # recursion-safe: the outermost frame's cumulative time
    return total


def switch_to(at, url_path: str) -> None:
    """Switch to the page at this address through AppTest's public switch_page (pages are files)."""
    from ui.registry import PAGES

    spec = next((p for p in PAGES if p.url_path == url_path), None)
    if spec is None:
        raise RuntimeError(f"no page {url_path!r}: {[p.url_path for p in PAGES]}")
    at.switch_page(spec.script)


_PROFILER: list[cProfile.Profile] = []


def _install_script_thread_profiler() -> None:
    """AppTest runs the script in its own thread: profile inside it, around the script's code."""
    from streamlit.runtime.scriptrunner import script_runner

    original = script_runner.exec_func_with_error_handling

    def profiled(func, ctx):
        if not _PROFILER:
            return original(func, ctx)
        _PROFILER[0].enable()
        try:
            return original(func, ctx)
        finally:
            _PROFILER[0].disable()

    script_runner.exec_func_with_error_handling = profiled


def profile_page(at, url_path: str, reruns: int, cold: bool = False) -> tuple[float, pstats.Stats]:
    switch_to(at, url_path)
    at.run()                      # first visit: imports, cache fills
    walls = []
    profiler = cProfile.Profile()
    _PROFILER[:] = [profiler]
    for _ in range(reruns):
        if cold:
            clear_page_caches()
        started = time.perf_counter()
        at.run()
        walls.append(time.perf_counter() - started)
        if at.exception:
            raise RuntimeError(f"{url_path}: {at.exception[0].value}")
    _PROFILER.clear()
    return statistics.median(walls), pstats.Stats(profiler)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--reruns", type=int, default=5)
    parser.add_argument("--top", type=int, default=15)
    parser.add_argument("--role", default=None)
    parser.add_argument("--page", default=None)
    parser.add_argument("--cold", action="store_true", help="clear the pages' caches before each rerun")
    args = parser.parse_args(argv)
    import streamlit.logger

    streamlit.logger.set_log_level("error")
    _install_script_thread_profiler()
    with app_env(args.db):
        for role, pages in ROLE_PAGES.items():
            if args.role and role != args.role:
                continue
            at = signed_in(user_of(args.db, role), 600)
            for page in pages:
                if args.page and page != args.page:
                    continue
                wall, stats = profile_page(at, page, args.reruns, cold=args.cold)
                total = sum(tt for (_cc, _nc, tt, _ct, _c) in stats.stats.values()) / args.reruns
                print(f"\n=== {role}: {page} — median {'cold' if args.cold else 'warm'} rerun {wall * 1000:.0f} ms "
                      f"(profiled {total * 1000:.0f} ms/rerun)")
                for part, (suffix, name) in PARTS.items():
                    ct = _cumulative(stats, suffix, name) / args.reruns
                    if ct >= 0.0005:
                        print(f"  {part:<42} {ct * 1000:8.1f} ms  {ct / total:5.0%}")
                print("  top own time:")
                rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)[:args.top]
                for (filename, line, func), (_cc, nc, tt, ct, _c) in rows:
                    short = filename.split("site-packages/")[-1].replace(str(ROOT) + "/", "")
                    print(f"    {tt / args.reruns * 1000:7.1f} ms own {ct / args.reruns * 1000:7.1f} ms cum "
                          f"{nc // args.reruns:6d}x  {short}:{line} {func}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
