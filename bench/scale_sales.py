"""The transactional half of the scale data: leads, their rejections, opportunities, activities,
monthly targets, field feedback and settings, drawn consistently with the reference tables of
``scale_data``.

Consistency kept by construction (the schema's CHECKs and the KPIS.md reading of the data):
assigned_at >= created_at, first_touch_at >= assigned_at, nothing after the anchor ("now" of the
data set) except planned campaigns and their events, converted leads own the deal made from
them (lead.opportunity_id <-> opportunity.lead_id), activities on a lead are the assignee's and
not before the lead's first touch, deals close after they open. The handoff as a process (KPIS.md,
second round; ``services.acceptance``): every hand-over has its deadline ``due_at``, reps accept
(``accepted_at``) or reject (a ``lead_rejection`` row, the lead back with marketing), and
marketing re-routes a rejected lead (a new hand-over; the rejection stays), recycles it to nurture
(``recycled_at``) or disqualifies it; monthly targets carry a lead commitment.
"""
from __future__ import annotations

from collections.abc import Iterator

import numpy as np

from models.enums import ActivityKind, DisqualifyReason, FeedbackKind, RejectReason

from bench.scale_data import (
    ACTIVITY_CHUNK, NULL, US_PER_DAY, US_PER_HOUR, Company, Table, as_day, as_ts, pick_in_group, strings,
)

OPEN = np.array(["prospecting", "engaging", "proposal"], dtype=object)
PRODUCTS = np.array(["OneCloud ERP", "SmartFactory MES", "SecureEdge Firewall", "DataLake Analytics",
                     "FieldForce Mobile", "AI Vision QC"], dtype=object)
# The company's SLA (settings() below): sla_hours 24 on the default wall clock, no segment overrides,
# so the deadline of a hand-over is due_at = assigned_at + 24 h (services.sla.due_at). A business-hours
# clock would need a per-row walk over the calendar; the generated company does not use one.
SLA_HOURS = 24
SLA_US = SLA_HOURS * US_PER_HOUR
REJECT_SHARES = {RejectReason.not_my_territory: 0.15, RejectReason.duplicate: 0.12, RejectReason.bad_contact: 0.20,
                 RejectReason.not_a_fit: 0.28, RejectReason.too_early: 0.15, RejectReason.other: 0.10}
REJECT_REASONS = np.array([r.value for r in REJECT_SHARES], dtype=object)
REJECT_P = np.array(list(REJECT_SHARES.values()))
REJECT_NOTES = np.array(["Customer asked to be called after the budget round", "담당자가 퇴사했습니다",
                         "Student project, no purchase planned"], dtype=object)     # required for `other`
REJECT_REMARKS = np.array(["Same company as a lead from last week", "전화번호가 없는 번호입니다",
                           "Too small for our offer", "Belongs to the Busan office"], dtype=object)


