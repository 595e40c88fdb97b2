"""Dashboard chart data (queries.dashboard_series) agrees with the tiles and is counted in SQL."""
from datetime import date, timedelta
from decimal import Decimal

from sqlmodel import Session

from models.enums import Role
from queries import dashboard_series as series
from queries.kpis import KpiFilter, lifetime_kpis
from queries.scope import Viewer
from tests import kpi_scenario as sc
from tests.factories import Builder, LeadStatus, Stage, utc

EXEC = Viewer(id=0, username="exec", display_name="Exec", role=Role.executive, territory_id=None)
D = Decimal


def _march(**kw):
    return KpiFilter(sc.START, sc.END, sc.AS_OF, **kw)


def test_funnel_follows_the_leads_created_in_the_period(engine):
    with Builder(engine) as b:
        t = b.territory()
        c = b.campaign()
        touched = dict(territory=t, created_at=utc(2026, 3, 2), assigned_at=utc(2026, 3, 2),
                       first_touch_at=utc(2026, 3, 3))
        l1 = b.lead(c, status=LeadStatus.converted, **touched)
        l2 = b.lead(c, status=LeadStatus.converted, **touched)
        b.lead(c, status=LeadStatus.working, **touched)
        b.lead(c, territory=t, created_at=utc(2026, 3, 4))                  # never worked
        old = b.lead(c, territory=t, created_at=utc(2026, 1, 4), status=LeadStatus.converted)  # not in cohort
        b.opportunity(t, lead=l1, stage=Stage.won, amount="10.00", closed_on=date(2026, 4, 1))
        b.opportunity(t, lead=l2, stage=Stage.proposal)
        b.opportunity(t, lead=old, stage=Stage.won, closed_on=date(2026, 3, 5))
    with Session(engine) as s:
        got = series.funnel(EXEC, _march(), session=s)
    # 4 leads → 3 worked → 2 converted to a deal → 1 of those deals won (one step per stage)
    assert list(got["count"]) == [4, 3, 2, 1]
    assert list(got["step"]) == list(series.FUNNEL_STEPS) == ["Leads", "Worked (first-touched)",
                                                                "Converted to a deal", "Won"]


def test_monthly_revenue_target_and_forecast(engine):
    sc.build(engine)
    with Session(engine) as s:
        got = series.monthly_revenue(EXEC, KpiFilter(date(2026, 3, 1), date(2026, 4, 30), sc.AS_OF), session=s)
    rows = {r.month: r for r in got.itertuples()}
    assert list(rows) == [date(2026, 3, 1), date(2026, 4, 1)]
    assert rows[date(2026, 3, 1)].won_revenue == D("2000.00")      # O1 + O2 + O3 + O11
    assert rows[date(2026, 3, 1)].revenue_target == D("3500.00")   # 2000 + 1000 + 500
    assert rows[date(2026, 3, 1)].forecast == D("3800.00")         # 1200 + 2500 + 100
    assert rows[date(2026, 4, 1)].won_revenue == D("1100.00")      # O8 700 + O9 400
    assert rows[date(2026, 4, 1)].revenue_target == D("3000.00")


def test_territory_comparison_matches_each_territory_tile(engine):
    sc.build(engine)
    with Session(engine) as s:
        got = series.territory_comparison(EXEC, _march(), session=s).set_index("territory")
    sel = got.loc["SEL"]
    assert sel.target_attainment == sc.EXPECTED_SEL["target_attainment"]
    assert sel.win_rate == sc.EXPECTED_SEL["win_rate"]
    sc.assert_value(sel.sla_compliance, sc.EXPECTED_SEL["sla_compliance"])
    assert sel.untouched_leads == sc.EXPECTED_SEL["untouched_leads"]
    sc.assert_value(got.loc["BSN"].win_rate, D(2) / 3)            # O3, O11 won / (2 won + O4 lost)
    assert got.loc["ICN"].win_rate is None                         # nothing closed in ICN
    assert list(got.index) == ["BSN", "ICN", "SEL"]


def test_territory_comparison_of_a_manager_shows_only_their_territory(engine):
    ids = sc.build(engine)
    manager = Viewer(id=1, username="m", display_name="M", role=Role.manager, territory_id=ids["SEL"])
    with Session(engine) as s:
        got = series.territory_comparison(manager, _march(), session=s)
    assert list(got["territory"]) == ["SEL"]


