"""The benchmark's own checks: generated data are valid and the KPIs computed on them equal two
independent computations (naive pandas, DuckDB), on SQLite and PostgreSQL; and ``bench/run.py
--smoke`` runs end to end and writes its results."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from bench import duckdb_baseline, naive_pandas
from bench.generate import generate, orphan_counts
from bench.kpi_bench import EXECUTIVE, biggest_territory, period_of
from bench.kpi_reference import differences
from bench.ws_load import ROLE_PAGES
from models.db import get_engine, read_session
from queries.kpis import KpiFilter, all_kpis

ROOT = Path(__file__).resolve().parent.parent
ANCHOR = date(2026, 11, 1)


def test_generated_data_give_the_same_kpis_as_pandas_and_duckdb(db_url):
    report = generate(db_url, "tiny", seed=3, anchor=ANCHOR, log=lambda _: None)
    assert report["rows"]["lead"] == 1_000 and report["rows"]["activity"] == 10_000
    assert orphan_counts(db_url) == {}
    frames = naive_pandas.load_frames(db_url)
    con = duckdb_baseline.load(frames)
    as_of = datetime(2026, 11, 1, tzinfo=timezone.utc)
    for territory in (None, biggest_territory(db_url)):
        f = KpiFilter(date(2025, 11, 1), date(2026, 10, 31), as_of, territory_id=territory)
        with read_session(get_engine(db_url)) as session:
            app = all_kpis(EXECUTIVE, f, session=session)
        assert app["won_deals"] > 0 and app["leads_assigned"] > 0 and app["note_read_rate"] is not None
        assert differences(app, naive_pandas.kpis(frames, period_of(f))) == {}
        assert differences(app, duckdb_baseline.kpis(con, period_of(f))) == {}


def test_generated_money_is_whole_cents_and_timestamps_are_naive_utc(sqlite_url):
    generate(sqlite_url, "tiny", seed=3, anchor=ANCHOR, log=lambda _: None)
    with get_engine(sqlite_url).connect() as conn:
        kind = conn.exec_driver_sql("SELECT typeof(amount) FROM opportunity WHERE amount IS NOT NULL LIMIT 1").scalar()
        stamp = conn.exec_driver_sql("SELECT created_at FROM lead LIMIT 1").scalar()
        bad = conn.exec_driver_sql("SELECT COUNT(*) FROM lead WHERE first_touch_at < assigned_at "
                                   "OR assigned_at < created_at OR created_at >= '2026-11-01'").scalar()
    assert kind == "integer"                          # money: integer cents
    assert len(stamp) == 26 and stamp[10] == " "      # 'YYYY-MM-DD HH:MM:SS.ffffff', as SQLAlchemy writes it
    assert bad == 0


@pytest.mark.slow
def test_run_smoke_writes_results(tmp_path):
    out = tmp_path / "run-smoke.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke", "--db", os.environ.get("BENCH_SMOKE_DB", "sqlite"),
         "--out", str(out), "--workdir", str(tmp_path / "work")],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)   # a loaded 2-core machine
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    result = json.loads(out.read_text())
    for r in result["databases"].values():
        assert r["kpis"]["results_equal"], r["kpis"]["mismatches"]
        # the dashboard's own cached reads, filled then hit (an error here hid the warm figure)
        assert "error" not in r["kpis"]["app_warm"], r["kpis"]["app_warm"]
        assert all(w["n"] >= 1 and w["fill_ms"] > 0 for w in r["kpis"]["app_warm"].values()), r["kpis"]["app_warm"]
        assert all(run["errors"] == 0 for run in r["load"]["runs"]), r["load"]["runs"]
        target_runs = [run for run in r["load"]["runs"] if run.get("target_run")]
        assert [(run["users"], run["processes"]) for run in target_runs] == [(10, 2)]
        assert target_runs[0]["reruns"] > 0
        assert set(r["apptest"]) == {"rep", "manager", "marketer", "executive", "admin"}
        change = r["apptest"]["executive"]["filter_change"]
        assert change["cold"]["n"] >= 1 and change["errors"] == [], change
        # the floor: every role's pages were rerun and compared with the trivial app in the same run
        cost = r["page_cost"]
        assert cost["errors"] == [] and cost["floor"]["n"] >= 1 and cost["floor"]["median_ms"] > 0
        assert set(cost["pages"]) == {f"{role}:{page}" for role, pages in ROLE_PAGES.items() for page in pages}
        for page in cost["pages"].values():
            assert page["n"] >= 1
            assert page["ratio_to_floor"] == round(page["median_ms"] / cost["floor"]["median_ms"], 2)
            # the element-matched floor drew as many elements as the page (the page draws more than 7)
            assert page["deltas"] > cost["floor"]["deltas"]
            assert page["matched_floor"]["deltas"] == page["deltas"], page
            assert page["own_ms"] == round(page["median_ms"] - page["matched_floor"]["median_ms"], 3)
    assert sum(t["target"].endswith("think: p95 (ms)") for t in result["targets"]) == len(result["databases"])
    floor_rows = [t for t in result["targets"] if t["target"].startswith("page rerun ")]
    assert len(floor_rows) == len(result["databases"]) * sum(len(p) for p in ROLE_PAGES.values())
    assert all(t["verdict"] == "met" or t["verdict"].startswith("missed by") for t in floor_rows)
    # The targets table's header; its columns are padded to the widest cell ("postgresql").
    assert result["targets"] and re.search(r"^\| database +\| target", done.stdout, re.MULTILINE)


def test_page_cost_targets_compare_each_page_with_the_floor():
    from bench import report

    result = {"databases": {"sqlite": {"page_cost": {
        "floor": {"n": 3, "median_ms": 10.0, "p95_ms": 12.0, "min_ms": 9.0}, "errors": [],
        "pages": {"rep:leads": {"n": 3, "median_ms": 25.0, "p95_ms": 30.0, "min_ms": 20.0, "ratio_to_floor": 2.5},
                  "executive:executive-dashboard": {"n": 3, "median_ms": 120.0, "p95_ms": 150.0, "min_ms": 100.0,
                                                    "ratio_to_floor": 12.0}}}}}}
    rows = {t["target"]: t for t in report.targets(result)}
    assert rows["page rerun rep:leads: cost / trivial app's"]["verdict"] == "met"
    assert rows["page rerun executive:executive-dashboard: cost / trivial app's"]["verdict"] == "missed by 4.0x"
    assert any("(x floor)" in m["measure"] for m in report.measurements(result))


def test_the_target_load_run_reports_its_p95_against_one_second():
    from bench import report

    def run(p95):
        return {"users": 200, "processes": 2, "think_seconds": 10.0, "headline": True, "target_run": True,
                "errors": 0, "latency_p95_ms": p95, "peak_rss_mb_per_process": [400.0, 410.0]}
    result = {"databases": {"sqlite": {"load": {"runs": [run(850.0)]}}, "postgresql": {"load": {"runs": [run(2500.0)]}}}}
    rows = {(t["database"], t["target"]): t for t in report.targets(result)}
    name = "load 200 users x 2 process(es), 10 s think: p95 (ms)"
    assert rows[("sqlite", name)]["verdict"] == "met"
    assert rows[("postgresql", name)]["verdict"] == "missed by 2.5x"


def test_the_dashboard_targets_are_first_paint_and_a_filter_change_under_one_second():
    from bench import report

    def sample(ms):
        return {"n": 3, "median_ms": ms, "p95_ms": ms, "min_ms": ms}
    result = {"databases": {"sqlite": {
        "apptest": {"executive": {"page": "Executive dashboard", "cold": sample(1500.0), "warm": sample(100.0),
                                  "filter_change": {"cold": sample(800.0), "warm": sample(90.0), "errors": []}}},
        "kpis": {"results_equal": True, "by_filter": {"all territories": {
            "duckdb": sample(400.0), "speedup_vs_naive": 25.0, "ratio_to_duckdb": 1.5}}}}}}
    rows = {t["target"]: t for t in report.targets(result)}
    paint = rows["executive dashboard first paint (cold) (ms)"]
    assert paint["verdict"] == "missed by 1.5x (3.8x DuckDB's all-territory KPI set)" and paint["met"] is False
    change = rows["executive dashboard territory filter change (cold) (ms)"]
    assert change["met"] is True and change["verdict"].startswith("met (2.0x DuckDB")
    del result["databases"]["sqlite"]["kpis"]
    assert any(m["measure"] == "AppTest, executive: territory filter change" for m in report.measurements(result))