def leads(co: Company) -> Table:
    rng, n = co.rng(6), co.n["lead"]
    eligible = np.flatnonzero((co.c_start < co.anchor_us - US_PER_DAY) & (co.c_status != "cancelled"))
    size = np.exp(rng.normal(0, 1, len(eligible)))
    campaign = eligible[rng.choice(len(eligible), n, p=size / size.sum())] + 1
    c0, c1 = co.c_start[campaign - 1], co.c_end[campaign - 1] + 30 * US_PER_DAY
    created = c0 + (rng.random(n) * (c1 - c0)).astype(np.int64)
    ev = pick_in_group(rng, *co.events_by_c, campaign - 1)
    use_ev = (ev >= 0) & (rng.random(n) < 0.4)
    use_ev &= co.e_start[np.maximum(ev, 0)] < co.anchor_us - 2 * US_PER_DAY
    created = np.where(use_ev, co.e_start[np.maximum(ev, 0)] + (rng.random(n) * 2 * US_PER_DAY).astype(np.int64),
                       created)
    # A lead of a campaign still running at the anchor is created some time before the anchor.
    future = created >= co.anchor_us - US_PER_HOUR
    created = np.where(future, c0 + (rng.random(n) * np.maximum(co.anchor_us - US_PER_HOUR - c0, 1)).astype(np.int64),
                       created)
    event = np.where(use_ev, ev + 1, NULL)
    territory = np.where(use_ev, co.e_territory[np.maximum(ev, 0)], co.territory_of_campaign(rng, campaign))
    routed = rng.random(n) >= 0.03
    territory = np.where(routed, territory, NULL)
    account = np.where(routed & (rng.random(n) < 0.3), co.account_in(rng, np.maximum(territory, 0)), NULL)
    assignee = np.where(routed & (rng.random(n) < 0.97), co.rep_of(rng, np.maximum(territory, 1)), NULL)
    assigned_at = created + (rng.exponential(6, n) * US_PER_HOUR).astype(np.int64)
    assigned = (assignee != NULL) & (assigned_at < co.anchor_us)
    assignee = np.where(assigned, assignee, NULL)
    assigned_at = np.where(assigned, assigned_at, NULL)
    delay = (np.exp(rng.normal(np.log(8), 1.2, n)) * US_PER_HOUR).astype(np.int64)
    touched = assigned & (rng.random(n) < 0.85) & (assigned_at + delay < co.anchor_us)
    first_touch = np.where(touched, assigned_at + delay, NULL)
    u = rng.random(n)
    status = np.full(n, "new", dtype=object)
    status[touched] = np.select([u < 0.25, u < 0.40, u < 0.60], ["working", "qualified", "converted"],
                                "disqualified")[touched]
    status[assigned & ~touched & (u < 0.1)] = "disqualified"
    due_at = np.where(assigned, assigned_at + SLA_US, NULL)
    accepted_at, recycled_at = handoff(co, status, territory, assignee, assigned_at, due_at, first_touch)
    converted_at = first_touch + (rng.uniform(1, 30, n) * US_PER_DAY).astype(np.int64)
    late = (status == "converted") & (converted_at >= co.anchor_us)
    status[late] = "qualified"
    conv = np.flatnonzero(status == "converted")
    status[conv[co.n["opportunity"]:]] = "qualified"          # never more converted leads than deals
    conv = conv[:co.n["opportunity"]]
    converted_at = np.where(status == "converted", converted_at, NULL)
    reasons = np.array([r.value for r in DisqualifyReason], dtype=object)
    reason = np.where(status == "disqualified", reasons[rng.integers(0, len(reasons), n)], None)
    opportunity = np.full(n, NULL)
    opportunity[conv] = np.arange(1, len(conv) + 1)
    co.l_conv, co.l_campaign, co.l_territory, co.l_account = conv, campaign, territory, account
    co.l_assignee, co.l_converted_at, co.l_assigned_at = assignee, converted_at, assigned_at
    # Activities are logged on leads a rep holds, from their first touch on (not on leads handed
    # back to marketing: rejected, nurture, or disqualified by marketing).
    co.l_first_touch = np.where(assignee != NULL, first_touch, NULL)
    ids = np.arange(1, n + 1)
    company = [f"(주)미래{i}" if i % 7 == 0 else f"Company {i}, Ltd." for i in ids]
    return Table("lead", {
        "id": ids, "code": strings("L{:08d}", ids), "campaign_id": campaign, "event_id": event,
        "account_id": account, "company": np.array(company, dtype=object),
        "contact_name": np.array([f"홍길동 {i}" if i % 3 == 0 else f"Contact {i}" for i in ids], dtype=object),
        "email": strings("lead{}@example.com", ids), "phone": np.array([f"010-{i % 10000:04d}-{i % 7919:04d}"
                                                                       for i in ids], dtype=object),
        "territory_id": territory, "assigned_to_id": assignee, "status": status, "created_at": as_ts(created),
        "assigned_at": as_ts(assigned_at), "due_at": as_ts(due_at), "accepted_at": as_ts(accepted_at),
        "recycled_at": as_ts(recycled_at), "first_touch_at": as_ts(first_touch), "converted_at": as_ts(converted_at),
        "disqualify_reason": reason, "opportunity_id": opportunity, "import_batch_id": np.full(n, NULL),
        "version": np.ones(n, dtype=np.int64)})


