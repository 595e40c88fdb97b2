"""The executive KPI set (``queries.kpis.all_kpis``) for a 12-month period, all territories and
one territory, against the two baselines computed in the same run on the same data:
(a) naive pandas (read the tables whole, compute in DataFrames), (b) DuckDB over its own copy.

Cold = the application's caches off (``all_kpis`` called directly, a fresh session each time;
the database's own page cache is warm after a first untimed run, as on a live server).
Warm = the dashboard's own reads (``pages.dashboard._numbers``: the period's KPIs, the previous
period's and the lifetime ones, each one ``ui.reads.cached_read``) answering a repeat.
Every run's results are compared: the app, pandas and DuckDB must agree exactly.
"""
from __future__ import annotations

from datetime import date, datetime, time as dtime, timedelta, timezone

from bench import duckdb_baseline, naive_pandas
from bench.kpi_reference import Period, differences
from bench.timing import summary, timed
from models.db import get_engine, read_session
from models.enums import Role
from queries.kpis import KpiFilter, all_kpis
from queries.scope import Viewer

EXECUTIVE = Viewer(id=0, username="bench", display_name="bench", role=Role.executive, territory_id=None)


def twelve_months_before(anchor: date) -> tuple[date, date]:
    """The 12 whole months before the anchor's month."""
    end = anchor.replace(day=1) - timedelta(days=1)
    return date(end.year - 1 + (end.month == 12), end.month % 12 + 1, 1), end


def biggest_territory(url: str) -> int:
    with get_engine(url).connect() as conn:
        return conn.exec_driver_sql("SELECT territory_id FROM lead WHERE territory_id IS NOT NULL "
                                    "GROUP BY territory_id ORDER BY COUNT(*) DESC, territory_id LIMIT 1").scalar_one()


def filters(url: str, anchor: date) -> dict[str, KpiFilter]:
    start, end = twelve_months_before(anchor)
    as_of = datetime.combine(anchor, dtime(0, 0), tzinfo=timezone.utc)
    return {"all territories": KpiFilter(start, end, as_of),
            "one territory": KpiFilter(start, end, as_of, territory_id=biggest_territory(url))}


def period_of(f: KpiFilter) -> Period:
    return Period(f.start, f.end, f.as_of, f.territory_id)


def app_kpis(url: str, f: KpiFilter) -> dict:
    with read_session(get_engine(url)) as session:
        return all_kpis(EXECUTIVE, f, session=session)


def warm_timings(url: str, fs: dict[str, KpiFilter], repeats: int) -> dict:
    """The dashboard's own cached reads (both periods' KPIs and the lifetime ones), filled then hit."""
    import streamlit as st
    from ui.reads import clear_caches as clear_read_caches

    from bench.rep_bench import app_database

    out = {}
    with app_database(url):
        from pages.dashboard import _numbers

        clear_read_caches()
        st.cache_resource.clear()
        for label, f in fs.items():
            fill, _ = timed(_numbers, EXECUTIVE, f)
            hits = [timed(_numbers, EXECUTIVE, f)[0] for _ in range(repeats)]
            out[label] = {"fill_ms": round(fill * 1000, 1), **summary(hits)}
        clear_read_caches()
        st.cache_resource.clear()
    return out


def run(url: str, anchor: date, *, repeats: int, naive_repeats: int, log=print) -> dict:
    fs = filters(url, anchor)
    results = {label: app_kpis(url, f) for label, f in fs.items()}      # untimed first run
    app = {label: [] for label in fs}
    duck = {label: [] for label in fs}
    naive = {label: [] for label in fs}
    mismatches: dict[str, dict] = {}

    log("    naive pandas: read the tables, compute ...")
    load_seconds = []
    frames = None
    for _ in range(naive_repeats):
        frames = None
        load, frames = timed(naive_pandas.load_frames, url)
        load_seconds.append(load)
        for label, f in fs.items():
            compute, ref = timed(naive_pandas.kpis, frames, period_of(f))
            naive[label].append(load + compute)
            if diff := differences(results[label], ref):
                mismatches[f"pandas / {label}"] = {k: [str(a), str(b)] for k, (a, b) in diff.items()}
    duck_load, con = timed(duckdb_baseline.load, frames)
    del frames
    log(f"    DuckDB loaded in {duck_load:.1f}s; app and DuckDB x {repeats} ...")
    for _ in range(repeats):
        for label, f in fs.items():
            s, _ = timed(app_kpis, url, f)
            app[label].append(s)
            s, ref = timed(duckdb_baseline.kpis, con, period_of(f))
            duck[label].append(s)
            if diff := differences(results[label], ref):
                mismatches[f"duckdb / {label}"] = {k: [str(a), str(b)] for k, (a, b) in diff.items()}
    con.close()
    out = {"period": {"start": fs["all territories"].start.isoformat(), "end": fs["all territories"].end.isoformat(),
                      "as_of": fs["all territories"].as_of.isoformat(),
                      "territory_id": fs["one territory"].territory_id},
           "naive_load_seconds": summary(load_seconds), "duckdb_load_seconds": round(duck_load, 2),
           "results_equal": not mismatches, "mismatches": mismatches, "by_filter": {}}
    for label in fs:
        a, n, d = summary(app[label]), summary(naive[label]), summary(duck[label])
        out["by_filter"][label] = {
            "app_cold": a, "naive_pandas": n, "duckdb": d,
            "speedup_vs_naive": round(n["median_ms"] / a["median_ms"], 2),
            "ratio_to_duckdb": round(a["median_ms"] / d["median_ms"], 2)}
    try:
        out["app_warm"] = warm_timings(url, fs, repeats)
    except Exception as exc:  # noqa: BLE001 - the warm figure is reported beside; never hides the cold one
        out["app_warm"] = {"error": f"{type(exc).__name__}: {exc}"}
    return out
