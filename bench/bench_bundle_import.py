#!/usr/bin/env python
"""Benchmark: import a generated bundle (default 1,000,000 rows, mostly leads and activities) on
SQLite and PostgreSQL, beside each database's own bulk loader on the same CSV files.

    python bench/bench_bundle_import.py [--rows N] [--pg-url URL | --no-pg] [--workdir DIR] [--repeat N]

For each database a fresh database is created and migrated; ``manage.py import-bundle`` runs in
a child process whose peak RSS is sampled (psutil) and also read from the child's own
getrusage. The bulk loader is ``sqlite3 .import`` (the sqlite3 command-line shell; Python's
sqlite3 executemany of csv rows when the shell is missing — the result says which) and
PostgreSQL ``COPY ... FROM STDIN`` through psycopg, each into text-column tables of a fresh
database. Target (issue 6): import within 3x of the bulk loader, peak RSS under 500 MB.
Results: bench/results/bundle_import.json.
"""
from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import datetime, timezone
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from models.db import dispose_engines, get_engine, normalise_url  # noqa: E402
from bench.bundle_data import generate_bundle  # noqa: E402
from models.migrate import upgrade_to_head  # noqa: E402

TARGET_RATIO = 3.0
TARGET_RSS_MB = 500


# -- running the importer ------------------------------------------------------------------------------
CHILD = """
import json, resource, sys, time
sys.path.insert(0, {root!r})
from models.db import get_engine
from services.bundle import import_bundle
engine = get_engine({url!r})
started = time.perf_counter()
report = import_bundle({bundle!r}, engine=engine, show_progress={progress!r})
seconds = time.perf_counter() - started
print(json.dumps({{"seconds": seconds, "rows": report.total_rows,
                  "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def run_import(url: str, bundle: Path, progress: bool) -> dict:
    code = CHILD.format(root=str(ROOT), url=url, bundle=str(bundle), progress=progress)
    started = time.perf_counter()
    child = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, cwd=ROOT)
    proc = psutil.Process(child.pid)
    peak = 0
    while child.poll() is None:
        try:
            peak = max(peak, proc.memory_info().rss)
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    out = child.stdout.read().decode()
    if child.returncode != 0:
        raise SystemExit(f"import failed on {url}: exit {child.returncode}")
    result = json.loads(out.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - started
    result["sampled_peak_rss_mb"] = peak / 2**20
    return result


# -- the bulk loaders ----------------------------------------------------------------------------------
def sqlite_bulk_load(bundle: Path, path: Path) -> dict:
    files = sorted(bundle.glob("*.csv"))
    shell = shutil.which("sqlite3")
    started = time.perf_counter()
    if shell:
        script = ".mode csv\n" + "".join(f".import '{f}' raw_{f.stem}\n" for f in files)
        subprocess.run([shell, str(path)], input=script.encode(), check=True)
        how = "sqlite3 shell .import"
    else:
        conn = sqlite3.connect(path)
        for f in files:
            with open(f, encoding="utf-8", newline="") as handle:
                reader = csv.reader(handle)
                header = next(reader)
                conn.execute(f"CREATE TABLE raw_{f.stem} ({', '.join(f'c{i} TEXT' for i in range(len(header)))})")
                conn.executemany(f"INSERT INTO raw_{f.stem} VALUES ({', '.join('?' * len(header))})", reader)
        conn.commit()
        conn.close()
        how = "python sqlite3 executemany (sqlite3 shell not found)"
    return {"seconds": time.perf_counter() - started, "how": how}


def pg_bulk_load(bundle: Path, url: str) -> dict:
    import psycopg

    conninfo = normalise_url(url).replace("postgresql+psycopg://", "postgresql://")
    started = time.perf_counter()
    with psycopg.connect(conninfo) as conn, conn.cursor() as cur:
        for f in sorted(bundle.glob("*.csv")):
            with open(f, encoding="utf-8", newline="") as handle:
                header = next(csv.reader(handle))
            cur.execute(f"CREATE TABLE raw_{f.stem} ({', '.join(f'c{i} TEXT' for i in range(len(header)))})")
            with open(f, "rb") as handle, cur.copy(f"COPY raw_{f.stem} FROM STDIN WITH (FORMAT csv, HEADER true)") as copy:
                while chunk := handle.read(1 << 20):
                    copy.write(chunk)
        conn.commit()
    return {"seconds": time.perf_counter() - started, "how": "PostgreSQL COPY FROM STDIN (psycopg)"}


# -- databases ---------------------------------------------------------------------------------------------
class PgDatabases:
    def __init__(self, server_url: str):
        import sqlalchemy as sa

        self.sa = sa
        self.server = sa.engine.make_url(normalise_url(server_url))
        self.admin = sa.create_engine(self.server.set(database="postgres"), isolation_level="AUTOCOMMIT")
        self.names: list[str] = []

    def create(self, label: str) -> str:
        name = f"bench_{label}_{uuid.uuid4().hex[:6]}"
        with self.admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        self.names.append(name)
        return self.server.set(database=name).render_as_string(hide_password=False)

    def drop_all(self) -> None:
        dispose_engines()
        with self.admin.connect() as conn:
            for name in self.names:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        self.admin.dispose()


def count_rows(url: str) -> int:
    tables = ["territory", "app_user", "account", "campaign", "event", "campaign_note", "note_read", "lead",
              "opportunity", "activity", "monthly_target", "feedback", "setting"]
    with get_engine(url).connect() as conn:
        return sum(conn.exec_driver_sql(f'SELECT COUNT(*) FROM "{t}"').scalar_one() for t in tables)


def bench_database(label: str, import_url: str, bulk: dict, bundle: Path, rows: int, progress: bool) -> dict:
    upgrade_to_head(get_engine(import_url))
    dispose_engines()
    print(f"[{label}] importing {rows:,} rows ...", flush=True)
    result = run_import(import_url, bundle, progress)
    imported = count_rows(import_url)
    dispose_engines()
    peak = max(result["maxrss_mb"], result["sampled_peak_rss_mb"])
    ratio = result["seconds"] / bulk["seconds"]
    entry = {
        "database": label,
        "rows": rows,
        "rows_in_database_after_import": imported,
        "import_seconds": round(result["seconds"], 2),
        "import_rows_per_second": round(rows / result["seconds"]),
        "peak_rss_mb": round(peak, 1),
        "bulk_loader": bulk["how"],
        "bulk_loader_seconds": round(bulk["seconds"], 2),
        "bulk_loader_rows_per_second": round(rows / bulk["seconds"]),
        "ratio_import_to_bulk_loader": round(ratio, 2),
        "within_3x_of_bulk_loader": ratio <= TARGET_RATIO,
        "peak_rss_under_500_mb": peak < TARGET_RSS_MB,
    }
    print(f"[{label}] import {entry['import_seconds']}s ({entry['import_rows_per_second']:,} rows/s), "
          f"peak RSS {entry['peak_rss_mb']} MB; {bulk['how']}: {entry['bulk_loader_seconds']}s "
          f"({entry['bulk_loader_rows_per_second']:,} rows/s); ratio {entry['ratio_import_to_bulk_loader']}x "
          f"(target <= {TARGET_RATIO}x: {'met' if entry['within_3x_of_bulk_loader'] else 'NOT met'}; "
          f"RSS < {TARGET_RSS_MB} MB: {'met' if entry['peak_rss_under_500_mb'] else 'NOT met'})", flush=True)
    return entry


def summarise(entries: list[dict]) -> dict:
    """One entry per database: the median import and bulk-loader times and ratio, the largest
    peak RSS; every run under ``runs``."""
    if len(entries) == 1:
        return {**entries[0], "runs": entries}
    first = entries[0]
    seconds = statistics.median(e["import_seconds"] for e in entries)
    bulk = statistics.median(e["bulk_loader_seconds"] for e in entries)
    ratio = statistics.median(e["ratio_import_to_bulk_loader"] for e in entries)
    peak = max(e["peak_rss_mb"] for e in entries)
    rows = first["rows"]
    return {
        "database": first["database"],
        "rows": rows,
        "rows_in_database_after_import": first["rows_in_database_after_import"],
        "import_seconds": round(seconds, 2),
        "import_rows_per_second": round(rows / seconds),
        "peak_rss_mb": peak,
        "bulk_loader": first["bulk_loader"],
        "bulk_loader_seconds": round(bulk, 2),
        "bulk_loader_rows_per_second": round(rows / bulk),
        "ratio_import_to_bulk_loader": round(ratio, 2),
        "within_3x_of_bulk_loader": ratio <= TARGET_RATIO,
        "peak_rss_under_500_mb": peak < TARGET_RSS_MB,
        "statistic": f"median of {len(entries)} runs (ratio: median of the per-run ratios); peak RSS: the largest",
        "runs": entries,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
                        help="a PostgreSQL server URL; fresh databases are created there and dropped after")
    parser.add_argument("--no-pg", action="store_true")
    parser.add_argument("--no-sqlite", action="store_true")
    parser.add_argument("--workdir", type=Path, default=None, help="where the bundle and SQLite files go (default: a temp dir)")
    parser.add_argument("--progress", action="store_true", help="show the importer's progress output")
    parser.add_argument("--repeat", type=int, default=1,
                        help="run the bulk loader and the import N times each (alternating, fresh databases); "
                             "report medians (the machine may be shared)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "bundle_import.json")
    args = parser.parse_args(argv)

    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-bundle-"))
    workdir.mkdir(parents=True, exist_ok=True)
    bundle = workdir / "bundle"
    if bundle.exists():
        shutil.rmtree(bundle)
    started = time.perf_counter()
    sizes = generate_bundle(bundle, args.rows)
    rows = sum(sizes.values())
    size_mb = sum(p.stat().st_size for p in bundle.glob("*.csv")) / 2**20
    print(f"generated {rows:,} rows ({size_mb:.0f} MB) in {time.perf_counter() - started:.1f}s: {sizes}", flush=True)

    runs: dict[str, list[dict]] = {}
    for i in range(args.repeat):
        if args.repeat > 1:
            print(f"-- run {i + 1} of {args.repeat}", flush=True)
        if not args.no_sqlite:
            for stale in workdir.glob("*.db*"):
                stale.unlink()
            bulk = sqlite_bulk_load(bundle, workdir / "bulk.db")
            runs.setdefault("sqlite", []).append(
                bench_database("sqlite", f"sqlite:///{workdir / 'import.db'}", bulk, bundle, rows, args.progress))
        if not args.no_pg:
            pg = PgDatabases(args.pg_url)
            try:
                bulk = pg_bulk_load(bundle, pg.create("bulk"))
                runs.setdefault("postgresql", []).append(
                    bench_database("postgresql", pg.create("import"), bulk, bundle, rows, args.progress))
            finally:
                pg.drop_all()
    results = [summarise(entries) for entries in runs.values()]
    for entry in results:
        if len(entry["runs"]) > 1:
            print(f"[{entry['database']}] median of {len(entry['runs'])} runs: import {entry['import_seconds']}s "
                  f"({entry['import_rows_per_second']:,} rows/s), bulk loader {entry['bulk_loader_seconds']}s, "
                  f"ratio {entry['ratio_import_to_bulk_loader']}x, peak RSS (max) {entry['peak_rss_mb']} MB", flush=True)
    payload = {"generated_at": datetime.now(timezone.utc).isoformat(timespec="seconds"), "rows": rows,
               "bundle_mb": round(size_mb, 1), "files": sizes, "cpu_count": os.cpu_count(),
               "target": f"within {TARGET_RATIO:g}x of the bulk loader, peak RSS under {TARGET_RSS_MB} MB",
               "results": results}
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(payload, indent=2) + "\n")
    print(f"wrote {args.out}")
    if args.workdir is None:
        shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
