#!/usr/bin/env python
"""Lead import speed (services.lead_import.import_leads) on a generated database, both dialects.

    python bench/lead_import_bench.py --db URL [--db URL2] [--rows 50000] [--repeats 1]

A CSV of ``--rows`` leads (company, email, name, phone, territory code; one in ten companies is
an existing account of the data, so the account look-up and owner routing are exercised) is
imported by a marketer into an active campaign in one transaction, which is then rolled back,
so every repeat starts from the same database. Reported: seconds and rows/s per database (the
median of the repeats), and the ratio PostgreSQL rows/s / SQLite rows/s when both are given.
"""
from __future__ import annotations

import argparse
import csv
import io
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from sqlalchemy import select

from models.db import dispose_engines, get_engine, write_session
from models.enums import Role
from models.tables import Account, Campaign, Territory, User
from queries.scope import load_viewer
from services import lead_import
from services.lead_import_parsing import auto_mapping, open_lead_file, read_header

HEADER = ["Company", "Email", "Name", "Phone", "Region"]


class _Rollback(Exception):
    pass


def lead_csv(url: str, rows: int) -> bytes:
    with write_session(get_engine(url)) as s:
        territories = s.execute(select(Territory.code).order_by(Territory.id)).scalars().all()
        accounts = s.execute(select(Account.name).order_by(Account.id).limit(5000)).scalars().all()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for i in range(rows):
        company = accounts[i % len(accounts)] if accounts and i % 10 == 0 else f"Bench Import Co {i}"
        writer.writerow([company, f"bench.person{i}@import.example", f"Person {i}", f"010-{i:08d}",
                         territories[i % len(territories)]])
    return buffer.getvalue().encode("utf-8")


def import_once(url: str, data: bytes) -> tuple[float, int]:
    engine = get_engine(url)
    lead_file = open_lead_file("bench.csv", data)
    mapping = auto_mapping(read_header(lead_file))
    with write_session(engine) as s:
        marketer = s.execute(select(User.username).where(User.role == Role.marketer, User.active.is_(True))
                             .order_by(User.id).limit(1)).scalar_one()
        campaign_id = s.execute(select(Campaign.id).where(Campaign.status == "active").order_by(Campaign.id)
                                .limit(1)).scalar_one()
        viewer = load_viewer(marketer, session=s)
    started = time.perf_counter()
    good = 0
    try:
        with write_session(engine) as s:
            report = lead_import.import_leads(viewer, lead_file, mapping, campaign_id=campaign_id, session=s)
            s.flush()
            good = report.good_rows
            elapsed = time.perf_counter() - started
            raise _Rollback
    except _Rollback:
        pass
    return elapsed, good


def run(urls: list[str], rows: int, repeats: int, log=print) -> dict:
    out: dict = {"rows": rows, "repeats": repeats, "databases": {}}
    for url in urls:
        dialect = get_engine(url).dialect.name
        data = lead_csv(url, rows)
        samples = []
        for _ in range(repeats):
            seconds, good = import_once(url, data)
            samples.append(seconds)
            log(f"[{dialect}] {good:,} of {rows:,} rows imported in {seconds:.2f} s ({good / seconds:,.0f} rows/s)")
        median = statistics.median(samples)
        out["databases"][dialect] = {"seconds": round(median, 2), "rows_per_second": round(rows / median),
                                     "samples": [round(x, 2) for x in samples]}
        dispose_engines()
    dbs = out["databases"]
    if "sqlite" in dbs and "postgresql" in dbs:
        out["postgresql_to_sqlite_speed"] = round(dbs["postgresql"]["rows_per_second"]
                                                  / dbs["sqlite"]["rows_per_second"], 2)
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", action="append", required=True)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args(argv)
    print(json.dumps(run(args.db, args.rows, args.repeats), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
