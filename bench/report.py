"""The run's verdicts against the targets of issue 8, and the table run.py prints."""
from __future__ import annotations

REP_RATIO = 1.5
NAIVE_SPEEDUP = 20.0
DUCKDB_RATIO = 2.0
RSS_LIMIT_MB = 1536.0
P95_LIMIT_MS = 1000.0   # the 200-user target run's rerun latency
FLOOR_RATIO = 3.0
DASHBOARD_MS = 1000.0   # the executive dashboard's first paint and a filter change (issue 18)



def _ms(value) -> str:
    """A timing in whole ms; '—' when too few samples gave none (a smoke run's p95)."""
    return "—" if value is None else f"{value:.0f}"

def _verdict(value, target, *, higher_is_better: bool) -> tuple[bool | None, str]:
    if value is None:
        return None, "not measured"
    met = value >= target if higher_is_better else value <= target
    if met:
        return True, "met"
    by = target / value if higher_is_better else value / target
    return False, f"missed by {by:.1f}x"


def targets(result: dict) -> list[dict]:
    """One row per target: what, measured value, target, met?"""
    rows = []
    for dialect, r in result["databases"].items():
        for query, q in (r.get("rep_queries", {}).get("ratio_large_to_small") or {}).items():
            ok, how = _verdict(q, REP_RATIO, higher_is_better=False)
            rows.append({"database": dialect, "target": f"rep query {query}: target/base scale time",
                         "value": q, "goal": f"<= {REP_RATIO}", "met": ok, "verdict": how})
        for label, k in (r.get("kpis", {}).get("by_filter") or {}).items():
            ok, how = _verdict(k["speedup_vs_naive"], NAIVE_SPEEDUP, higher_is_better=True)
            rows.append({"database": dialect, "target": f"KPIs {label}: faster than naive pandas",
                         "value": k["speedup_vs_naive"], "goal": f">= {NAIVE_SPEEDUP:g}x", "met": ok, "verdict": how})
            ok, how = _verdict(k["ratio_to_duckdb"], DUCKDB_RATIO, higher_is_better=False)
            rows.append({"database": dialect, "target": f"KPIs {label}: time / DuckDB's",
                         "value": k["ratio_to_duckdb"], "goal": f"<= {DUCKDB_RATIO:g}x", "met": ok, "verdict": how})
        dash = (r.get("apptest") or {}).get("executive")
        if dash:
            duckdb_ms = ((r.get("kpis") or {}).get("by_filter") or {}).get("all territories", {}).get("duckdb", {})
            for what, sample in (("first paint (cold)", dash["cold"]),
                                 ("territory filter change (cold)", (dash.get("filter_change") or {}).get("cold"))):
                if not sample:
                    continue
                ms = sample["median_ms"]
                ok, how = _verdict(ms, DASHBOARD_MS, higher_is_better=False)
                if duckdb_ms.get("median_ms"):
                    how += f" ({ms / duckdb_ms['median_ms']:.1f}x DuckDB's all-territory KPI set)"
                rows.append({"database": dialect, "target": f"executive dashboard {what} (ms)", "value": ms,
                             "goal": f"< {DASHBOARD_MS:g}", "met": ok, "verdict": how})
        if "kpis" in r:
            rows.append({"database": dialect, "target": "KPI results equal to both baselines",
                         "value": r["kpis"]["results_equal"], "goal": "equal", "met": r["kpis"]["results_equal"],
                         "verdict": "met" if r["kpis"]["results_equal"] else "MISMATCH"})
        pc = r.get("page_cost")
        if pc:
            for key, page in pc["pages"].items():
                ok, how = _verdict(page["ratio_to_floor"], FLOOR_RATIO, higher_is_better=False)
                rows.append({"database": dialect, "target": f"page rerun {key}: cost / trivial app's",
                             "value": page["ratio_to_floor"], "goal": f"<= {FLOOR_RATIO:g}x", "met": ok,
                             "verdict": how})
            if pc["errors"]:
                rows.append({"database": dialect, "target": "page rerun cost: errors", "value": len(pc["errors"]),
                             "goal": "0", "met": False, "verdict": f"{len(pc['errors'])} errors"})
        for run in r.get("load", {}).get("runs", []):
            if not run.get("headline"):
                continue
            name = f"{run['users']} users x {run['processes']} process(es)"
            rows.append({"database": dialect, "target": f"load {name}: errors", "value": run["errors"],
                         "goal": "0", "met": run["errors"] == 0,
                         "verdict": "met" if run["errors"] == 0 else f"{run['errors']} errors"})
            if run.get("target_run"):
                p95 = run["latency_p95_ms"]
                ok, how = (False, "no samples") if p95 is None else _verdict(p95, P95_LIMIT_MS, higher_is_better=False)
                rows.append({"database": dialect, "target": f"load {name}, {run['think_seconds']:g} s think: p95 (ms)",
                             "value": p95, "goal": f"< {P95_LIMIT_MS:g}", "met": ok, "verdict": how})
            rss = max(run["peak_rss_mb_per_process"] or [0])
            ok, how = _verdict(rss, RSS_LIMIT_MB, higher_is_better=False)
            rows.append({"database": dialect, "target": f"load {name}: peak RSS per server (MB)", "value": rss,
                         "goal": f"< {RSS_LIMIT_MB:g}", "met": ok, "verdict": how})
    return rows


