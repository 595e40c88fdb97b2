"""Routing imported leads and the unassigned queue (issue 4 §4)."""
import pytest
from sqlmodel import select

from models.db import read_session, write_session
from models.errors import ValidationFailed
from models.tables import AuditLog, Lead
from queries import marketing
from queries.scope import AccessDenied
from services import lead_import, routing
from services.lead_import_parsing import auto_mapping, open_lead_file, read_header
from tests.factories import Builder, utc
from tests.marketing_world import build_world, csv_bytes

HEADER = ["Company", "Email", "Name", "Territory"]


def _import(engine, world, rows, *, event_id=None):
    lead_file = open_lead_file("r.csv", csv_bytes([HEADER, *rows]))
    with write_session(engine) as s:
        report = lead_import.import_leads(world.marketer, lead_file, auto_mapping(read_header(lead_file)),
                                          campaign_id=world.campaign.id, event_id=event_id, session=s)
    with read_session(engine) as s:
        leads = s.exec(select(Lead).where(Lead.import_batch_id == report.batch_id).order_by(Lead.code)).all()
    return report, {lead.company: lead for lead in leads}


def test_owner_first_then_fewest_open_leads_counting_this_import_ties_by_username(engine):
    world = build_world(engine)
    with Builder(engine) as b:  # bora already holds one open lead, alice none
        b.lead(world.campaign, created_at=utc(2026, 3, 1), territory=world.sel, assigned_to=world.bora,
               assigned_at=utc(2026, 3, 1))
    _, leads = _import(engine, world, [
        ["Hanbit Steel", "", "Kim", ""],   # account in SEL owned by bora → bora, whatever her load (2)
        ["New A", "", "A", "SEL"],         # alice 0 < bora 2 → alice (1)
        ["New B", "", "B", "SEL"],         # alice 1 < bora 2 → alice (2)
        ["New C", "", "C", "SEL"],         # alice 2 = bora 2 → tie → sel.alice (3)
        ["New D", "", "D", "SEL"],         # alice 3 > bora 2 → bora (3)
        ["Gaon Foods", "", "E", ""],       # BSN account; its owner alice is no BSN rep → dana
    ])
    by = {name: lead.assigned_to_id for name, lead in leads.items()}
    a, bo, d = world.alice.id, world.bora.id, world.dana.id
    assert by == {"Hanbit Steel": bo, "New A": a, "New B": a, "New C": a, "New D": bo, "Gaon Foods": d}
    assert leads["Hanbit Steel"].territory_id == world.sel.id and leads["Hanbit Steel"].account_id == world.hanbit.id
    assert all(lead.assigned_at == lead.created_at for lead in leads.values())


def test_an_inactive_owner_is_skipped(engine):
    world = build_world(engine)
    with Builder(engine) as b:
        b.account("Carl Corp", world.sel, owner=world.carl)
    _, leads = _import(engine, world, [["Carl Corp", "", "X", ""]])
    assert leads["Carl Corp"].assigned_to_id == world.alice.id


def test_territory_from_the_file_then_the_account_then_the_event(engine):
    world = build_world(engine)
    with Builder(engine) as b:
        event = b.event(world.campaign, world.bsn, starts_at=utc(2026, 4, 1, 1))
    _, leads = _import(engine, world, [
        ["Hanbit Steel", "", "file wins", "BSN"],  # file says BSN although the account is in SEL
        ["Gaon Foods", "", "account", ""],        # account in BSN
        ["Key Corp", "", "event", ""],            # company-wide account: the event's territory
        ["Fresh Co", "", "event too", ""],
    ], event_id=event.id)
    assert {c: lead.territory_id for c, lead in leads.items()} == {
        "Hanbit Steel": world.bsn.id, "Gaon Foods": world.bsn.id, "Key Corp": world.bsn.id, "Fresh Co": world.bsn.id}
    assert leads["Hanbit Steel"].assigned_to_id == world.dana.id  # bora owns it but is not a BSN rep
    assert all(lead.event_id == event.id for lead in leads.values())


def test_unroutable_leads_wait_in_the_unassigned_queue(engine):
    world = build_world(engine)
    report, leads = _import(engine, world, [["Nowhere Inc", "", "N", ""], ["Gyeonggi Co", "", "G", "GGD"]])
    assert report.unassigned == 2
    assert leads["Nowhere Inc"].territory_id is None and leads["Nowhere Inc"].assigned_to_id is None
    assert leads["Gyeonggi Co"].territory_id == world.ggd.id and leads["Gyeonggi Co"].assigned_at is None
    with read_session(engine) as s:
        queue = marketing.unassigned_queue(world.marketer, session=s)
        assert sorted(r.company for r in queue.rows) == ["Gyeonggi Co", "Nowhere Inc"]
        assert [r.company for r in marketing.unassigned_queue(world.marketer, session=s,
                                                              without_territory=True).rows] == ["Nowhere Inc"]


