"""ltv_by_segment (KPIS.md "Customers"): lifetime, per segment, accounts without a segment and
deals without an account left out — SQLite and PostgreSQL."""
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session

from tests.factories import Builder, Segment, Stage
from tests.kpi_scenario import assert_value, kpis

D = Decimal


def test_ltv_by_segment_is_lifetime_won_amount_per_account_with_a_won_deal(engine):
    with Builder(engine) as b:
        sel, bsn = b.territory("SEL"), b.territory("BSN")
        e1 = b.account("E1", sel, Segment.enterprise)
        e2 = b.account("E2", bsn, Segment.enterprise)
        e3 = b.account("E3", sel, Segment.enterprise)      # only a lost deal: not counted
        m1 = b.account("M1", sel, Segment.mid_market)
        none = b.account("N", sel, None)                   # no segment: left out
        b.opportunity(sel, stage=Stage.won, amount="1000.00", closed_on=date(2019, 5, 1), account=e1)  # lifetime
        b.opportunity(sel, stage=Stage.won, amount="500.00", closed_on=date(2026, 3, 1), account=e1)
        b.opportunity(bsn, stage=Stage.won, amount=None, closed_on=date(2026, 3, 1), account=e2)       # empty: 0
        b.opportunity(sel, stage=Stage.lost, amount="9000.00", closed_on=date(2026, 3, 1), account=e3)
        b.opportunity(sel, stage=Stage.proposal, amount="9000.00", account=m1)
        b.opportunity(sel, stage=Stage.won, amount="333.33", closed_on=date(2026, 3, 1), account=m1)
        b.opportunity(sel, stage=Stage.won, amount="7777.00", closed_on=date(2026, 3, 1), account=none)
        b.opportunity(sel, stage=Stage.won, amount="8888.00", closed_on=date(2026, 3, 1))             # no account
        sel_id = sel.id
    got = kpis(engine, start=date(2026, 4, 1), end=date(2026, 4, 30))   # the period does not matter
    # enterprise: (1000 + 500 + 0) / 2 accounts (E1, E2) = 750; mid_market: 333.33 / 1; no smb entry
    assert_value(got["ltv_by_segment"], {"enterprise": D("750"), "mid_market": D("333.33")})
    in_sel = kpis(engine, territory_id=sel_id)
    assert_value(in_sel["ltv_by_segment"], {"enterprise": D("1500"), "mid_market": D("333.33")})  # E1 only
    assert kpis(engine, segment=Segment.mid_market)["ltv_by_segment"] == {"mid_market": D("333.33")}


def test_ltv_by_segment_is_empty_without_won_deals(engine):
    with Builder(engine) as b:
        t = b.territory()
        b.opportunity(t, stage=Stage.lost, amount="1.00", closed_on=date(2026, 3, 1),
                      account=b.account("X", t, Segment.smb))
    assert kpis(engine)["ltv_by_segment"] == {}


def test_the_lifetime_kpis_are_what_every_period_gives_them(engine):
    """Issue 18: the dashboard reads the lifetime KPIs once for the period and the previous one.
    That is only right if they do not depend on the period or the moment: lifetime_kpis equals
    all_kpis' value for every period, under each filter; a manager gets their own territory."""
    from datetime import date, datetime, timedelta, timezone

    from queries.kpis import LIFETIME_KEYS, PERIOD_KEYS, KPI_KEYS, KpiFilter, all_kpis, lifetime_kpis
    from queries.scope import AccessDenied, Viewer
    from models.enums import Role
    from tests import kpi_scenario as sc

    ids = sc.build(engine)
    executive = Viewer(id=0, username="e", display_name="E", role=Role.executive, territory_id=None)
    manager = Viewer(id=1, username="m", display_name="M", role=Role.manager, territory_id=ids["SEL"])
    assert LIFETIME_KEYS == ("ltv_by_segment",) and set(PERIOD_KEYS) | set(LIFETIME_KEYS) == set(KPI_KEYS)
    periods = [(sc.START, sc.END, sc.AS_OF), (date(2019, 1, 1), date(2019, 1, 1), sc.AS_OF - timedelta(days=2000)),
               (date(2026, 1, 1), date(2026, 12, 31), datetime(2027, 1, 1, tzinfo=timezone.utc))]
    with Session(engine) as s:
        for viewer, filters in ((executive, {}), (executive, {"territory_id": ids["BSN"]}),
                                (executive, {"segment": "enterprise"}), (manager, {})):
            once = lifetime_kpis(viewer, session=s, **filters)
            assert list(once) == list(LIFETIME_KEYS)
            for start, end, as_of in periods:
                full = all_kpis(viewer, KpiFilter(start, end, as_of, **filters), session=s)
                assert {k: full[k] for k in LIFETIME_KEYS} == once, (viewer.role, filters, start)
        assert lifetime_kpis(executive, session=s)["ltv_by_segment"] == sc.EXPECTED_ALL["ltv_by_segment"]
        with pytest.raises(AccessDenied):
            lifetime_kpis(manager, session=s, territory_id=ids["BSN"])
        period_only = all_kpis(executive, KpiFilter(sc.START, sc.END, sc.AS_OF), session=s, keys=PERIOD_KEYS)
    assert list(period_only) == list(PERIOD_KEYS)
