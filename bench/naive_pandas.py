"""Baseline (a) of the KPI benchmark: the naive way — read the tables whole into pandas
(``SELECT *``) and compute every KPI of KPIS.md there with DataFrame operations.

``load_frames`` is the expensive half and is part of the timed work, as it would be for anyone
computing the numbers this way; ``raw_kpis`` + ``kpi_reference.assemble`` give the same values
as ``queries.kpis.all_kpis`` (the smoke test checks they are equal on generated data).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import sqlalchemy as sa

from bench.kpi_reference import OPEN_STAGES, Period, Raw, assemble
from models.db import get_engine

TABLES = ("territory", "app_user", "account", "campaign", "campaign_territory", "event", "campaign_note",
          "note_read", "lead", "lead_rejection", "opportunity", "monthly_target", "registration")
TIMESTAMPS = {"lead": ("created_at", "assigned_at", "due_at", "accepted_at", "recycled_at", "first_touch_at",
                       "converted_at"),
              "lead_rejection": ("rejected_at",),
              "event": ("starts_at", "ends_at"), "campaign_note": ("published_at",), "note_read": ("read_at",)}
DATES = {"opportunity": ("opened_on", "expected_close_on", "closed_on"), "campaign": ("start_date", "end_date"),
         "monthly_target": ("month",)}
MONEY = {"opportunity": ("amount",), "campaign": ("budget", "actual_cost"),
         "monthly_target": ("revenue_target", "forecast")}
COUNTS = {"monthly_target": ("lead_commitment",)}


def load_frames(url: str) -> dict[str, pd.DataFrame]:
    """Every table the KPIs read, whole, with timestamps/dates parsed and money as Int64 cents."""
    frames = {}
    with get_engine(url).connect() as conn:
        for name in TABLES:
            df = pd.read_sql(sa.text(f'SELECT * FROM "{name}"'), conn)
            for col in TIMESTAMPS.get(name, ()) + DATES.get(name, ()):
                df[col] = pd.to_datetime(df[col], format="ISO8601")
            for col in MONEY.get(name, ()) + COUNTS.get(name, ()):
                df[col] = df[col].astype("Int64")
            frames[name] = df
    return frames


def _us(delta: pd.Series) -> np.ndarray:
    return delta.to_numpy().astype("timedelta64[us]").astype(np.int64)


def _sum(series: pd.Series) -> int:
    return int(series.fillna(0).sum())


def _targets(frames, p: Period) -> pd.DataFrame:
    """(campaign_id, territory_id) pairs each campaign targets: its rows, or every territory."""
    ct = frames["campaign_territory"][["campaign_id", "territory_id"]]
    listed = set(ct.campaign_id)
    unlisted = frames["campaign"].loc[~frames["campaign"].id.isin(listed), ["id"]].rename(columns={"id": "campaign_id"})
    every = unlisted.merge(frames["territory"][["id"]].rename(columns={"id": "territory_id"}), how="cross")
    return pd.concat([ct, every], ignore_index=True)


def raw_kpis(frames: dict[str, pd.DataFrame], p: Period) -> Raw:
    t = p.territory_id
    start, end = pd.Timestamp(p.start), pd.Timestamp(p.end)
    lo, hi = pd.Timestamp(p.start_utc), pd.Timestamp(p.end_utc)
    r = Raw()

    opp = frames["opportunity"]
    if t is not None:
        opp = opp[opp.territory_id == t]
    in_period = opp.closed_on.between(start, end)
    won = opp[(opp.stage == "won") & in_period]
    r.won_cents, r.won_n = _sum(won.amount), len(won)
    r.lost_n = int(((opp.stage == "lost") & in_period).sum())
    cyc = won[won.opened_on.notna()]
    r.cycle_days, r.cycle_n = int((cyc.closed_on - cyc.opened_on).dt.days.sum()), len(cyc)
    open_ = opp[opp.stage.isin(OPEN_STAGES)]
    r.open_n, r.open_cents = len(open_), _sum(open_.amount)
    r.sourced_cents = _sum(won.amount[won.source_campaign_id.notna()])

    tg = frames["monthly_target"]
    tg = tg[tg.month.between(start, end)]
    if t is not None:
        tg = tg[tg.territory_id == t]
    r.target_cents = _sum(tg.revenue_target)
    r.commitment = _sum(tg.lead_commitment)
    w = opp[(opp.stage == "won") & (opp.closed_on >= start) & (opp.closed_on < pd.Timestamp(p.month_after_end))]
    monthly = (w.assign(month=w.closed_on.dt.to_period("M").dt.to_timestamp(), amount=w.amount.fillna(0))
               .groupby(["territory_id", "month"], as_index=False).amount.sum())
    fm = tg[tg.forecast.notna()].merge(monthly[monthly.amount > 0], on=["territory_id", "month"])
    fm = fm.sort_values(["month", "territory_id"])
    r.forecast_months = [(int(f), int(a)) for f, a in zip(fm.forecast, fm.amount)]

    camp = frames["campaign"]
    started = camp[camp.start_date.between(start, end)]
    if t is None:
        r.spend_groups = [(1, _sum(started.actual_cost))]
    else:
        pairs = _targets(frames, p)
        n_targets = pairs.groupby("campaign_id").size()
        targeting = set(pairs.campaign_id[pairs.territory_id == t])
        started = started[started.id.isin(targeting)]
        r.spend_groups = [(int(n_targets[c]), int(cost)) for c, cost in zip(started.id, started.actual_cost.fillna(0))]
    r.campaigns_n = len(started)
    started_ids = set(started.id)

    lead = frames["lead"]
    if t is not None:
        lead = lead[lead.territory_id == t]
    created = lead[(lead.created_at >= lo) & (lead.created_at < hi)]
    r.leads_created, r.converted_created = len(created), int((created.status == "converted").sum())
    r.started_leads = int(lead.campaign_id.isin(started_ids).sum())
    attributed = opp[(opp.stage == "won") & (opp.closed_on <= pd.Timestamp(p.as_of_date))
                     & opp.source_campaign_id.isin(started_ids)]
    r.attributed_cents = _sum(attributed.amount)

    ev = frames["event"]
    if t is not None:
        ev = ev[ev.territory_id == t]
    held = ev[(ev.starts_at >= lo) & (ev.starts_at < hi)]
    r.events_n, r.event_leads = len(held), int(lead.event_id.isin(set(held.id)).sum())
    reg = frames["registration"]
    reg = reg[reg.event_id.isin(set(held.id)) & reg.status.isin(("registered", "attended", "no_show"))]
    r.registrations_counted, r.registrations_attended = len(reg), int((reg.status == "attended").sum())

    assigned = lead[(lead.assigned_at >= lo) & (lead.assigned_at < hi)]
    r.assigned_n = len(assigned)
    touched = assigned.first_touch_at.notna()
    us = np.sort(_us(assigned.first_touch_at[touched] - assigned.assigned_at[touched]))
    if len(us):
        k = (len(us) - 1) // 2
        r.touch_middle_us = [int(v) for v in us[k:k + (1 if len(us) % 2 else 2)]]
    # The deadline is the lead's stored due_at (NaT compares False): counted = touched or due
    # strictly before as_of; on time = touched at or before the deadline.
    as_of = pd.Timestamp(p.as_of_utc)
    overdue = assigned.due_at < as_of
    counted = touched | overdue
    r.sla_counted = int(counted.sum())
    r.sla_on_time = int((touched & (assigned.first_touch_at <= assigned.due_at)).sum())
    r.untouched = int((~touched & (assigned.status != "disqualified") & overdue).sum())
    r.accepted_n = int(((lead.accepted_at >= lo) & (lead.accepted_at < hi)).sum())
    r.recycled_n = int(((lead.recycled_at >= lo) & (lead.recycled_at < hi)).sum())
    # Rejections count by their lead's territory: only those of the (filtered) leads.
    rej = frames["lead_rejection"]
    rej = rej[rej.lead_id.isin(set(lead.id)) & (rej.rejected_at >= lo) & (rej.rejected_at < hi)]
    r.rejected_n = len(rej)

    notes = frames["campaign_note"]
    notes = notes[(notes.status == "published") & (notes.published_at >= lo) & (notes.published_at < hi)]
    pairs = _targets(frames, p).merge(notes[["id", "campaign_id"]].rename(columns={"id": "note_id"}), on="campaign_id")
    if t is not None:
        pairs = pairs[pairs.territory_id == t]
    users = frames["app_user"]
    reps = users[(users.role == "rep") & users.active.astype(bool)][["id", "territory_id"]]
    r.targeted = int(pairs.territory_id.map(reps.groupby("territory_id").size()).fillna(0).sum())
    reads = frames["note_read"]
    reads = reads[reads.read_at <= pd.Timestamp(p.as_of_utc)][["note_id", "user_id"]]
    reads = reads.merge(reps.rename(columns={"id": "user_id"}), on="user_id")
    r.reads = len(reads.merge(pairs[["note_id", "territory_id"]], on=["note_id", "territory_id"]))

    acc = frames["account"]
    acc = acc[acc.segment.notna()]
    if t is not None:
        acc = acc[acc.territory_id == t]
    wl = opp[opp.stage == "won"].merge(acc[["id", "segment"]].rename(columns={"id": "account_id"}), on="account_id")
    for segment, g in wl.groupby("segment"):
        r.ltv[segment] = (_sum(g.amount), int(g.account_id.nunique()))
    return r


def kpis(frames: dict[str, pd.DataFrame], p: Period) -> dict:
    return assemble(raw_kpis(frames, p))


def naive_kpis(url: str, p: Period) -> dict:
    """The whole naive path: read the tables, then compute."""
    return kpis(load_frames(url), p)