def handoff(co: Company, status, territory, assignee, assigned_at, due_at, first_touch) -> tuple:
    """The rep's answer to each hand-over and marketing's answer to a rejection, as the product's
    services leave the lead (``services.acceptance``). Updates the lead columns in place (the
    rejected leads' status, rep, and for a re-routed one its territory, assigned_at, due_at and
    first touch), keeps the rejections for ``rejections()`` and returns (accepted_at, recycled_at).
    Drawn from its own stream, so the first round's columns keep their values otherwise."""
    rng, n, anchor = co.rng(11), len(status), co.anchor_us
    touched = first_touch != NULL
    accepted_at, recycled_at = np.full(n, NULL), np.full(n, NULL)
    answer = rng.random(n)
    # The first answer comes with the first touch: ~12% rejected, ~63% accepted; the rest moved on
    # from `new` without the acceptance step (working, qualified, ... as in the first round).
    rejected = np.flatnonzero(touched & (answer < 0.12))
    accepting = touched & (answer >= 0.12) & (answer < 0.75)
    # Most accept at the first touch; some first logged a call and accepted a few hours later.
    later = np.where(rng.random(n) < 0.15, np.minimum(rng.exponential(3, n), 12) * US_PER_HOUR, 0).astype(np.int64)
    pending = accepting & (first_touch + later >= anchor)       # touched, not answered yet
    status[pending] = "new"
    accepting &= ~pending
    accepted_at[accepting] = first_touch[accepting] + later[accepting]
    # accepted_at stays when the lead moves on (working, qualified, converted, disqualified).
    status[accepting & (rng.random(n) < 0.15)] = "accepted"

    reason1 = rng.choice(REJECT_REASONS, len(rejected), p=REJECT_P)
    user1, at1 = assignee[rejected], first_touch[rejected]
    status[rejected] = "rejected"
    assignee[rejected] = NULL
    # Marketing answers a day or two later: re-route (a new hand-over), recycle to nurture, or
    # disqualify; what is still waiting at the anchor stays in the rejected queue.
    acted = at1 + (rng.exponential(1.5, len(rejected)) * US_PER_DAY).astype(np.int64)
    m = rng.random(len(rejected))
    done = acted < anchor
    reroute, recycle, drop = done & (m < 0.45), done & (m >= 0.45) & (m < 0.85), done & (m >= 0.85)
    status[rejected[recycle]] = "nurture"
    recycled_at[rejected[recycle]] = acted[recycle]
    status[rejected[drop]] = "disqualified"
    # "Not my territory": the territory is re-drawn (by the territories' weights) for the re-route.
    new_t = territory[rejected].copy()
    moved = reroute & (reason1 == RejectReason.not_my_territory.value)
    new_t[moved] = rng.choice(co.n["territory"], int(moved.sum()), p=co.t_weight) + 1
    new_rep = co.rep_of(rng, new_t)
    reroute &= new_rep != NULL          # every territory has a rep; else the lead stays rejected
    again = rejected[reroute]
    at = acted[reroute]
    territory[again] = new_t[reroute]
    assignee[again] = new_rep[reroute]
    assigned_at[again] = at
    due_at[again] = at + SLA_US
    first_touch[again] = NULL          # a new hand-over starts a new response clock
    status[again] = "new"
    k = len(again)
    delay = (np.exp(rng.normal(np.log(8), 1.2, k)) * US_PER_HOUR).astype(np.int64)
    touched2 = (rng.random(k) < 0.85) & (at + delay < anchor)
    first_touch[again[touched2]] = at[touched2] + delay[touched2]
    twice = touched2 & (rng.random(k) < 0.1)              # the new rep rejects it too
    ok = again[touched2 & ~twice]
    accepted_at[ok] = first_touch[ok]
    status[ok] = rng.choice(np.array(["accepted", "working", "qualified", "disqualified"], dtype=object), len(ok),
                            p=[0.3, 0.35, 0.2, 0.15])
    rejected2 = again[twice]
    user2, at2 = assignee[rejected2], first_touch[rejected2]
    status[rejected2] = "rejected"
    assignee[rejected2] = NULL

    lead = np.concatenate([rejected, rejected2])
    at = np.concatenate([at1, at2])
    reason = np.concatenate([reason1, rng.choice(REJECT_REASONS, len(rejected2), p=REJECT_P)])
    m = len(lead)
    note = np.where(reason == RejectReason.other.value, REJECT_NOTES[rng.integers(0, len(REJECT_NOTES), m)],
                    np.where(rng.random(m) < 0.3, REJECT_REMARKS[rng.integers(0, len(REJECT_REMARKS), m)], None))
    order = np.argsort(at, kind="stable")
    co.rejections = {"lead_id": lead[order] + 1, "user_id": np.concatenate([user1, user2])[order],
                     "reason": reason[order], "note": note[order].astype(object), "rejected_at": at[order]}
    return accepted_at, recycled_at