def test_campaign_roi_points_and_ltv(engine):
    sc.build(engine)
    with Session(engine) as s:
        points = series.campaign_roi_points(EXEC, _march(), session=s).set_index("code")
        ltv = lifetime_kpis(EXEC, session=s)["ltv_by_segment"]
    assert points.loc["C1", "attributed_cost"] == D("100.00")
    assert points.loc["C1", "attributed_won_revenue"] == D("1700.00")   # O1 1000 + O8 700 (O9 after as_of)
    assert points.loc["C1", "leads"] == 3                               # L1, L2, L6
    assert ltv == sc.EXPECTED_ALL["ltv_by_segment"]


def test_response_time_buckets_put_the_sla_edge_inside_the_sla(engine):
    with Builder(engine) as b:
        t = b.territory()
        c = b.campaign()
        for hours in (0, 1, 2, 24, 24.5, 200):
            at = utc(2026, 3, 10)
            b.lead(c, territory=t, created_at=at, assigned_at=at, first_touch_at=at + timedelta(hours=hours))
    with Session(engine) as s:
        got = series.response_time_distribution(EXEC, _march(), session=s).set_index("bucket")
    assert got.loc["≤ 1 h", "leads"] == 2          # 0 h and exactly 1 h
    assert got.loc["1–4 h", "leads"] == 1
    assert got.loc["8–24 h", "leads"] == 1         # exactly 24 h: within the SLA
    assert got.loc["24–48 h", "leads"] == 1
    assert got.loc["> 168 h", "leads"] == 1
    assert got["leads"].sum() == 6
    assert got.loc["8–24 h", "within_sla"] and not got.loc["24–48 h", "within_sla"]


def _per_territory_reference(viewer, f, session):
    """What each territory's own KPI functions say, one fresh measurement per territory: the rows
    territory_comparison must give from its grouped passes."""
    from dataclasses import replace as dc_replace

    from queries.kpis import handoff, resolve, sales
    from models.tables import Territory
    from sqlalchemy import select as sa_select

    p = resolve(viewer, dc_replace(f, territory_id=None), session=session)
    rows = []
    for tid, code in session.execute(sa_select(Territory.id, Territory.code).order_by(Territory.code)).all():
        one = dc_replace(p, f=dc_replace(p.f, territory_id=tid))
        rows.append((code, sales.target_attainment(one, session=session), sales.win_rate(one, session=session),
                     handoff.sla_compliance(one, session=session), handoff.untouched_leads(one, session=session)))
    return rows


def test_territory_comparison_from_grouped_passes_equals_each_territorys_own_kpis(engine):
    """Issue 18: the comparison reads three grouped passes, not three passes per territory.
    Under every filter the other tiles take, each row equals that territory's own KPI functions
    (a territory with nothing in the period included), and the statements do not grow with the
    number of territories."""
    from tests.queries.test_kpi_passes import _statements

    ids = sc.build(engine)
    with Builder(engine) as b:      # territories with nothing at all in the period
        for code in ("ZZA", "ZZB", "ZZC"):
            b.territory(code=code)
    filters = [_march(), _march(segment="enterprise"), KpiFilter(date(2026, 1, 1), date(2026, 4, 30), sc.AS_OF),
               KpiFilter(sc.START, sc.END, sc.AS_OF + timedelta(days=40))]
    with Session(engine) as s:
        campaign = s.execute(__import__("sqlalchemy").text("SELECT MIN(id) FROM campaign")).scalar_one()
        filters.append(_march(campaign_id=campaign))
        for f in filters:
            got = series.territory_comparison(EXEC, f, session=s)
            want = _per_territory_reference(EXEC, f, s)
            assert [tuple(r) for r in got[["territory", "target_attainment", "win_rate", "sla_compliance",
                                           "untouched_leads"]].itertuples(index=False)] == want, f
        assert len(got) == 6 and ids
        series.territory_comparison(EXEC, _march(), session=s)      # warm the settings read
        statements = _statements(engine, lambda: series.territory_comparison(EXEC, _march(), session=s))
    assert statements <= 6, statements      # settings, territories, 3 grouped passes (was 3 + 3 per territory)
