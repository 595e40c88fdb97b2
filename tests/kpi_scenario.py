"""One small, hand-built company for the KPI tests that need every KPI at once (the CLI, the
drill-downs). Company time zone Asia/Seoul (UTC+9, no DST), sla_hours 24.

Period 2026-03-01 .. 2026-03-31 (Seoul) = [2026-02-28 15:00 UTC, 2026-03-31 15:00 UTC).
as_of 2026-04-10 12:00 Seoul = 2026-04-10 03:00 UTC; its local date 2026-04-10.
Territories SEL, BSN, ICN. The expected values below are worked out by hand in comments.
"""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from tests.factories import Builder, LeadStatus, NoteStatus, Role, Segment, Stage, utc

SEOUL = timezone(timedelta(hours=9))
START, END = date(2026, 3, 1), date(2026, 3, 31)
AS_OF = datetime(2026, 4, 10, 12, 0, tzinfo=SEOUL)
AS_OF_TEXT = "2026-04-10T12:00:00"  # no offset: the company time zone


def build(engine) -> dict:
    with Builder(engine) as b:
        sel, bsn, icn = b.territory("SEL"), b.territory("BSN"), b.territory("ICN")
        rep_sel1 = b.user("rep_sel1", Role.rep, sel)
        rep_sel2 = b.user("rep_sel2", Role.rep, sel)
        rep_bsn = b.user("rep_bsn", Role.rep, bsn)
        rep_icn_gone = b.user("rep_icn_gone", Role.rep, icn, active=False)
        mgr_sel = b.user("mgr_sel", Role.manager, sel)

        a1 = b.account("A1 Enterprise SEL", sel, Segment.enterprise)
        a2 = b.account("A2 SMB BSN", bsn, Segment.smb)
        a3 = b.account("A3 no segment", sel, None)
        a4 = b.account("A4 key account", None, Segment.enterprise)

        c1 = b.campaign("C1", start=date(2026, 3, 5), cost="100.00", territories=[sel, bsn, icn],
                        segment=Segment.enterprise)
        c2 = b.campaign("C2", start=date(2026, 3, 20), cost="60.00", territories=[])  # targets all 3
        c3 = b.campaign("C3", start=date(2026, 2, 10), cost="40.00", territories=[sel])  # before the period
        c4 = b.campaign("C4", start=date(2026, 3, 15), cost=None, territories=[bsn])  # empty cost = 0

        e1 = b.event(c2, bsn, starts_at=utc(2026, 3, 10, 9), code="E1")
        e2 = b.event(c4, bsn, starts_at=utc(2026, 3, 31, 14, 59), code="E2")   # 23:59 Seoul on Mar 31: in
        b.event(c1, sel, starts_at=utc(2026, 2, 28, 14, 59), code="E3")       # 23:59 Seoul on Feb 28: out

        # L1: created 23:30 Seoul on the last day (in); assigned 23:40 Seoul; touched exactly 24 h later.
        b.lead(c1, code="L1", territory=sel, account=a1, created_at=utc(2026, 3, 31, 14, 30),
               assigned_to=rep_sel1, assigned_at=utc(2026, 3, 31, 14, 40),
               first_touch_at=utc(2026, 4, 1, 14, 40), status=LeadStatus.working,
               accepted_at=utc(2026, 4, 1, 14, 40))   # accepted on Apr 1 (out)
        # L2: created 00:30 Seoul on Apr 1 (out); assigned 2026-03-31 16:30 UTC = Apr 1 in Seoul (out).
        b.lead(c1, code="L2", territory=sel, created_at=utc(2026, 3, 31, 15, 30),
               assigned_to=rep_sel1, assigned_at=utc(2026, 3, 31, 16, 30))
        # L3: created at local midnight of the first day (in); touched 30 h after assignment (late).
        l3 = b.lead(c2, code="L3", territory=bsn, account=a2, event=e1, created_at=utc(2026, 2, 28, 15),
               assigned_to=rep_bsn, assigned_at=utc(2026, 3, 2), first_touch_at=utc(2026, 3, 3, 6),
               status=LeadStatus.converted)
        # L4: touched 2.5 h after assignment.
        b.lead(c2, code="L4", territory=sel, event=e1, created_at=utc(2026, 3, 10, 1),
               assigned_to=rep_sel2, assigned_at=utc(2026, 3, 10, 2), first_touch_at=utc(2026, 3, 10, 4, 30),
               status=LeadStatus.converted, accepted_at=utc(2026, 3, 10, 4, 30))
        # L5: created in February, assigned in March, never touched, deadline long past.
        b.lead(c3, code="L5", territory=sel, created_at=utc(2026, 2, 15),
               assigned_to=rep_sel1, assigned_at=utc(2026, 3, 12))
        # L6: never touched but disqualified.
        b.lead(c1, code="L6", territory=bsn, created_at=utc(2026, 3, 20), assigned_to=rep_bsn,
               assigned_at=utc(2026, 3, 20, 1), status=LeadStatus.disqualified, disqualify_reason="no_need")
        # L7: recycled to nurture by marketing on Mar 18.
        b.lead(c4, code="L7", territory=bsn, event=e2, created_at=utc(2026, 3, 16), status=LeadStatus.nurture,
               recycled_at=utc(2026, 3, 18))
        # L3 was rejected (by SEL's rep, not their territory) twice before BSN took it: Feb 28 23:00
        # Seoul (out) and Mar 2 05:00 Seoul (in); rejections count by their lead's territory (BSN).
        b.rejection(l3, rep_sel1, rejected_at=utc(2026, 2, 28, 14), reason="not_my_territory")
        b.rejection(l3, rep_sel1, rejected_at=utc(2026, 3, 1, 20), reason="not_my_territory", note="BSN's")
        b.lead(c2, code="L8", territory=None, created_at=utc(2026, 3, 25))  # not yet routed

        b.opportunity(sel, code="O1", stage=Stage.won, amount="1000.00", opened_on=date(2026, 2, 1),
                      closed_on=date(2026, 3, 10), account=a1, source_campaign=c1)
        b.opportunity(sel, code="O2", stage=Stage.won, amount=None, opened_on=date(2026, 3, 1),
                      closed_on=date(2026, 3, 31), account=a3)
        b.opportunity(bsn, code="O3", stage=Stage.won, amount="500.00", closed_on=date(2026, 3, 15),
                      account=a2, source_campaign=c2)
        b.opportunity(bsn, code="O4", stage=Stage.lost, amount="300.00", closed_on=date(2026, 3, 20))
        b.opportunity(sel, code="O5", stage=Stage.lost, amount="50.00", closed_on=date(2026, 4, 1))
        b.opportunity(sel, code="O6", stage=Stage.proposal, amount="200.00")
        b.opportunity(bsn, code="O7", stage=Stage.prospecting, amount=None)
        b.opportunity(sel, code="O8", stage=Stage.won, amount="700.00", closed_on=date(2026, 4, 5),
                      account=a1, source_campaign=c1)
        b.opportunity(sel, code="O9", stage=Stage.won, amount="400.00", closed_on=date(2026, 4, 12),
                      account=a1, source_campaign=c1)
        b.opportunity(icn, code="O10", stage=Stage.won, amount="250.00", closed_on=date(2025, 6, 1), account=a4)
        b.opportunity(bsn, code="O11", stage=Stage.won, amount="500.00", opened_on=date(2026, 3, 1),
                      closed_on=date(2026, 3, 5), account=a2)

        b.target(sel, date(2026, 3, 1), revenue_target="2000.00", forecast="1200.00", lead_commitment=4)
        b.target(bsn, date(2026, 3, 1), revenue_target="1000.00", forecast="2500.00", lead_commitment=2)
        b.target(icn, date(2026, 3, 1), revenue_target="500.00", forecast="100.00")
        b.target(sel, date(2026, 4, 1), revenue_target="3000.00", forecast="3000.00", lead_commitment=5)

        n1 = b.note(c1, version=1, published_at=utc(2026, 3, 6, 1))
        b.read(n1, rep_sel1, utc(2026, 3, 7))
        b.read(n1, rep_bsn, utc(2026, 4, 11))        # after as_of
        b.read(n1, mgr_sel, utc(2026, 3, 7))         # managers never count
        b.read(n1, rep_icn_gone, utc(2026, 3, 7))    # inactive reps never count
        n2 = b.note(c1, version=2, published_at=utc(2026, 3, 25))
        b.read(n2, rep_sel1, utc(2026, 3, 26))
        b.read(n2, rep_sel2, utc(2026, 4, 10, 2, 59))  # one minute before as_of
        n3 = b.note(c3, version=1, published_at=utc(2026, 3, 2))
        b.read(n3, rep_bsn, utc(2026, 3, 3))         # BSN is not a target of C3
        b.read(n3, rep_sel2, utc(2026, 3, 3))
        b.note(c2, version=1, published_at=utc(2026, 2, 27))
        b.note(c2, version=2, status=NoteStatus.draft)
        return {"SEL": sel.id, "BSN": bsn.id, "ICN": icn.id, "C1": c1.id, "C2": c2.id}


