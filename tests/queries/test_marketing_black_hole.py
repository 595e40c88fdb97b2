"""The black-hole view: its numbers are the executive KPIs' for the same campaign and territory (issue 4 §5)."""
from datetime import date, timedelta
from decimal import Decimal

import pytest

from models.db import read_session
from models.enums import LeadStatus, Stage
from queries import black_hole
from queries.kpis import KpiFilter, all_kpis
from queries.scope import AccessDenied
from tests.factories import Builder, utc
from tests.marketing_world import build_world

AS_OF = utc(2026, 4, 15, 0)


def _scenario(engine):
    world = build_world(engine)
    with Builder(engine) as b:
        c = b.session.get(type(world.campaign), world.campaign.id)
        sel, bsn = (b.session.get(type(world.sel), t.id) for t in (world.sel, world.bsn))
        other = b.campaign("OTHER", start=date(2026, 3, 1))

        def lead(territory, rep, assigned, touched=None, status=LeadStatus.new, reason=None, campaign=c):
            return b.lead(campaign, created_at=assigned, territory=territory, assigned_to=rep, assigned_at=assigned,
                          first_touch_at=touched, status=status, disqualify_reason=reason,
                          converted_at=touched if status == LeadStatus.converted else None)
        lead(sel, world.alice, utc(2026, 3, 2), utc(2026, 3, 2, 10), LeadStatus.working)       # on time
        lead(sel, world.bora, utc(2026, 3, 3), utc(2026, 3, 5), LeadStatus.converted)          # 48 h: late
        overdue = lead(sel, world.bora, utc(2026, 3, 4))                                        # black hole
        lead(sel, world.alice, AS_OF - timedelta(hours=2))                                      # not yet due
        lead(sel, world.alice, utc(2026, 3, 6), status=LeadStatus.disqualified, reason="no_budget")
        lead(bsn, world.dana, utc(2026, 3, 2), utc(2026, 3, 2, 5), LeadStatus.converted)       # on time
        lead(bsn, world.dana, utc(2026, 3, 10))                                                 # black hole
        lead(sel, world.alice, utc(2026, 3, 2), campaign=other)                                 # other campaign
        b.lead(c, created_at=utc(2026, 3, 8), company="Nowhere")                                # never routed
        b.opportunity(sel, stage=Stage.won, amount="1000000.50", closed_on=date(2026, 3, 20), source_campaign=c)
        b.opportunity(bsn, stage=Stage.proposal, amount="500", source_campaign=c)
        b.opportunity(sel, stage=Stage.won, amount="999", closed_on=date(2026, 3, 20), source_campaign=other)
    return world, overdue


def test_black_hole_counts_per_territory(engine):
    world, _ = _scenario(engine)
    with read_session(engine) as s:
        view = black_hole.black_hole(world.marketer, world.campaign.id, session=s, as_of=AS_OF)
    assert (view.start, view.end) == (date(2026, 3, 1), date(2026, 5, 31))
    sel = next(r for r in view.by_territory if r.territory_id == world.sel.id)
    # SEL: 5 handed over; 1 on time; counted = touched (2) + past deadline untouched (2) = 4 → 1/4.
    assert (sel.leads_assigned, sel.touched_within_sla, sel.sla_compliance, sel.untouched_leads) == (
        5, 1, Decimal("0.25"), 1)
    assert (sel.converted, sel.disqualified, sel.won_deals, sel.won_revenue) == (1, 1, 1, Decimal("1000000.50"))
    total = view.total
    # All: 7 handed over, 2 on time, 6 counted → 1/3; untouched overdue: one in SEL, one in BSN.
    assert (total.leads_assigned, total.touched_within_sla, total.untouched_leads) == (7, 2, 2)
    assert (total.open_deals, total.open_pipeline) == (1, Decimal("500.00"))
    assert view.without_territory == 1
    assert view.disqualify_reasons == [("no_budget", 1)]


@pytest.mark.parametrize("territory", ["all", "sel", "bsn", "ggd"])
def test_black_hole_numbers_equal_the_kpi_functions_for_the_same_campaign_and_territory(engine, territory):
    world, _ = _scenario(engine)
    territory_id = None if territory == "all" else getattr(world, territory).id
    with read_session(engine) as s:
        view = black_hole.black_hole(world.marketer, world.campaign.id, session=s, as_of=AS_OF)
        row = view.total if territory_id is None else next(
            (r for r in view.by_territory if r.territory_id == territory_id), None)
        kpis = all_kpis(world.executive, KpiFilter(start=view.start, end=view.end, as_of=AS_OF,
                                                   campaign_id=world.campaign.id, territory_id=territory_id),
                        session=s)
    if territory == "ggd":  # not a target and no leads: no row, and the KPIs agree there is nothing
        assert row is None and kpis["leads_assigned"] == 0
        return
    for key in ("leads_assigned", "sla_compliance", "untouched_leads", "median_first_touch_hours", "leads_created",
                "lead_conversion_rate", "open_deals", "open_pipeline", "won_deals", "won_revenue"):
        assert getattr(row, key) == kpis[key], key


def test_overdue_untouched_leads_are_listed_with_rep_and_age(engine):
    world, overdue = _scenario(engine)
    with read_session(engine) as s:
        page = black_hole.overdue_untouched(world.marketer, world.campaign.id, session=s, start=date(2026, 3, 1),
                                            end=date(2026, 5, 31), territory_id=world.sel.id, as_of=AS_OF)
        everywhere = black_hole.overdue_untouched(world.marketer, world.campaign.id, session=s,
                                                  start=date(2026, 3, 1), end=date(2026, 5, 31), as_of=AS_OF)
        disq = black_hole.disqualified_leads(world.marketer, world.campaign.id, session=s, start=date(2026, 3, 1),
                                             end=date(2026, 5, 31), as_of=AS_OF)
    assert [(r.code, r.rep) for r in page.rows] == [(overdue.code, "Sel.Bora")]
    assert page.rows[0].age == AS_OF - utc(2026, 3, 4)  # 42 days
    assert everywhere.total == 2
    assert [r.disqualify_reason for r in disq.rows] == ["no_budget"]


def test_reps_and_managers_do_not_get_the_black_hole_view(engine):
    world, _ = _scenario(engine)
    with read_session(engine) as s:
        for viewer in (world.rep_viewer(world.alice), world.manager):
            with pytest.raises(AccessDenied):
                black_hole.black_hole(viewer, world.campaign.id, session=s, as_of=AS_OF)


def test_territories_are_named_in_the_readers_language(engine):
    from i18n import use_language

    world, _ = _scenario(engine)
    names = {}
    for language in ("en", "ko"):
        with use_language(language), read_session(engine) as s:
            view = black_hole.black_hole(world.marketer, world.campaign.id, session=s, as_of=AS_OF)
            late = black_hole.overdue_untouched(world.marketer, world.campaign.id, session=s, start=view.start,
                                                end=view.end, as_of=AS_OF)
        names[language] = ({r.territory for r in view.by_territory}, {line.territory for line in late.rows})
    assert names["en"] == ({"Seoul", "Busan"}, {"Seoul", "Busan"})
    assert names["ko"] == ({"서울", "부산"}, {"서울", "부산"})
