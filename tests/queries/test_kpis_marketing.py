"""Marketing KPIs (KPIS.md "Marketing"): periods in the company time zone, the territory split
of campaign cost, as_of for ROI, null denominators — SQLite and PostgreSQL."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from tests.factories import Builder, EventStatus, LeadStatus, Segment, Stage, utc
from tests.kpi_scenario import assert_value, kpis

D = Decimal
SEOUL = timezone(timedelta(hours=9))
MARCH = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}


def test_campaign_cost_is_split_exactly_across_its_target_territories(engine):
    with Builder(engine) as b:
        sel, bsn, icn, pus = (b.territory(c) for c in ("SEL", "BSN", "ICN", "PUS"))
        b.campaign("THREE", start=date(2026, 3, 5), cost="100.00", territories=[sel, bsn, icn])
        b.campaign("ALL", start=date(2026, 3, 6), cost="10.00", territories=[])   # no targets: all 4
        b.campaign("PUS", start=date(2026, 3, 7), cost="80.00", territories=[pus])
        b.campaign("OLD", start=date(2026, 2, 28), cost="5000.00", territories=[sel])
        sel_id, pus_id = sel.id, pus.id
    everyone = kpis(engine, **MARCH)
    assert everyone["marketing_spend"] == D("190.00") and everyone["campaigns_started"] == 3  # 100 + 10 + 80
    in_sel = kpis(engine, **MARCH, territory_id=sel_id)
    assert in_sel["campaigns_started"] == 2                          # THREE and ALL, each counted once
    # 100 / 3 + 10 / 4 = 33.333… + 2.5 = 35.8333…, exact (not rounded to the cent)
    assert abs(Fraction(in_sel["marketing_spend"]) - (Fraction(100, 3) + Fraction(5, 2))) < Fraction(1, 10**45)
    assert str(in_sel["marketing_spend"]).startswith("35.833333333333333333333333333333333")
    assert kpis(engine, **MARCH, territory_id=pus_id)["marketing_spend"] == D("82.50")  # 80 + 10 / 4


def test_leads_created_follow_the_local_date_at_both_period_edges(engine):
    with Builder(engine) as b:
        t = b.territory()
        c = b.campaign()
        b.lead(c, territory=t, created_at=datetime(2026, 3, 1, 0, 0, tzinfo=SEOUL))      # local midnight: in
        b.lead(c, territory=t, created_at=datetime(2026, 2, 28, 23, 59, tzinfo=SEOUL))   # day before: out
        b.lead(c, territory=t, created_at=datetime(2026, 3, 31, 23, 30, tzinfo=SEOUL))   # 14:30 UTC: in
        b.lead(c, territory=t, created_at=datetime(2026, 4, 1, 0, 30, tzinfo=SEOUL))     # 15:30 UTC Mar 31: out
    assert kpis(engine, **MARCH)["leads_created"] == 2


def test_period_bounds_follow_daylight_saving_in_the_company_time_zone(engine):
    # New York moves from EST (UTC−5) to EDT (UTC−4) on 2026-03-08: that local day is 23 hours long.
    ny = ZoneInfo("America/New_York")
    with Builder(engine) as b:
        b.setting("time_zone", "America/New_York")
        c = b.campaign()
        b.lead(c, created_at=utc(2026, 3, 8, 4, 59))    # Mar 7 23:59 EST: out
        b.lead(c, created_at=utc(2026, 3, 8, 5, 0))     # Mar 8 00:00 EST: in
        b.lead(c, created_at=utc(2026, 3, 9, 3, 59))    # Mar 8 23:59 EDT: in
        b.lead(c, created_at=utc(2026, 3, 9, 4, 0))     # Mar 9 00:00 EDT: out
    day = date(2026, 3, 8)
    assert kpis(engine, start=day, end=day, as_of=datetime(2026, 4, 1, tzinfo=ny))["leads_created"] == 2


def test_cost_per_lead_counts_leads_of_any_date_of_the_campaigns_started(engine):
    with Builder(engine) as b:
        t = b.territory()
        c = b.campaign(start=date(2026, 3, 10), cost="90.00")
        old = b.campaign(start=date(2026, 1, 10), cost="1000.00")
        b.lead(c, territory=t, created_at=utc(2026, 1, 5))    # before the period: still counts
        b.lead(c, territory=t, created_at=utc(2026, 3, 12))
        b.lead(c, territory=t, created_at=utc(2026, 6, 1))    # after: still counts
        b.lead(old, territory=t, created_at=utc(2026, 3, 12))  # campaign not started in the period
    assert kpis(engine, **MARCH)["cost_per_lead"] == D("30.00")   # 90 / 3


def test_cost_per_lead_and_roi_are_null_without_leads_or_spend(engine):
    with Builder(engine) as b:
        t = b.territory()
        c = b.campaign(start=date(2026, 3, 10), cost=None)   # empty cost = 0 spend
        b.opportunity(t, stage=Stage.won, amount="10.00", closed_on=date(2026, 3, 11), source_campaign=c)
    k = kpis(engine, **MARCH)
    assert k["marketing_spend"] == 0 and k["campaigns_started"] == 1
    assert k["cost_per_lead"] is None and k["campaign_roi"] is None
    assert k["lead_conversion_rate"] is None and k["leads_per_event"] is None


def test_campaign_roi_counts_won_deals_closed_up_to_as_of_local_date(engine):
    # as_of 2026-04-10 00:30 Seoul = 2026-04-09 15:30 UTC: its local date is Apr 10.
    as_of = datetime(2026, 4, 10, 0, 30, tzinfo=SEOUL)
    with Builder(engine) as b:
        t = b.territory()
        c = b.campaign(start=date(2026, 3, 10), cost="200.00")
        old = b.campaign(start=date(2026, 2, 10), cost="1.00")
        won = dict(stage=Stage.won, source_campaign=c)
        b.opportunity(t, amount="100.00", closed_on=date(2026, 2, 1), **won)    # before the campaign: counts
        b.opportunity(t, amount="150.00", closed_on=date(2026, 4, 10), **won)   # on as_of's local date: counts
        b.opportunity(t, amount="999.00", closed_on=date(2026, 4, 11), **won)   # after as_of: excluded
        b.opportunity(t, stage=Stage.lost, amount="999.00", closed_on=date(2026, 3, 20), source_campaign=c)
        b.opportunity(t, stage=Stage.won, amount="999.00", closed_on=date(2026, 3, 20), source_campaign=old)
    # (100 + 150 − 200) / 200 = 0.25
    assert kpis(engine, **MARCH, as_of=as_of)["campaign_roi"] == D("0.25")
    # a day earlier the 150 was not yet counted: (100 − 200) / 200 = −0.5
    assert kpis(engine, **MARCH, as_of=as_of - timedelta(days=1))["campaign_roi"] == D("-0.5")


def test_campaign_roi_with_a_territory_counts_its_share_of_cost_and_its_own_deals(engine):
    with Builder(engine) as b:
        sel, bsn = b.territory("SEL"), b.territory("BSN")
        c = b.campaign(start=date(2026, 3, 10), cost="300.00", territories=[sel, bsn])
        b.opportunity(sel, stage=Stage.won, amount="450.00", closed_on=date(2026, 3, 20), source_campaign=c)
        b.opportunity(bsn, stage=Stage.won, amount="50.00", closed_on=date(2026, 3, 20), source_campaign=c)
        sel_id = sel.id
    # SEL: cost 300 / 2 = 150, won in SEL 450 → (450 − 150) / 150 = 2
    assert kpis(engine, **MARCH, territory_id=sel_id)["campaign_roi"] == 2
    # everyone: (500 − 300) / 300 = 0.666…
    assert_value(kpis(engine, **MARCH)["campaign_roi"], D(2) / 3)


def test_conversion_rate_and_marketing_sourced_share(engine):
    with Builder(engine) as b:
        t = b.territory()
        c = b.campaign()
        for status in (LeadStatus.converted, LeadStatus.converted, LeadStatus.working, LeadStatus.new):
            b.lead(c, territory=t, created_at=utc(2026, 3, 5), status=status)
        b.lead(c, territory=t, created_at=utc(2026, 4, 5), status=LeadStatus.converted)  # created in April
        b.opportunity(t, stage=Stage.won, amount="300.00", closed_on=date(2026, 3, 3), source_campaign=c)
        b.opportunity(t, stage=Stage.won, amount="100.00", closed_on=date(2026, 3, 3))
        b.opportunity(t, stage=Stage.won, amount=None, closed_on=date(2026, 3, 3), source_campaign=c)
    k = kpis(engine, **MARCH)
    assert k["lead_conversion_rate"] == D("0.5")                 # 2 converted / 4 created in March
    assert k["marketing_sourced_revenue_share"] == D("0.75")     # (300 + 0) / 400


def test_marketing_sourced_share_is_null_when_nothing_was_won(engine):
    with Builder(engine) as b:
        b.territory()
    assert kpis(engine, **MARCH)["marketing_sourced_revenue_share"] is None


def test_events_held_and_leads_per_event(engine):
    with Builder(engine) as b:
        sel, bsn = b.territory("SEL"), b.territory("BSN")
        c = b.campaign()
        e1 = b.event(c, sel, starts_at=datetime(2026, 3, 31, 23, 30, tzinfo=SEOUL))       # in
        e2 = b.event(c, bsn, starts_at=datetime(2026, 3, 1, 0, 0, tzinfo=SEOUL), status=EventStatus.cancelled)
        out = b.event(c, sel, starts_at=datetime(2026, 4, 1, 0, 30, tzinfo=SEOUL))        # out
        b.lead(c, territory=sel, event=e1, created_at=utc(2026, 1, 1))   # any created date
        b.lead(c, territory=sel, event=e1, created_at=utc(2026, 5, 1))
        b.lead(c, territory=bsn, event=e2, created_at=utc(2026, 3, 1))
        b.lead(c, territory=sel, event=out, created_at=utc(2026, 3, 1))
        sel_id = sel.id
    k = kpis(engine, **MARCH)
    assert k["events_held"] == 2                          # e1 and e2 (cancelled still counts, as written)
    assert k["leads_per_event"] == D("1.5")               # 3 leads / 2 events
    in_sel = kpis(engine, **MARCH, territory_id=sel_id)
    assert in_sel["events_held"] == 1 and in_sel["leads_per_event"] == 2


def test_campaign_and_segment_filters_on_marketing(engine):
    with Builder(engine) as b:
        t = b.territory()
        ent = b.campaign("ENT", start=date(2026, 3, 2), cost="10.00", segment=Segment.enterprise)
        smb = b.campaign("SMB", start=date(2026, 3, 3), cost="20.00", segment=Segment.smb)
        big = b.account("Big", t, Segment.enterprise)
        b.lead(ent, territory=t, account=big, created_at=utc(2026, 3, 4))
        b.lead(ent, territory=t, created_at=utc(2026, 3, 4))       # no account: out of a segment filter
        b.lead(smb, territory=t, account=big, created_at=utc(2026, 3, 4))
        ent_id = ent.id
    by_campaign = kpis(engine, **MARCH, campaign_id=ent_id)
    assert by_campaign["marketing_spend"] == D("10.00") and by_campaign["leads_created"] == 2
    by_segment = kpis(engine, **MARCH, segment=Segment.enterprise)
    assert by_segment["marketing_spend"] == D("10.00")    # campaigns whose target_segment is enterprise
    assert by_segment["leads_created"] == 2               # leads of enterprise accounts (either campaign)
    assert by_segment["cost_per_lead"] == D("10.00")      # 10 / 1 enterprise-account lead of ENT