D = Decimal

# Whole company.
EXPECTED_ALL = {
    "won_revenue": D("2000.00"),        # O1 1000 + O2 null→0 + O3 500 + O11 500 (O8, O9 close in April)
    "won_deals": 4,                     # O1, O2, O3, O11
    "lost_deals": 1,                    # O4 (O5 closes Apr 1)
    "win_rate": D("0.8"),               # 4 / (4 + 1)
    "avg_deal_size": D("500"),          # 2000 / 4
    "avg_sales_cycle_days": D(71) / 3,  # (O1 37 + O2 30 + O11 4) / 3; O3 has no opened_on
    "open_deals": 2,                    # O6, O7
    "open_pipeline": D("200.00"),       # O6 200 + O7 null→0
    "revenue_target": D("3500.00"),     # March: SEL 2000 + BSN 1000 + ICN 500
    "target_attainment": D(2000) / 3500,
    # SEL March won 1000: 1 − |1200 − 1000|/1000 = 0.8; BSN March won 1000: 1 − |2500 − 1000|/1000 = −0.5;
    # ICN has no won revenue in March: left out. Mean (0.8 − 0.5) / 2 = 0.15
    "forecast_accuracy": D("0.15"),
    "marketing_spend": D("160.00"),     # C1 100 + C2 60 + C4 empty→0 (C3 started in February)
    "campaigns_started": 3,             # C1, C2, C4
    "leads_created": 6,                 # L1, L3, L4, L6, L7, L8 (L2 is Apr 1 in Seoul, L5 February)
    "cost_per_lead": D(160) / 7,        # leads of C1, C2, C4: L1, L2, L3, L4, L6, L7, L8
    "campaign_roi": D("12.75"),         # won up to Apr 10 from C1/C2/C4: O1 1000 + O3 500 + O8 700 = 2200;
                                        # (2200 − 160) / 160 (O9 closes Apr 12, after as_of)
    "lead_conversion_rate": D(2) / 6,   # L3, L4 converted of 6
    "marketing_sourced_revenue_share": D("0.75"),  # (O1 1000 + O3 500) / 2000
    "events_held": 2,                   # E1, E2 (E3 is Feb 28 in Seoul)
    "leads_per_event": D("1.5"),        # L3, L4 (E1) + L7 (E2) = 3 leads / 2 events
    "event_attendance_rate": None,      # the scenario has no registrations (see tests/services/test_registrations.py)
    "leads_assigned": 5,                # L1, L3, L4, L5, L6 (L2 is Apr 1 in Seoul)
    "median_first_touch_hours": 24.0,   # L4 2.5, L1 24, L3 30 → 24
    "sla_compliance": D("0.4"),         # on time L1 (exactly 24 h), L4 / counted L1, L3, L4 + overdue L5, L6
    "untouched_leads": 1,               # L5 (L6 is disqualified)
    # N1: reps of SEL, BSN, ICN active = sel1, sel2, bsn → 3; read by sel1 (bsn read after as_of) → 1
    # N2: 3 reps, read by sel1, sel2 → 2;  N3 (C3 targets SEL): 2 reps, read by sel2 → 1
    "note_read_rate": D("0.5"),         # (1 + 2 + 1) / (3 + 3 + 2)
    "leads_accepted": 1,                # L4 (L1 was accepted on Apr 1 in Seoul)
    "leads_rejected": 1,                # L3's rejection of Mar 2 (the Feb 28 one is out)
    "acceptance_rate": D("0.5"),        # 1 / (1 + 1)
    "leads_recycled": 1,                # L7
    "lead_commitment": 6,               # March: SEL 4 + BSN 2 (ICN none; SEL's April 5 is out)
    "commitment_attainment": D(5) / 6,  # leads_assigned 5 / 6
    # enterprise: A1 (O1 1000, O8 700, O9 400) + A4 (O10 250) = 2350 over 2 accounts; smb: A2 (O3, O11) 1000 / 1
    "ltv_by_segment": {"enterprise": D("1175"), "smb": D("1000")},
}

