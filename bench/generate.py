#!/usr/bin/env python
"""Fill an empty OneVoice database with deterministic company-scale data.

    python bench/generate.py --scale small|medium|large|tiny [--db URL] [--seed N] [--anchor YYYY-MM-DD]

``large`` is DESIGN.md's company (100 territories, 5,000 users, 100,000 accounts, 2,000 campaigns,
20,000 events, 1,000,000 leads, 500,000 opportunities, 10,000,000 activities), ``medium`` a tenth,
``small`` a hundredth, ``tiny`` a thousandth (CI smoke). The data end at ``--anchor`` (the data
set's "now"; campaigns and events run 90 days past it) and reach 36 months back.

The schema comes from the migrations (``upgrade_to_head``). Loading is bulk: PostgreSQL ``COPY``
with foreign-key triggers off (``session_replication_role = replica``), SQLite ``executemany`` in
one transaction with the journal off; secondary indexes are dropped for the load and rebuilt
from their own DDL after it, then every foreign key is checked with one anti-join each (the
CHECK and UNIQUE constraints stay on during the load) and the database is analysed.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import sqlite3
import sys
import time
from datetime import date
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from bench import scale_sales  # noqa: E402
from bench.scale_data import NULL, Company, Table, sizes_for  # noqa: E402
from models.db import dispose_engines, get_engine, normalise_url  # noqa: E402
from models.migrate import upgrade_to_head  # noqa: E402

DEFAULT_ANCHOR = date(2026, 11, 1)
DEFAULT_SEED = 8
GENERATOR_VERSION = 2     # 2: the handoff process (due_at, acceptance, rejections, recycling, commitments)
ROWS_PER_BATCH = 200_000
TABLES = ["territory", "app_user", "account", "campaign", "campaign_territory", "event", "campaign_note",
          "note_read", "lead", "lead_rejection", "opportunity", "activity", "monthly_target", "feedback", "setting"]


def tables(co: Company):
    """Every table of the data set in load order (activities as several chunks)."""
    yield co.territories()
    yield co.users()
    yield co.accounts()
    yield from co.campaigns()
    yield co.events()
    yield from co.notes()
    yield scale_sales.leads(co)
    yield scale_sales.rejections(co)
    yield scale_sales.opportunities(co)
    yield from scale_sales.activities(co)
    yield scale_sales.monthly_targets(co)
    yield scale_sales.feedback(co)
    yield scale_sales.settings()


def column_values(arr: np.ndarray, dialect: str) -> list:
    """One column as Python values the driver takes: NULLs as None, timestamps as the text
    SQLAlchemy writes on SQLite ('YYYY-MM-DD HH:MM:SS.ffffff', naive UTC)."""
    if arr.dtype == object:
        return arr.tolist()
    if arr.dtype == bool:
        return arr.astype(int).tolist() if dialect == "sqlite" else np.where(arr, "t", "f").tolist()
    if np.issubdtype(arr.dtype, np.datetime64):
        unit = np.datetime_data(arr.dtype)[0]
        text = np.datetime_as_string(arr, unit="us" if unit == "us" else "D").tolist()
        if unit == "us":
            return [None if t == "NaT" else t[:10] + " " + t[11:] for t in text]
        return [None if t == "NaT" else t for t in text]
    values = arr.tolist()
    if (arr == NULL).any():
        values = [None if v == NULL else v for v in values]
    return values


def batches(table: Table, dialect: str):
    names = list(table.columns)
    for lo in range(0, len(table), ROWS_PER_BATCH):
        cols = [column_values(table.columns[c][lo:lo + ROWS_PER_BATCH], dialect) for c in names]
        yield names, list(zip(*cols))


# -- SQLite ----------------------------------------------------------------------------------------
def load_sqlite(path: str, co: Company, log) -> dict[str, int]:
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode=OFF", "synchronous=OFF", "foreign_keys=OFF", "cache_size=-1000000",
                   "temp_store=MEMORY", "locking_mode=EXCLUSIVE"):
        conn.execute(f"PRAGMA {pragma}")
    conn.execute("BEGIN")
    indexes = conn.execute(f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                           f"AND tbl_name IN ({','.join('?' * len(TABLES))})", TABLES).fetchall()
    for name, _ in indexes:
        conn.execute(f'DROP INDEX "{name}"')
    counts: dict[str, int] = {}
    for table in tables(co):
        started = time.perf_counter()
        for names, rows in batches(table, "sqlite"):
            conn.executemany(f'INSERT INTO "{table.name}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})',
                             rows)
        counts[table.name] = counts.get(table.name, 0) + len(table)
        log(f"  {table.name}: {len(table):,} rows in {time.perf_counter() - started:.1f}s")
    started = time.perf_counter()
    for _, sql in indexes:
        conn.execute(sql)
    log(f"  rebuilt {len(indexes)} indexes in {time.perf_counter() - started:.1f}s")
    conn.execute("COMMIT")
    started = time.perf_counter()
    conn.execute("ANALYZE")
    conn.execute("PRAGMA journal_mode=WAL")
    conn.close()
    log(f"  ANALYZE in {time.perf_counter() - started:.1f}s")
    return counts


# -- PostgreSQL ------------------------------------------------------------------------------------
def pg_conninfo(url: str) -> str:
    return normalise_url(url).replace("postgresql+psycopg://", "postgresql://")


def load_postgresql(url: str, co: Company, log) -> dict[str, int]:
    import psycopg

    counts: dict[str, int] = {}
    with psycopg.connect(pg_conninfo(url)) as conn:
        cur = conn.cursor()
        cur.execute("SET session_replication_role = replica")   # FK triggers off; checked after the load
        cur.execute("SET maintenance_work_mem = '512MB'")
        cur.execute("SELECT indexname, indexdef FROM pg_indexes i WHERE schemaname = 'public' "
                    "AND tablename = ANY(%s) AND NOT EXISTS "
                    "(SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)", (TABLES,))
        indexes = cur.fetchall()
        for name, _ in indexes:
            cur.execute(f'DROP INDEX "{name}"')
        for table in tables(co):
            started = time.perf_counter()
            for names, rows in batches(table, "postgresql"):
                buf = io.StringIO()
                csv.writer(buf, lineterminator="\n").writerows(rows)
                with cur.copy(f'COPY "{table.name}" ({", ".join(names)}) FROM STDIN WITH (FORMAT csv)') as copy:
                    copy.write(buf.getvalue())
            counts[table.name] = counts.get(table.name, 0) + len(table)
            log(f"  {table.name}: {len(table):,} rows in {time.perf_counter() - started:.1f}s")
        started = time.perf_counter()
        for _, ddl in indexes:
            cur.execute(ddl)
        log(f"  rebuilt {len(indexes)} indexes in {time.perf_counter() - started:.1f}s")
        for name in (t for t in TABLES if t not in ("setting", "campaign_territory")):
            cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", (f'"{name}"',))
            seq = cur.fetchone()[0]
            if seq:
                cur.execute(f'SELECT setval(%s, COALESCE((SELECT MAX(id) FROM "{name}"), 0) + 1, false)', (seq,))
        conn.commit()
    started = time.perf_counter()
    with psycopg.connect(pg_conninfo(url), autocommit=True) as conn:
        conn.execute("VACUUM (ANALYZE)")   # statistics, and the visibility map index-only scans need
        # Write the load's dirty pages now, not during the benchmarks that follow (a checkpoint
        # of gigabytes of new pages is the suspect of the eighth session's PostgreSQL load tail).
        conn.execute("CHECKPOINT")
    log(f"  VACUUM ANALYZE, CHECKPOINT in {time.perf_counter() - started:.1f}s")
    return counts


# -- checks ------------------------------------------------------------------------------------------
def orphan_counts(url: str) -> dict[str, int]:
    """Foreign-key values that point nowhere, per constraint (all zero for valid data)."""
    from sqlmodel import SQLModel

    import models.tables  # noqa: F401  (registers the tables)

    found = {}
    with get_engine(url).connect() as conn:
        for name in TABLES:
            table = SQLModel.metadata.tables[name]
            for fk in table.foreign_keys:
                col, parent = fk.parent.name, fk.column.table.name
                n = conn.exec_driver_sql(
                    f'SELECT COUNT(*) FROM "{name}" c WHERE c."{col}" IS NOT NULL AND NOT EXISTS '
                    f'(SELECT 1 FROM "{parent}" p WHERE p."{fk.column.name}" = c."{col}")').scalar_one()
                if n:
                    found[f"{name}.{col}"] = n
    return found


def is_empty(url: str) -> bool:
    with get_engine(url).connect() as conn:
        return conn.exec_driver_sql('SELECT COUNT(*) FROM "app_user"').scalar_one() == 0


def generate(url: str, scale: str, *, seed: int = DEFAULT_SEED, anchor: date = DEFAULT_ANCHOR, check: bool = True,
             log=print) -> dict:
    """Migrate ``url`` to head and fill it (it must hold no users yet). Returns a report."""
    url = normalise_url(url)
    started = time.perf_counter()
    engine = get_engine(url)
    upgrade_to_head(engine)
    if not is_empty(url):
        raise SystemExit(f"{url}: the database already has users; generate into an empty database")
    dialect = engine.dialect.name
    dispose_engines()
    co = Company(scale, seed, anchor)
    log(f"generating {scale} (seed {seed}, anchor {anchor}) into {dialect}: {sizes_for(scale)}")
    if dialect == "sqlite":
        counts = load_sqlite(engine.url.database, co, log)
    else:
        counts = load_postgresql(url, co, log)
    load_seconds = time.perf_counter() - started
    orphans = {}
    if check:
        checked = time.perf_counter()
        orphans = orphan_counts(url)
        dispose_engines()
        log(f"  foreign keys checked in {time.perf_counter() - checked:.1f}s: "
            f"{'all valid' if not orphans else orphans}")
        if orphans:
            raise SystemExit(f"generated data break foreign keys: {orphans}")
    report = {"scale": scale, "seed": seed, "anchor": anchor.isoformat(), "generator_version": GENERATOR_VERSION,
              "dialect": dialect, "rows": counts, "total_rows": sum(counts.values()),
              "load_seconds": round(load_seconds, 1), "seconds": round(time.perf_counter() - started, 1)}
    log(f"done: {report['total_rows']:,} rows in {report['seconds']}s")
    return report


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", choices=["tiny", "small", "medium", "large"], required=True)
    parser.add_argument("--db", default=None, help="database URL (default: sqlite file bench/data/<scale>.db)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--anchor", type=date.fromisoformat, default=DEFAULT_ANCHOR,
                        help="the data set's 'now' (default %(default)s)")
    parser.add_argument("--no-check", action="store_true", help="skip the foreign-key check after loading")
    args = parser.parse_args(argv)
    url = args.db or f"sqlite:///{ROOT / 'bench' / 'data' / f'{args.scale}.db'}"
    report = generate(url, args.scale, seed=args.seed, anchor=args.anchor, check=not args.no_check)
    print(json.dumps(report, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