def test_marketing_routes_by_hand_anywhere_with_an_audit_entry(engine):
    world = build_world(engine)
    _, leads = _import(engine, world, [["Nowhere Inc", "", "N", ""]])
    lead = leads["Nowhere Inc"]
    with pytest.raises(ValidationFailed, match="active rep of that territory"), write_session(engine) as s:
        routing.route_lead(world.marketer, lead.id, territory_id=world.sel.id, rep_id=world.carl.id, session=s)
    with write_session(engine) as s:
        routing.route_lead(world.marketer, lead.id, territory_id=world.bsn.id, rep_id=world.dana.id, session=s,
                           expected_version=lead.version)
    with read_session(engine) as s:
        routed = s.get(Lead, lead.id)
        assert (routed.territory_id, routed.assigned_to_id) == (world.bsn.id, world.dana.id)
        assert routed.assigned_at is not None
        entry = s.exec(select(AuditLog).where(AuditLog.entity == "lead", AuditLog.action == "route")).one()
        assert f'"assigned_to_id": {{"after": {world.dana.id}, "before": null}}' in entry.detail
    with pytest.raises(ValidationFailed, match="already assigned"), write_session(engine) as s:
        routing.route_lead(world.marketer, lead.id, territory_id=world.sel.id, rep_id=world.alice.id, session=s)


def test_a_manager_routes_only_their_territorys_leads_to_their_reps(engine):
    world = build_world(engine)
    _, leads = _import(engine, world, [["Nowhere Inc", "", "N", ""], ["Sel Spare", "", "S", "SEL"]])
    with Builder(engine) as b:  # a SEL lead nobody could take yet
        spare = b.lead(world.campaign, created_at=utc(2026, 3, 1), territory=world.sel, company="Waiting Co")
    with read_session(engine) as s:
        queue = marketing.unassigned_queue(world.manager, session=s)
        assert [r.company for r in queue.rows] == ["Waiting Co"]  # not the lead without a territory
        assert marketing.unassigned_queue(world.bsn_manager, session=s).total == 0
        # Fewest open leads first: "Sel Spare" went to alice, so bora (0) leads alice (1).
        assert [r[1:] for r in marketing.routable_reps(world.manager, world.sel.id, session=s)] == [
            ("Sel.Bora", 0), ("Sel.Alice", 1)]
        with pytest.raises(AccessDenied):
            marketing.routable_reps(world.manager, world.bsn.id, session=s)
        with pytest.raises(AccessDenied):
            marketing.unassigned_queue(world.rep_viewer(world.alice), session=s)
    with pytest.raises(AccessDenied), write_session(engine) as s:  # another territory's rep
        routing.route_lead(world.manager, spare.id, territory_id=world.bsn.id, rep_id=world.dana.id, session=s)
    with pytest.raises(AccessDenied), write_session(engine) as s:  # a lead outside the territory
        routing.route_lead(world.manager, leads["Nowhere Inc"].id, territory_id=world.sel.id,
                           rep_id=world.alice.id, session=s)
    with pytest.raises(AccessDenied), write_session(engine) as s:
        routing.route_lead(world.bsn_manager, spare.id, territory_id=world.bsn.id, rep_id=world.dana.id, session=s)
    with pytest.raises(AccessDenied), write_session(engine) as s:
        routing.route_lead(world.rep_viewer(world.alice), spare.id, territory_id=world.sel.id,
                           rep_id=world.alice.id, session=s)
    with write_session(engine) as s:
        routing.route_lead(world.manager, spare.id, territory_id=world.sel.id, rep_id=world.bora.id, session=s)
    with read_session(engine) as s:
        assert s.get(Lead, spare.id).assigned_to_id == world.bora.id


def test_auto_route_applies_the_rule_once_a_territory_has_a_rep(engine):
    world = build_world(engine)
    _, leads = _import(engine, world, [["Gyeonggi Co", "", "G", "GGD"]])
    with Builder(engine) as b:
        newbie = b.user("ggd.eve", territory=b.session.get(type(world.ggd), world.ggd.id))
    with write_session(engine) as s:
        result = routing.auto_route(world.marketer, [leads["Gyeonggi Co"].id], session=s)
    assert result == {"assigned": 1, "still_unassigned": 0}
    with read_session(engine) as s:
        assert s.get(Lead, leads["Gyeonggi Co"].id).assigned_to_id == newbie.id