# Territory SEL.
EXPECTED_SEL = {
    "won_revenue": D("1000.00"),        # O1 1000 + O2 null
    "won_deals": 2,
    "lost_deals": 0,
    "win_rate": D("1"),                 # 2 / (2 + 0)
    "avg_deal_size": D("500"),          # 1000 / 2
    "avg_sales_cycle_days": D("33.5"),  # (37 + 30) / 2
    "open_deals": 1,                    # O6
    "open_pipeline": D("200.00"),
    "revenue_target": D("2000.00"),
    "target_attainment": D("0.5"),      # 1000 / 2000
    "forecast_accuracy": D("0.8"),      # SEL March only
    "marketing_spend": D(160) / 3,      # C1 100/3 + C2 60/3 (no targets = all 3 territories) = 53.33…
    "campaigns_started": 2,             # C1, C2 (C4 targets BSN only)
    "leads_created": 2,                 # L1, L4
    "cost_per_lead": D(160) / 9,        # (160/3) / 3 leads of C1, C2 in SEL (L1, L2, L4)
    "campaign_roi": D("30.875"),        # SEL deals from C1, C2 up to as_of: O1 1000 + O8 700 = 1700;
                                        # (1700 − 160/3) / (160/3) = (5100 − 160) / 160
    "lead_conversion_rate": D("0.5"),   # L4 of L1, L4
    "marketing_sourced_revenue_share": D("1"),  # O1 1000 / 1000
    "events_held": 0,
    "leads_per_event": None,            # no events in SEL: 0 denominator
    "event_attendance_rate": None,      # no events in SEL, no registrations
    "leads_assigned": 3,                # L1, L4, L5
    "median_first_touch_hours": 13.25,  # (2.5 + 24) / 2
    "sla_compliance": D(2) / 3,         # L1, L4 on time / L1, L4, L5
    "untouched_leads": 1,               # L5
    "note_read_rate": D(4) / 6,         # SEL reps only: N1 1/2, N2 2/2, N3 1/2
    "leads_accepted": 1,                # L4
    "leads_rejected": 0,                # L3's rejections count in BSN, the lead's territory
    "acceptance_rate": D("1"),          # 1 / (1 + 0)
    "leads_recycled": 0,                # L7 is BSN's
    "lead_commitment": 4,
    "commitment_attainment": D("0.75"),  # leads_assigned 3 / 4
    "ltv_by_segment": {"enterprise": D("2100")},  # A1 (SEL) with O1 + O8 + O9 in SEL; A4 has no territory
}


