"""all_kpis: exactly the KPIS.md keys in order, the hand-worked scenario, and who may ask."""
from dataclasses import replace

import pytest
from sqlmodel import Session

from models.enums import Role
from queries.kpis import KPI_KEYS, KPIS, KpiFilter, all_kpis
from queries.scope import AccessDenied, Viewer
from tests import kpi_scenario as sc

# The keys of docs/KPIS.md, in its order.
KPIS_MD_KEYS = [
    "won_revenue", "won_deals", "lost_deals", "win_rate", "avg_deal_size", "avg_sales_cycle_days",
    "open_deals", "open_pipeline", "revenue_target", "target_attainment", "forecast_accuracy",
    "marketing_spend", "campaigns_started", "leads_created", "cost_per_lead", "campaign_roi",
    "lead_conversion_rate", "marketing_sourced_revenue_share", "events_held", "leads_per_event",
    "event_attendance_rate", "leads_assigned", "median_first_touch_hours", "sla_compliance", "untouched_leads",
    "note_read_rate", "leads_accepted", "leads_rejected", "acceptance_rate", "leads_recycled", "lead_commitment",
    "commitment_attainment", "ltv_by_segment",
]

ADMIN = Viewer(id=0, username="admin", display_name="Admin", role=Role.admin, territory_id=None)


def _filter(**kw):
    return KpiFilter(sc.START, sc.END, sc.AS_OF, **kw)


def test_keys_are_exactly_those_of_kpis_md_in_order():
    assert list(KPI_KEYS) == KPIS_MD_KEYS
    assert [key for key, kpi in KPIS.items() if kpi.definition] == KPIS_MD_KEYS


def test_every_kpi_of_the_whole_company(engine):
    sc.build(engine)
    with Session(engine) as s:
        got = all_kpis(ADMIN, _filter(), session=s)
    sc.assert_kpis(got, sc.EXPECTED_ALL)


def test_every_kpi_of_one_territory(engine):
    ids = sc.build(engine)
    with Session(engine) as s:
        got = all_kpis(ADMIN, _filter(territory_id=ids["SEL"]), session=s)
    sc.assert_kpis(got, sc.EXPECTED_SEL)


@pytest.mark.parametrize("role", [Role.executive, Role.marketer])
def test_company_wide_roles_may_ask_for_any_territory(engine, role):
    ids = sc.build(engine)
    viewer = replace(ADMIN, role=role)
    with Session(engine) as s:
        got = all_kpis(viewer, _filter(territory_id=ids["SEL"]), session=s)
    assert got["won_revenue"] == sc.EXPECTED_SEL["won_revenue"]


def test_a_manager_is_held_to_their_own_territory(engine):
    ids = sc.build(engine)
    manager = Viewer(id=99, username="m", display_name="M", role=Role.manager, territory_id=ids["SEL"])
    with Session(engine) as s:
        forced = all_kpis(manager, _filter(), session=s)
        sc.assert_kpis(forced, sc.EXPECTED_SEL)
        with pytest.raises(AccessDenied):
            all_kpis(manager, _filter(territory_id=ids["BSN"]), session=s)


def test_a_rep_is_refused(engine):
    ids = sc.build(engine)
    rep = Viewer(id=98, username="r", display_name="R", role=Role.rep, territory_id=ids["SEL"])
    with Session(engine) as s, pytest.raises(AccessDenied):
        all_kpis(rep, _filter(territory_id=ids["SEL"]), session=s)


def test_a_period_that_ends_before_it_starts_is_refused():
    with pytest.raises(ValueError):
        KpiFilter(sc.END, sc.START, sc.AS_OF)


def test_a_naive_as_of_is_refused():
    with pytest.raises(ValueError):
        KpiFilter(sc.START, sc.END, sc.AS_OF.replace(tzinfo=None))
