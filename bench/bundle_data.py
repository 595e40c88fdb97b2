"""The generated bundle of bench/bench_bundle_import.py: ``plan_sizes`` splits a row total over
the bundle's files (mostly leads and activities) and ``generate_bundle`` writes those CSV files,
deterministic for a seed."""
from __future__ import annotations

import csv
import random
from datetime import datetime, timedelta, timezone
from pathlib import Path

KST = timezone(timedelta(hours=9))


def plan_sizes(total: int) -> dict[str, int]:
    """Reference data scaled down from DESIGN.md's company, the rest leads and activities."""
    sizes = {
        "territories.csv": max(3, min(100, total // 50_000)),
        "users.csv": max(10, min(5_000, total // 2_000)),
        "accounts.csv": max(10, min(100_000, total // 200)),
        "campaigns.csv": max(2, min(2_000, total // 5_000)),
        "events.csv": max(2, min(10_000, total // 1_000)),
        "opportunities.csv": max(2, total // 20),
        "targets.csv": 0,
    }
    sizes["targets.csv"] = sizes["territories.csv"] * 12
    sizes["settings.csv"] = 1
    rest = total - sum(sizes.values())
    sizes["leads.csv"] = rest // 2
    sizes["activities.csv"] = rest - rest // 2
    return sizes


def generate_bundle(directory: Path, total: int, seed: int = 42) -> dict[str, int]:
    rnd = random.Random(seed)
    sizes = plan_sizes(total)
    directory.mkdir(parents=True, exist_ok=True)
    start = datetime(2024, 1, 1, 9, 0, tzinfo=KST)

    def writer(name, header):
        handle = open(directory / name, "w", encoding="utf-8", newline="")
        w = csv.writer(handle)
        w.writerow(header)
        return handle, w

    def ts(moment: datetime, offset: bool) -> str:
        return moment.isoformat() if offset else moment.replace(tzinfo=None).isoformat()

    territories = [f"T{i:03d}" for i in range(sizes["territories.csv"])]
    h, w = writer("territories.csv", ["code", "name"])
    for i, code in enumerate(territories):
        w.writerow([code, f"지역 {i} Region"])
    h.close()

    n_users = sizes["users.csv"]
    managers = [f"manager{i}" for i in range(len(territories))]
    reps = [f"rep{i}" for i in range(n_users - len(managers))]
    rep_territory = {rep: territories[i % len(territories)] for i, rep in enumerate(reps)}
    h, w = writer("users.csv", ["username", "display_name", "email", "role", "territory", "manager", "active",
                                "password_hash"])
    for i, m in enumerate(managers):
        w.writerow([m, f"매니저 {i}", f"{m}@example.com", "manager", territories[i], "", "true", ""])
    for rep in reps:
        t = rep_territory[rep]
        w.writerow([rep, f"Rep {rep}", f"{rep}@example.com", "rep", t, managers[territories.index(t)], "true", ""])
    h.close()

    accounts = [f"Account {i:06d}" for i in range(sizes["accounts.csv"])]
    h, w = writer("accounts.csv", ["name", "sector", "segment", "territory", "owner"])
    for i, a in enumerate(accounts):
        w.writerow([a, rnd.choice(["software", "retail", "medical"]), rnd.choice(["enterprise", "mid_market", "smb"]),
                    "" if i % 10 == 0 else territories[i % len(territories)], ""])
    h.close()

    campaigns = [f"C{i:05d}" for i in range(sizes["campaigns.csv"])]
    h, w = writer("campaigns.csv", ["code", "name", "channel", "status", "start_date", "end_date", "objective",
                                    "budget", "actual_cost", "target_segment", "owner", "territories"])
    for i, c in enumerate(campaigns):
        day = (start + timedelta(days=i)).date()
        w.writerow([c, f"Campaign {i}, \"quoted\"", "event", "active", day, day + timedelta(days=60),
                    "목표: leads", f"{rnd.randint(1, 10**8)}.{rnd.randint(0, 99):02d}", "", "", "",
                    ";".join(rnd.sample(territories, min(2, len(territories))))])
    h.close()

    events = [f"E{i:06d}" for i in range(sizes["events.csv"])]
    h, w = writer("events.csv", ["code", "campaign", "title", "kind", "territory", "venue", "starts_at", "ends_at",
                                 "capacity", "status"])
    for i, e in enumerate(events):
        moment = start + timedelta(hours=i)
        w.writerow([e, campaigns[i % len(campaigns)], f"Seminar {i}", "seminar", territories[i % len(territories)],
                    "Hall", ts(moment, True), ts(moment + timedelta(hours=2), True), 100, "scheduled"])
    h.close()

    n_leads, n_opps = sizes["leads.csv"], sizes["opportunities.csv"]
    leads = n_leads
    h, w = writer("leads.csv", ["code", "campaign", "event", "account", "company", "contact_name", "email", "phone",
                                "territory", "assigned_to", "status", "created_at", "assigned_at", "first_touch_at",
                                "converted_at", "disqualify_reason", "opportunity"])
    for i in range(leads):
        rep = reps[i % len(reps)]
        created = start + timedelta(minutes=7 * i)
        assigned = created + timedelta(minutes=rnd.randint(1, 600))
        touched = assigned + timedelta(minutes=rnd.randint(1, 3000)) if i % 3 else None
        converted = i < n_opps
        w.writerow([f"L{i:08d}", campaigns[i % len(campaigns)], events[i % len(events)] if i % 4 == 0 else "",
                    accounts[i % len(accounts)] if i % 5 == 0 else "", f"Company {i}, Ltd.", f"홍길동 {i}",
                    f"lead{i}@example.com", f"010-{i % 10000:04d}-{i % 7919:04d}", rep_territory[rep], rep,
                    "converted" if converted else rnd.choice(["new", "working", "qualified"]),
                    ts(created, i % 2 == 0), ts(assigned, True), ts(touched, True) if touched else "",
                    ts(touched or assigned, True) if converted else "", "", f"O{i:08d}" if converted else ""])
    h.close()

    h, w = writer("opportunities.csv", ["code", "name", "account", "owner", "territory", "stage", "amount", "product",
                                        "opened_on", "expected_close_on", "closed_on", "source_campaign", "lead"])
    for i in range(n_opps):
        rep = reps[i % len(reps)]
        opened = (start + timedelta(days=i % 500)).date()
        stage = rnd.choice(["prospecting", "engaging", "proposal", "won", "lost"])
        w.writerow([f"O{i:08d}", f"Deal {i} — GTX", accounts[i % len(accounts)], rep, rep_territory[rep], stage,
                    f"{rnd.randint(0, 10**7)}.{rnd.randint(0, 99):02d}", "GTX Pro", opened,
                    opened + timedelta(days=90), opened + timedelta(days=60) if stage in ("won", "lost") else "",
                    campaigns[i % len(campaigns)], f"L{i:08d}" if i < leads else ""])
    h.close()

    h, w = writer("activities.csv", ["username", "kind", "occurred_at", "account", "lead", "opportunity", "event",
                                     "notes"])
    for i in range(sizes["activities.csv"]):
        rep = reps[i % len(reps)]
        moment = start + timedelta(seconds=37 * i)
        w.writerow([rep, rnd.choice(["call", "visit", "email", "meeting"]), ts(moment, i % 2 == 1), "",
                    f"L{(i * 7) % leads:08d}" if i % 2 == 0 else "", "", "",
                    "Called, left a message" if i % 3 else "통화 완료; \"다음 주\" 재연락"])
    h.close()

    h, w = writer("targets.csv", ["territory", "month", "revenue_target", "forecast"])
    for t in territories:
        for month in range(1, 13):
            w.writerow([t, f"2025-{month:02d}", f"{rnd.randint(1, 10**9)}.00", ""])
    h.close()
    h, w = writer("settings.csv", ["key", "value"])
    w.writerow(["time_zone", "Asia/Seoul"])
    h.close()
    return sizes