def assert_kpis(got: dict, expected: dict, *, rel: float = 1e-20) -> None:
    """Equal keys in the same order; counts and nulls exactly, decimals to ``rel``."""
    assert list(got) == list(expected)
    for key, want in expected.items():
        assert_value(got[key], want, rel=rel, key=key)


def assert_value(got, want, *, rel: float = 1e-20, key: str = "") -> None:
    if isinstance(want, dict):
        assert isinstance(got, dict) and list(got) == list(want), (key, got, want)
        for k in want:
            assert_value(got[k], want[k], rel=rel, key=f"{key}.{k}")
    elif want is None or isinstance(want, int) and not isinstance(got, (Decimal, float)):
        assert got == want and type(got) is type(want), (key, got, want)
    else:
        assert got is not None, (key, got, want)
        assert abs(Decimal(str(got)) - Decimal(str(want))) <= Decimal(str(rel)) * max(abs(Decimal(str(want))), 1), \
            (key, got, want)


def kpis(engine, start=START, end=END, as_of=AS_OF, **filters) -> dict:
    """all_kpis for the whole company (or the given filters), as an administrator."""
    from sqlmodel import Session

    from queries.kpis import KpiFilter, all_kpis
    from queries.scope import Viewer

    admin = Viewer(id=0, username="admin", display_name="Admin", role=Role.admin, territory_id=None)
    with Session(engine) as session:
        return all_kpis(admin, KpiFilter(start, end, as_of, **filters), session=session)
