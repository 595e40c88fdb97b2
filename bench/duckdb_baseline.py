"""Baseline (b) of the KPI benchmark: DuckDB computing the same aggregates over the same data,
loaded into its own (columnar, in-memory) tables — the practical speed limit for this work on
this machine. Loading is timed apart; the comparison is the aggregate queries only.

The SQL is written the way a columnar engine likes it (one scan per table with FILTERed
aggregates) and returns a ``kpi_reference.Raw``; ``assemble`` gives the KPIS.md values.
"""
from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from bench.kpi_reference import Period, Raw, assemble


def load(frames: dict[str, pd.DataFrame], *, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect()
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    for name, df in frames.items():
        con.register("src", df)
        con.execute(f'CREATE TABLE "{name}" AS SELECT * FROM src')
        con.unregister("src")
    return con


def _d(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


def _ts(moment: datetime) -> str:
    return f"TIMESTAMP '{moment.isoformat(sep=' ')}'"


def raw_kpis(con: duckdb.DuckDBPyConnection, p: Period) -> Raw:
    t = p.territory_id
    tf = "TRUE" if t is None else f"territory_id = {int(t)}"
    s, e, lo, hi = _d(p.start), _d(p.end), _ts(p.start_utc), _ts(p.end_utc)
    r = Raw()
    one = lambda sql: con.execute(sql).fetchone()  # noqa: E731
    won = f"stage = 'won' AND closed_on BETWEEN {s} AND {e}"
    (r.won_cents, r.won_n, r.lost_n, r.cycle_days, r.cycle_n, r.open_n, r.open_cents, r.sourced_cents) = one(f"""
        SELECT COALESCE(SUM(amount) FILTER (WHERE {won}), 0), COUNT(*) FILTER (WHERE {won}),
               COUNT(*) FILTER (WHERE stage = 'lost' AND closed_on BETWEEN {s} AND {e}),
               COALESCE(SUM(date_diff('day', opened_on, closed_on)) FILTER (WHERE {won} AND opened_on IS NOT NULL), 0),
               COUNT(*) FILTER (WHERE {won} AND opened_on IS NOT NULL),
               COUNT(*) FILTER (WHERE stage IN ('prospecting', 'engaging', 'proposal')),
               COALESCE(SUM(amount) FILTER (WHERE stage IN ('prospecting', 'engaging', 'proposal')), 0),
               COALESCE(SUM(amount) FILTER (WHERE {won} AND source_campaign_id IS NOT NULL), 0)
        FROM opportunity WHERE {tf}""")
    r.target_cents, r.commitment = one(f"SELECT COALESCE(SUM(revenue_target), 0), COALESCE(SUM(lead_commitment), 0) "
                                       f"FROM monthly_target WHERE month BETWEEN {s} AND {e} AND {tf}")
    t_only = "TRUE" if t is None else f"t.territory_id = {int(t)}"
    r.forecast_months = [tuple(map(int, row)) for row in con.execute(f"""
        WITH w AS (SELECT territory_id, date_trunc('month', closed_on) AS m, SUM(COALESCE(amount, 0)) AS a
                   FROM opportunity WHERE stage = 'won' AND closed_on >= {s}
                   AND closed_on < {_d(p.month_after_end)} AND {tf} GROUP BY ALL)
        SELECT t.forecast, w.a FROM monthly_target t JOIN w ON w.territory_id = t.territory_id AND w.m = t.month
        WHERE t.month BETWEEN {s} AND {e} AND t.forecast IS NOT NULL AND w.a > 0 AND {t_only}
        ORDER BY t.month, t.territory_id""").fetchall()]

    if t is None:
        started = (f"SELECT id, 1 AS k, COALESCE(actual_cost, 0) AS cost FROM campaign "
                   f"WHERE start_date BETWEEN {s} AND {e}")
    else:
        started = f"""SELECT c.id, COALESCE(n.k, (SELECT COUNT(*) FROM territory)) AS k,
                   COALESCE(c.actual_cost, 0) AS cost
            FROM campaign c LEFT JOIN (SELECT campaign_id, COUNT(*) AS k, bool_or(territory_id = {int(t)}) AS here
                FROM campaign_territory GROUP BY campaign_id) n ON n.campaign_id = c.id
            WHERE c.start_date BETWEEN {s} AND {e} AND (n.campaign_id IS NULL OR n.here)"""
    con.execute(f"CREATE OR REPLACE TEMP TABLE started AS {started}")
    groups = con.execute("SELECT k, SUM(cost), COUNT(*) FROM started GROUP BY k").fetchall()
    if t is None:
        r.spend_groups = [(1, int(sum(c for _, c, _ in groups)))]
    else:
        r.spend_groups = [(int(k), int(c)) for k, c, _ in groups]
    r.campaigns_n = int(sum(n for *_, n in groups))
    con.execute(f"CREATE OR REPLACE TEMP TABLE held AS SELECT id FROM event "
                f"WHERE starts_at >= {lo} AND starts_at < {hi} AND {tf}")
    r.events_n = one("SELECT COUNT(*) FROM held")[0]
    r.registrations_counted, r.registrations_attended = (int(v or 0) for v in one(
        "SELECT COUNT(*), COUNT(*) FILTER (WHERE status = 'attended') FROM registration "
        "WHERE event_id IN (SELECT id FROM held) AND status IN ('registered', 'attended', 'no_show')"))
    a_in = f"assigned_at >= {lo} AND assigned_at < {hi}"
    as_of = _ts(p.as_of_utc)
    gap = "epoch_us(first_touch_at) - epoch_us(assigned_at)"
    (r.leads_created, r.converted_created, r.started_leads, r.event_leads, r.assigned_n, r.sla_counted,
     r.sla_on_time, r.untouched, touched, r.accepted_n, r.recycled_n) = one(f"""
        SELECT COUNT(*) FILTER (WHERE created_at >= {lo} AND created_at < {hi}),
               COUNT(*) FILTER (WHERE created_at >= {lo} AND created_at < {hi} AND status = 'converted'),
               COUNT(*) FILTER (WHERE campaign_id IN (SELECT id FROM started)),
               COUNT(*) FILTER (WHERE event_id IN (SELECT id FROM held)),
               COUNT(*) FILTER (WHERE {a_in}),
               COUNT(*) FILTER (WHERE {a_in} AND (first_touch_at IS NOT NULL OR due_at < {as_of})),
               COUNT(*) FILTER (WHERE {a_in} AND first_touch_at IS NOT NULL AND first_touch_at <= due_at),
               COUNT(*) FILTER (WHERE {a_in} AND first_touch_at IS NULL AND status <> 'disqualified'
                                AND due_at < {as_of}),
               COUNT(*) FILTER (WHERE {a_in} AND first_touch_at IS NOT NULL),
               COUNT(*) FILTER (WHERE accepted_at >= {lo} AND accepted_at < {hi}),
               COUNT(*) FILTER (WHERE recycled_at >= {lo} AND recycled_at < {hi})
        FROM lead WHERE {tf}""")
    # A rejection counts by its lead's territory.
    l_tf = "TRUE" if t is None else f"l.territory_id = {int(t)}"
    r.rejected_n = one(f"""SELECT COUNT(*) FROM lead_rejection r JOIN lead l ON l.id = r.lead_id
        WHERE r.rejected_at >= {lo} AND r.rejected_at < {hi} AND {l_tf}""")[0]
    if touched:
        r.touch_middle_us = [int(v) for (v,) in con.execute(
            f"SELECT {gap} AS d FROM lead WHERE {a_in} AND first_touch_at IS NOT NULL AND {tf} "
            f"ORDER BY d LIMIT {1 if touched % 2 else 2} OFFSET {(touched - 1) // 2}").fetchall()]
    r.attributed_cents = one(f"""SELECT COALESCE(SUM(amount), 0) FROM opportunity WHERE stage = 'won'
        AND closed_on <= {_d(p.as_of_date)} AND source_campaign_id IN (SELECT id FROM started) AND {tf}""")[0]

    r.targeted, r.reads = one(f"""
        WITH notes AS (SELECT id, campaign_id FROM campaign_note WHERE status = 'published'
                       AND published_at >= {lo} AND published_at < {hi}),
             pairs AS (SELECT n.id AS note_id, ct.territory_id FROM notes n
                       JOIN campaign_territory ct ON ct.campaign_id = n.campaign_id
                       UNION ALL
                       SELECT n.id, tt.id FROM notes n, territory tt WHERE NOT EXISTS
                           (SELECT 1 FROM campaign_territory ct WHERE ct.campaign_id = n.campaign_id)),
             tp AS (SELECT * FROM pairs WHERE {tf}),
             reps AS (SELECT id, territory_id FROM app_user WHERE role = 'rep' AND CAST(active AS BOOLEAN))
        SELECT (SELECT COUNT(*) FROM tp JOIN reps ON reps.territory_id = tp.territory_id),
               (SELECT COUNT(*) FROM note_read nr JOIN reps u ON u.id = nr.user_id
                JOIN tp ON tp.note_id = nr.note_id AND tp.territory_id = u.territory_id
                WHERE nr.read_at <= {_ts(p.as_of_utc)})""")
    acc_tf = "TRUE" if t is None else f"a.territory_id = {int(t)} AND o.territory_id = {int(t)}"
    r.ltv = {seg: (int(c), int(n)) for seg, c, n in con.execute(f"""
        SELECT a.segment, COALESCE(SUM(o.amount), 0), COUNT(DISTINCT a.id) FROM opportunity o
        JOIN account a ON a.id = o.account_id
        WHERE o.stage = 'won' AND a.segment IS NOT NULL AND {acc_tf} GROUP BY a.segment""").fetchall()}
    for name in ("won_cents", "cycle_days", "open_cents", "sourced_cents", "target_cents", "attributed_cents",
                 "commitment"):
        setattr(r, name, int(getattr(r, name)))
    return r


def kpis(con: duckdb.DuckDBPyConnection, p: Period) -> dict:
    return assemble(raw_kpis(con, p))