def _fmt(v) -> str:
    if isinstance(v, float):
        return f"{v:,.2f}"
    return str(v)


def table(rows: list[dict], headers: list[str]) -> str:
    cells = [[_fmt(row.get(h, "")) for h in headers] for row in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) if cells else len(h) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths)) + " |"
    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = ["| " + " | ".join(c.ljust(w) for c, w in zip(cell, widths)) + " |" for cell in cells]
    return "\n".join([line, sep, *body])


def measurements(result: dict) -> list[dict]:
    """The figures behind the targets, for the README table."""
    rows = []
    for dialect, r in result["databases"].items():
        rq = r.get("rep_queries")
        if rq:
            for query, base in rq["base"]["cold"].items():
                top = rq["target"]["cold"][query]
                rows.append({"database": dialect, "measure": f"rep: {query}",
                             "cold p50 / p95 ms": f"{base['median_ms']:.1f} / {base['p95_ms']:.1f} -> "
                                                  f"{top['median_ms']:.1f} / {top['p95_ms']:.1f}",
                             "warm p50 ms": f"{rq['target']['warm'][query]['median_ms']:.2f}"})
        k = r.get("kpis")
        if k:
            for label, f in k["by_filter"].items():
                warm = k.get("app_warm", {}).get(label, {})
                rows.append({"database": dialect, "measure": f"KPIs, {label}: app / pandas / DuckDB",
                             "cold p50 / p95 ms": f"{f['app_cold']['median_ms']:.0f} / {f['app_cold']['p95_ms']:.0f}"
                                                  f" | {f['naive_pandas']['median_ms']:.0f} | "
                                                  f"{f['duckdb']['median_ms']:.0f}",
                             "warm p50 ms": f"{warm.get('median_ms', float('nan')):.2f}"})
        for role, a in (r.get("apptest") or {}).items():
            rows.append({"database": dialect, "measure": f"AppTest rerun, {role}: {a['page']}",
                         "cold p50 / p95 ms": f"{a['cold']['median_ms']:.0f} / {a['cold']['p95_ms']:.0f}",
                         "warm p50 ms": f"{a['warm']['median_ms']:.0f}"})
            fc = a.get("filter_change")
            if fc:
                rows.append({"database": dialect, "measure": f"AppTest, {role}: territory filter change",
                             "cold p50 / p95 ms": f"{fc['cold']['median_ms']:.0f} / {fc['cold']['p95_ms']:.0f}",
                             "warm p50 ms": f"{fc['warm']['median_ms']:.0f}"})
        pc = r.get("page_cost")
        if pc:
            def drawn(summary: dict) -> str:   # result files before the tenth session have no count
                return f", {summary['deltas']} elements" if summary.get("deltas") is not None else ""

            def matched(page: dict) -> str:   # result files before the thirteenth session have none
                m = page.get("matched_floor")
                return (f"; floor drawing as many {_ms(m['median_ms'])}, page's own work {_ms(page['own_ms'])}"
                        if m else "")

            rows.append({"database": dialect, "measure": "rerun, trivial app (floor)",
                         "cold p50 / p95 ms": "",
                         "warm p50 ms": f"{_ms(pc['floor']['median_ms'])} (p95 {_ms(pc['floor']['p95_ms'])})"
                                        + drawn(pc["floor"])})
            for key, page in pc["pages"].items():
                rows.append({"database": dialect, "measure": f"rerun, {key} (x floor)", "cold p50 / p95 ms": "",
                             "warm p50 ms": f"{_ms(page['median_ms'])} (p95 {_ms(page['p95_ms'])}), "
                                            f"{page['ratio_to_floor']}x" + drawn(page) + matched(page)})
        for run in r.get("load", {}).get("runs", []):
            rows.append({"database": dialect,
                         "measure": f"load {run['users']} users x {run['processes']} proc, GC "
                                    f"{'on' if run['post_script_gc'] else 'off'}, watcher {run['file_watcher']}"
                                    f"{' (what-if: auto_hash off)' if run.get('what_if_auth_fix') else ''}",
                         "cold p50 / p95 ms": f"{run['latency_p50_ms']} / {run['latency_p95_ms']}",
                         "warm p50 ms": f"{run['reruns_per_second']} reruns/s, {run['errors']} err, "
                                        f"RSS {run['peak_rss_mb_total']} MB"})
    return rows


def markdown(result: dict) -> str:
    """The two tables of a result file, for bench/README.md's Performance section."""
    m = result["machine"]
    head = (f"`{result['command']}` — {result['generated_at']}, {result['seconds'] / 60:.0f} min; "
            f"scale {result['plan']['target']} (rep base {result['plan']['base']}), anchor {result['anchor']}; "
            f"load average {m.get('load_average_at_start')} → {m.get('load_average_at_end')}")
    return "\n\n".join([head, table(targets(result), ["database", "target", "value", "goal", "verdict"]),
                        table(measurements(result), ["database", "measure", "cold p50 / p95 ms", "warm p50 ms"])])


if __name__ == "__main__":
    import json
    import sys

    for path in sys.argv[1:]:
        with open(path) as fh:
            print(markdown(json.load(fh)) + "\n")
