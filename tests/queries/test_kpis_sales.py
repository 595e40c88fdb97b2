"""Sales KPIs (KPIS.md "Sales") on small hand-built data, SQLite and PostgreSQL."""
from datetime import date
from decimal import Decimal

import pytest

from tests.factories import Builder, Segment, Stage
from tests.kpi_scenario import assert_value, kpis

D = Decimal


def test_won_revenue_takes_closed_on_dates_inclusive_and_empty_amounts_as_zero(engine):
    with Builder(engine) as b:
        t = b.territory()
        b.opportunity(t, stage=Stage.won, amount="100.10", closed_on=date(2026, 3, 1))   # first day: in
        b.opportunity(t, stage=Stage.won, amount="200.20", closed_on=date(2026, 3, 31))  # last day: in
        b.opportunity(t, stage=Stage.won, amount=None, closed_on=date(2026, 3, 15))      # empty: 0
        b.opportunity(t, stage=Stage.won, amount="999.00", closed_on=date(2026, 2, 28))  # out
        b.opportunity(t, stage=Stage.won, amount="999.00", closed_on=date(2026, 4, 1))   # out
        b.opportunity(t, stage=Stage.lost, amount="50.00", closed_on=date(2026, 3, 2))
        b.opportunity(t, stage=Stage.proposal, amount="70.00", closed_on=date(2026, 3, 2))  # open: not won
    k = kpis(engine)
    assert k["won_revenue"] == D("300.30")       # 100.10 + 200.20 + 0
    assert k["won_deals"] == 3 and k["lost_deals"] == 1
    assert k["win_rate"] == D("0.75")            # 3 / (3 + 1)
    assert k["avg_deal_size"] == D("100.10")     # 300.30 / 3


def test_ratios_without_a_denominator_are_null_not_zero(engine):
    with Builder(engine) as b:
        t = b.territory()
        b.opportunity(t, stage=Stage.proposal, amount="10.00")
    k = kpis(engine)
    assert k["won_revenue"] == D("0.00") and k["won_deals"] == 0
    for key in ("win_rate", "avg_deal_size", "avg_sales_cycle_days", "target_attainment", "forecast_accuracy"):
        assert k[key] is None, key


def test_attainment_is_zero_when_a_target_exists_and_nothing_was_won(engine):
    with Builder(engine) as b:
        t = b.territory()
        b.target(t, date(2026, 3, 1), revenue_target="1000.00")
    k = kpis(engine)
    assert k["revenue_target"] == D("1000.00")
    assert k["target_attainment"] == 0          # 0 / 1000: a real zero, not null


def test_avg_sales_cycle_days_is_exact_over_won_deals_with_an_opened_on(engine):
    with Builder(engine) as b:
        t = b.territory()
        b.opportunity(t, stage=Stage.won, opened_on=date(2026, 2, 1), closed_on=date(2026, 3, 1))   # 28 days
        b.opportunity(t, stage=Stage.won, opened_on=date(2026, 3, 1), closed_on=date(2026, 3, 2))   # 1 day
        b.opportunity(t, stage=Stage.won, opened_on=date(2026, 3, 1), closed_on=date(2026, 3, 3))   # 2 days
        b.opportunity(t, stage=Stage.won, opened_on=None, closed_on=date(2026, 3, 3))               # no opened_on
        b.opportunity(t, stage=Stage.lost, opened_on=date(2025, 1, 1), closed_on=date(2026, 3, 3))  # lost
    assert_value(kpis(engine)["avg_sales_cycle_days"], D(31) / 3)  # (28 + 1 + 2) / 3 = 10.333…


def test_open_deals_ignore_the_period_but_honour_the_territory(engine):
    with Builder(engine) as b:
        sel, bsn = b.territory("SEL"), b.territory("BSN")
        for stage, amount in ((Stage.prospecting, "10.00"), (Stage.engaging, None), (Stage.proposal, "30.00")):
            b.opportunity(sel, stage=stage, amount=amount, expected_close_on=date(2030, 1, 1))
        b.opportunity(bsn, stage=Stage.proposal, amount="500.00")
        b.opportunity(sel, stage=Stage.won, amount="900.00", closed_on=date(2026, 3, 3))
        sel_id = sel.id
    everyone = kpis(engine)
    assert everyone["open_deals"] == 4 and everyone["open_pipeline"] == D("540.00")  # 10 + 0 + 30 + 500
    in_sel = kpis(engine, territory_id=sel_id)
    assert in_sel["open_deals"] == 3 and in_sel["open_pipeline"] == D("40.00")       # 10 + 0 + 30


def test_revenue_target_counts_months_whose_first_day_is_in_the_period(engine):
    with Builder(engine) as b:
        t = b.territory()
        b.target(t, date(2026, 3, 1), revenue_target="100.00")   # Mar 1 is before the period
        b.target(t, date(2026, 4, 1), revenue_target="200.00")   # Apr 1 is its last day
        b.target(t, date(2026, 5, 1), revenue_target=None)        # empty target = 0
        b.opportunity(t, stage=Stage.won, amount="50.00", closed_on=date(2026, 3, 20))
    k = kpis(engine, start=date(2026, 3, 2), end=date(2026, 5, 1))
    assert k["revenue_target"] == D("200.00")    # April 200 + May 0
    assert k["target_attainment"] == D("0.25")   # 50 / 200


