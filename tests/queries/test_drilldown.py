"""Every tile's drill-down lists the records behind it, and they add up to the tile."""
from decimal import Decimal

import pytest
from sqlmodel import Session

from models.enums import Role
from queries.drilldown import drilldown, measure_value
from queries.kpis import KPI_KEYS, KpiFilter, all_kpis
from queries.scope import AccessDenied, Viewer
from tests import kpi_scenario as sc

EXEC = Viewer(id=0, username="exec", display_name="Exec", role=Role.executive, territory_id=None)


def _sum(frame, column):
    return sum((Decimal(str(v)) for v in frame[column] if v is not None and v == v), Decimal(0))


@pytest.mark.parametrize("territory", [None, "SEL", "BSN"])
def test_every_tile_is_the_sum_of_its_rows(engine, territory):
    ids = sc.build(engine)
    f = KpiFilter(sc.START, sc.END, sc.AS_OF, territory_id=ids[territory] if territory else None)
    with Session(engine) as s:
        tiles = all_kpis(EXEC, f, session=s)
        for key in KPI_KEYS:
            dd = drilldown(EXEC, f, key, session=s)
            assert not dd.truncated
            sc.assert_value(measure_value(dd), tiles[key], key=key)
            m = dd.measure
            # The plain reading of "adds up", independent of measure_value:
            if m.how == "count":
                assert len(dd.frame) == tiles[key], key
            elif m.how == "sum":
                assert _sum(dd.frame, m.value) == pytest.approx(tiles[key], rel=Decimal("1e-20")), key


def test_drilldown_rows_are_the_records_a_person_expects(engine):
    sc.build(engine)
    f = KpiFilter(sc.START, sc.END, sc.AS_OF)
    with Session(engine) as s:
        won = drilldown(EXEC, f, "won_revenue", session=s).frame
        leads = drilldown(EXEC, f, "leads_created", session=s).frame
        untouched = drilldown(EXEC, f, "untouched_leads", session=s).frame
        spend = drilldown(EXEC, f, "marketing_spend", session=s).frame
        ltv = drilldown(EXEC, f, "ltv_by_segment", session=s).frame
    assert sorted(won["code"]) == ["O1", "O11", "O2", "O3"]
    assert _sum(won, "amount") == Decimal("2000.00")            # 1000 + 500 + 500, O2's empty amount is 0
    assert sorted(leads["code"]) == ["L1", "L3", "L4", "L6", "L7", "L8"]
    # timestamps are shown in company time: L1 was created 23:30 Seoul on the last day
    assert str(leads.set_index("code").loc["L1", "created"]) == "2026-03-31 23:30:00"
    assert list(untouched["code"]) == ["L5"]
    assert sorted(spend["code"]) == ["C1", "C2", "C4"]
    assert _sum(spend, "attributed_cost") == Decimal("160.00")  # 100 + 60 + empty cost 0
    assert set(ltv["account"]) == {"A1 Enterprise SEL", "A2 SMB BSN", "A4 key account"}


def test_split_cost_rows_keep_every_digit(engine):
    ids = sc.build(engine)
    f = KpiFilter(sc.START, sc.END, sc.AS_OF, territory_id=ids["SEL"])
    with Session(engine) as s:
        spend = drilldown(EXEC, f, "marketing_spend", session=s).frame.set_index("code")
    assert spend.loc["C1", "attributed_cost"] == pytest.approx(Decimal(100) / 3, rel=Decimal("1e-40"))  # 100 / 3
    assert spend.loc["C2", "attributed_cost"] == Decimal("20.00")   # 60 / all 3 territories (no targets)


def test_a_limit_truncates_and_says_so(engine):
    sc.build(engine)
    f = KpiFilter(sc.START, sc.END, sc.AS_OF)
    with Session(engine) as s:
        dd = drilldown(EXEC, f, "leads_created", session=s, limit=4)
    assert len(dd.frame) == 4 and dd.truncated


def test_drilldown_refuses_a_rep_and_an_unknown_key(engine):
    ids = sc.build(engine)
    f = KpiFilter(sc.START, sc.END, sc.AS_OF)
    rep = Viewer(id=5, username="r", display_name="R", role=Role.rep, territory_id=ids["SEL"])
    with Session(engine) as s:
        with pytest.raises(AccessDenied):
            drilldown(rep, f, "won_revenue", session=s)
        with pytest.raises(KeyError):
            drilldown(EXEC, f, "revenue_per_moon_phase", session=s)