def rejections(co: Company) -> Table:
    """The rejections ``handoff`` drew (a lead rejected, re-routed and rejected again has two)."""
    r = co.rejections
    return Table("lead_rejection", {"id": np.arange(1, len(r["lead_id"]) + 1), "lead_id": r["lead_id"],
                                    "user_id": r["user_id"], "reason": r["reason"], "note": r["note"],
                                    "rejected_at": as_ts(r["rejected_at"])})


def opportunities(co: Company) -> Table:
    rng, n = co.rng(7), co.n["opportunity"]
    conv = co.l_conv
    k = len(conv)
    rest = n - k
    territory = np.concatenate([co.l_territory[conv], rng.choice(co.n["territory"], rest, p=co.t_weight) + 1])
    owner = np.concatenate([co.l_assignee[conv], co.rep_of(rng, territory[k:])])
    u = rng.random(rest)
    acc_rest = np.where(u < 0.85, co.account_in(rng, territory[k:]),
                        np.where(u < 0.95, co.account_in(rng, np.zeros(rest, dtype=np.int64)), NULL))
    lead_acc = co.l_account[conv]
    lead_acc = np.where((lead_acc == NULL) & (rng.random(k) < 0.5), co.account_in(rng, territory[:k]), lead_acc)
    account = np.concatenate([lead_acc, acc_rest])
    opened_rest = co.seasonal_days(rng, rest, co.start_us, co.anchor_us)
    opened = np.concatenate([co.l_converted_at[conv] // US_PER_DAY * US_PER_DAY, opened_rest])
    started_before = np.searchsorted(co.c_start, opened_rest, side="right")
    src_rest = (rng.random(rest) * started_before).astype(np.int64) + 1
    src_rest = np.where((rng.random(rest) < 0.35) & (started_before > 0), src_rest, NULL)
    source = np.concatenate([co.l_campaign[conv], src_rest])
    cycle = np.maximum(1, np.exp(rng.normal(np.log(45), 0.6, n))).astype(np.int64) * US_PER_DAY
    close = opened + cycle
    closed = close < co.anchor_us
    won = closed & (rng.random(n) < 0.35)
    stage = np.where(closed, np.where(won, "won", "lost"), OPEN[rng.integers(0, 3, n)]).astype(object)
    closed_on = np.where(closed, close, NULL)
    seg_factor = np.ones(n)
    has_acc = account != NULL
    seg = np.where(has_acc, co.account_segment[np.maximum(account, 1) - 1], None)
    seg_factor[seg == "enterprise"] = 4.0
    seg_factor[seg == "smb"] = 0.5
    amount = (np.exp(rng.normal(np.log(20_000_000), 0.9, n)) * seg_factor).astype(np.int64) // 1000 * 100_000
    amount[rng.random(n) < 0.01] = NULL
    opened_on = np.where(rng.random(n) < 0.02, NULL, opened)
    lead_id = np.concatenate([conv + 1, np.full(rest, NULL)])
    co.o_owner, co.o_account, co.o_opened, co.o_closed = owner, account, opened, closed_on
    co.o_territory, co.o_stage, co.o_amount = territory, stage, amount
    ids = np.arange(1, n + 1)
    return Table("opportunity", {
        "id": ids, "code": strings("O{:08d}", ids), "name": strings("Deal {} — GTX", ids), "account_id": account,
        "owner_id": owner, "territory_id": territory, "stage": stage, "amount": amount,
        "product": PRODUCTS[rng.integers(0, len(PRODUCTS), n)], "opened_on": as_day(opened_on),
        "expected_close_on": as_day(np.where(closed, opened + 60 * US_PER_DAY, close)),
        "closed_on": as_day(closed_on), "source_campaign_id": source, "lead_id": lead_id,
        "version": np.ones(n, dtype=np.int64)})


def activities(co: Company) -> Iterator[Table]:
    """10M at large, in chunks: on leads (by the assignee, from the first touch on), on deals (by the
    owner, while open), on accounts, at events, and unlinked."""
    total = co.n["activity"]
    touched = np.flatnonzero(co.l_first_touch != NULL)
    with_owner = np.flatnonzero(co.o_owner != NULL)
    with_t = np.flatnonzero(co.account_territory != NULL)
    past_events = np.flatnonzero(co.e_start < co.anchor_us)
    kinds = np.array([ActivityKind.call, ActivityKind.visit, ActivityKind.email, ActivityKind.meeting], dtype=object)
    notes = np.array(["Called, left a message", "통화 완료; \"다음 주\" 재연락", "Demo went well", None, None, None],
                     dtype=object)
    for part, first in enumerate(range(0, total, ACTIVITY_CHUNK)):
        m = min(ACTIVITY_CHUNK, total - first)
        rng = co.rng(8, part)
        u = rng.random(m)
        link = np.select([u < 0.35, u < 0.60, u < 0.75, u < 0.80], [0, 1, 2, 3], 4)
        user = np.full(m, NULL)
        when = co.seasonal_days(rng, m, co.start_us, co.anchor_us) + co.office_time(rng, m)
        lead = np.full(m, NULL)
        opp = np.full(m, NULL)
        account = np.full(m, NULL)
        event = np.full(m, NULL)
        s = link == 0
        if len(touched):
            li = touched[rng.integers(0, len(touched), s.sum())]
            lead[s] = li + 1
            user[s] = co.l_assignee[li]
            gap = np.where(rng.random(len(li)) < 0.2, 0, (rng.exponential(4, len(li)) * US_PER_DAY).astype(np.int64))
            when[s] = np.minimum(co.l_first_touch[li] + gap, co.anchor_us - 1)
        s = link == 1
        oi = with_owner[rng.integers(0, len(with_owner), s.sum())]
        opp[s] = oi + 1
        user[s] = co.o_owner[oi]
        account[s] = co.o_account[oi]
        until = np.where(co.o_closed[oi] == NULL, co.anchor_us, co.o_closed[oi] + US_PER_DAY)
        when[s] = co.o_opened[oi] + (rng.random(len(oi)) * np.maximum(until - co.o_opened[oi], 1)).astype(np.int64)
        s = link == 2
        ai = with_t[rng.integers(0, len(with_t), s.sum())]
        account[s] = ai + 1
        user[s] = co.rep_of(rng, co.account_territory[ai])
        s = link == 3
        if len(past_events):
            ei = past_events[rng.integers(0, len(past_events), s.sum())]
            event[s] = ei + 1
            user[s] = co.rep_of(rng, co.e_territory[ei])
            when[s] = co.e_start[ei]
        s = user == NULL
        staff = np.concatenate([co.rep_ids, co.manager_ids])
        user[s] = staff[rng.integers(0, len(staff), s.sum())]
        kind = kinds[rng.integers(0, 4, m)]
        kind[event != NULL] = "event"
        yield Table("activity", {
            "id": np.arange(first + 1, first + m + 1), "user_id": user, "kind": kind, "occurred_at": as_ts(when),
            "account_id": account, "lead_id": lead, "opportunity_id": opp, "event_id": event,
            "notes": notes[rng.integers(0, len(notes), m)]})


def monthly_targets(co: Company) -> Table:
    """Targets for every territory-month of the history and the next quarter; forecasts near the
    month's real won revenue (+-30%), 10% of months without one; lead commitments."""
    rng, n_t = co.rng(9), co.n["territory"]
    months = np.arange(np.datetime64(co.start_day, "M"), np.datetime64(co.anchor, "M") + 4)
    won = co.o_stage == "won"
    m_index = (as_day(co.o_closed[won]).astype("datetime64[M]") - months[0]).astype(np.int64)
    revenue = np.zeros((n_t, len(months)))
    np.add.at(revenue, (co.o_territory[won] - 1, m_index), np.maximum(co.o_amount[won], 0))
    typical = np.maximum(revenue.mean(axis=1, keepdims=True), 100_000_000)
    season = np.array([1.0, 1.0, 1.2, 1.1, 1.0, 1.0, 0.9, 0.8, 1.2, 1.3, 1.2, 1.0])
    month_of_year = months.astype(np.int64) % 12
    target = (typical * season[month_of_year] * rng.uniform(0.9, 1.3, (n_t, len(months)))).astype(np.int64)
    base = np.where(revenue > 0, revenue, typical)
    forecast = (base * rng.uniform(0.7, 1.3, (n_t, len(months)))).astype(np.int64)
    forecast[rng.random((n_t, len(months))) < 0.1] = NULL
    # Lead commitment (KPIS.md `lead_commitment`): about the leads handed to the territory that month
    # (their last hand-over), promised within -20%..+25%; the usual month for quiet and future months;
    # 5% of months without a commitment.
    handed = np.zeros((n_t, len(months)))
    has = (co.l_assigned_at != NULL) & (co.l_territory != NULL)
    h_index = (as_ts(co.l_assigned_at[has]).astype("datetime64[M]") - months[0]).astype(np.int64)
    inside = (h_index >= 0) & (h_index < len(months))
    np.add.at(handed, (co.l_territory[has][inside] - 1, h_index[inside]), 1)
    past = months < np.datetime64(co.anchor, "M")
    usual = handed[:, past].mean(axis=1, keepdims=True) if past.any() else np.zeros((n_t, 1))
    plan = np.where(past & (handed > 0), handed, usual) * rng.uniform(0.8, 1.25, (n_t, len(months)))
    commitment = np.rint(plan).astype(np.int64)
    commitment[rng.random((n_t, len(months))) < 0.05] = NULL
    t_ids = np.repeat(np.arange(1, n_t + 1), len(months))
    return Table("monthly_target", {
        "id": np.arange(1, n_t * len(months) + 1), "territory_id": t_ids,
        "month": np.tile(months.astype("datetime64[D]"), n_t), "revenue_target": target.ravel() // 100 * 100,
        "forecast": np.where(forecast.ravel() == NULL, NULL, forecast.ravel() // 100 * 100),
        "lead_commitment": commitment.ravel()})


def feedback(co: Company) -> Table:
    rng, n = co.rng(10), co.n["feedback"]
    user = co.rep_ids[rng.integers(0, len(co.rep_ids), n)]
    # A distinct microsecond per row keeps (user, created_at, kind) unique.
    created = co.seasonal_days(rng, n, co.start_us, co.anchor_us) + co.office_time(rng, n) // 1_000_000 * 1_000_000
    created += np.arange(n) % 1_000_000
    started = int(np.searchsorted(co.c_start, co.anchor_us))
    campaign = np.where(rng.random(n) < 0.7, rng.integers(1, max(started, 1) + 1, n), NULL)
    kinds = np.array([k.value for k in FeedbackKind], dtype=object)
    answered = rng.random(n) < 0.6
    answered_at = np.where(answered, np.minimum(created + (rng.exponential(2, n) * US_PER_DAY).astype(np.int64),
                                                co.anchor_us - 1), NULL)
    return Table("feedback", {
        "id": np.arange(1, n + 1), "campaign_id": campaign, "event_id": np.full(n, NULL), "user_id": user,
        "kind": kinds[rng.integers(0, len(kinds), n)],
        "body": np.where(np.arange(n) % 2 == 0, "고객이 가격을 물어봤습니다",
                         "Competitor X offered 20% off").astype(object),
        "created_at": as_ts(created), "answer": np.where(answered, "Thanks — see the updated note", None),
        "answered_by_id": np.where(answered, co.marketer_ids[rng.integers(0, len(co.marketer_ids), n)], NULL),
        "answered_at": as_ts(answered_at), "resolved_at": as_ts(np.full(n, NULL))})


def settings() -> Table:
    # The SLA the generated due_at follow (SLA_HOURS on the wall clock), written out rather than left
    # to the defaults.
    return Table("setting", {"key": np.array(["sla_hours", "sla_clock", "time_zone", "currency"], dtype=object),
                             "value": np.array([str(SLA_HOURS), "wall", "Asia/Seoul", "KRW"], dtype=object)})