def test_forecast_accuracy_uses_the_whole_month_and_is_not_clamped(engine):
    with Builder(engine) as b:
        sel, bsn, icn, pus = (b.territory(c) for c in ("SEL", "BSN", "ICN", "PUS"))
        # SEL March: forecast 900, whole-month won 100 + 200 = 300 (the 25th lies past the period end)
        b.target(sel, date(2026, 3, 1), forecast="900.00")
        b.opportunity(sel, stage=Stage.won, amount="100.00", closed_on=date(2026, 3, 10))
        b.opportunity(sel, stage=Stage.won, amount="200.00", closed_on=date(2026, 3, 25))
        b.opportunity(sel, stage=Stage.won, amount="5000.00", closed_on=date(2026, 4, 1))  # April: not March
        # BSN March: forecast 450, won 500
        b.target(bsn, date(2026, 3, 1), forecast="450.00")
        b.opportunity(bsn, stage=Stage.won, amount="500.00", closed_on=date(2026, 3, 31))
        b.opportunity(bsn, stage=Stage.lost, amount="800.00", closed_on=date(2026, 3, 5))
        # ICN March: no forecast → left out;  PUS March: forecast but no won revenue → left out
        b.target(icn, date(2026, 3, 1), revenue_target="10.00", forecast=None)
        b.opportunity(icn, stage=Stage.won, amount="70.00", closed_on=date(2026, 3, 3))
        b.target(pus, date(2026, 3, 1), forecast="300.00")
        b.opportunity(pus, stage=Stage.won, amount=None, closed_on=date(2026, 3, 3))  # Σ = 0, not > 0
        # SEL February: its first day is outside the period
        b.target(sel, date(2026, 2, 1), forecast="1.00")
        b.opportunity(sel, stage=Stage.won, amount="100.00", closed_on=date(2026, 2, 10))
        sel_id, bsn_id = sel.id, bsn.id
    period = {"start": date(2026, 3, 1), "end": date(2026, 3, 15)}
    # SEL: 1 − |900 − 300| / 300 = −1 (a forecast three times too high); BSN: 1 − |450 − 500| / 500 = 0.9
    assert_value(kpis(engine, **period)["forecast_accuracy"], D("-0.05"))           # (−1 + 0.9) / 2
    assert kpis(engine, **period, territory_id=sel_id)["forecast_accuracy"] == -1
    assert kpis(engine, **period, territory_id=bsn_id)["forecast_accuracy"] == D("0.9")


def test_forecast_accuracy_reads_december_up_to_new_years_eve(engine):
    """Each target month reads its deals up to the next month's first day (the year's too)."""
    with Builder(engine) as b:
        t = b.territory()
        b.target(t, date(2026, 12, 1), forecast="100.00")
        b.opportunity(t, stage=Stage.won, amount="80.00", closed_on=date(2026, 12, 31))
        b.opportunity(t, stage=Stage.won, amount="999.00", closed_on=date(2027, 1, 1))   # January's
        b.opportunity(t, stage=Stage.won, amount="999.00", closed_on=date(2026, 11, 30))  # November's
    # 1 − |100 − 80| / 80 = 0.75
    assert kpis(engine, start=date(2026, 12, 1), end=date(2026, 12, 31))["forecast_accuracy"] == D("0.75")


def test_campaign_and_segment_filters_narrow_the_deals(engine):
    with Builder(engine) as b:
        t = b.territory()
        c1, c2 = b.campaign("FC1"), b.campaign("FC2")
        ent = b.account("Big", t, Segment.enterprise)
        smb = b.account("Small", t, Segment.smb)
        b.opportunity(t, stage=Stage.won, amount="100.00", closed_on=date(2026, 3, 3), source_campaign=c1, account=ent)
        b.opportunity(t, stage=Stage.won, amount="200.00", closed_on=date(2026, 3, 3), source_campaign=c2, account=smb)
        b.opportunity(t, stage=Stage.won, amount="400.00", closed_on=date(2026, 3, 3), account=None)
        b.opportunity(t, stage=Stage.lost, amount="1.00", closed_on=date(2026, 3, 3), source_campaign=c1, account=smb)
        c1_id = c1.id
    by_campaign = kpis(engine, campaign_id=c1_id)
    assert by_campaign["won_revenue"] == D("100.00") and by_campaign["win_rate"] == D("0.5")  # 1 / (1 + 1)
    by_segment = kpis(engine, segment=Segment.smb)
    assert by_segment["won_revenue"] == D("200.00") and by_segment["lost_deals"] == 1
    assert kpis(engine)["won_revenue"] == D("700.00")  # 100 + 200 + 400 (no account)


@pytest.mark.parametrize("segment", list(Segment))
def test_every_segment_is_a_valid_filter(engine, segment):
    with Builder(engine) as b:
        b.territory()
    assert kpis(engine, segment=segment)["won_deals"] == 0
