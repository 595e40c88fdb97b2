"""Campaigns and events: validation, exact money, cancelling, audit, access (issue 4 §1)."""
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from models.db import read_session, write_session
from models.enums import CampaignStatus, EventStatus
from models.errors import StaleEdit, ValidationFailed
from models.tables import AuditLog, Campaign, Event
from queries import marketing
from queries.scope import AccessDenied
from services import campaigns
from services.campaigns import CampaignInput, EventInput
from tests.factories import utc
from tests.marketing_world import build_world


def _input(**over) -> CampaignInput:
    values = dict(name="Cloud ERP Roadshow", channel="event", start_date=date(2026, 4, 1), end_date=date(2026, 4, 30),
                  budget="12000000.50", actual_cost="0", target_segment="enterprise")
    values.update(over)
    return CampaignInput(**values)


def _event(world, **over) -> EventInput:
    values = dict(title="Seoul seminar", kind="seminar", territory_id=world.sel.id, starts_at=utc(2026, 4, 10, 1),
                  ends_at=utc(2026, 4, 10, 4), venue="COEX Hall B", capacity=120)
    values.update(over)
    return EventInput(**values)


def test_marketer_creates_a_campaign_with_exact_money_targets_and_an_audit_entry(engine):
    world = build_world(engine)
    with write_session(engine) as s:
        c = campaigns.create_campaign(world.marketer, _input(territory_ids=[world.bsn.id, world.sel.id]), session=s)
    with read_session(engine) as s:
        row = s.get(Campaign, c.id)
        assert row.budget == Decimal("12000000.50") and row.actual_cost == Decimal("0.00")
        assert row.owner_id == world.marketer.id and row.status == CampaignStatus.planned
        assert marketing.campaign_target_ids(c.id, session=s) == sorted([world.sel.id, world.bsn.id])
        entry = s.exec(select(AuditLog).where(AuditLog.entity == "campaign", AuditLog.entity_key == c.code)).one()
        detail = json.loads(entry.detail)
        assert entry.username == "mk" and entry.action == "create"
        assert detail["budget"] == {"before": None, "after": "12000000.50"}


def test_campaign_validation_reports_every_problem_at_once(engine):
    world = build_world(engine)
    bad = _input(name=" ", start_date=date(2026, 5, 1), end_date=date(2026, 4, 1), budget="-1",
                 actual_cost="1.005", channel="carrier pigeon")
    with pytest.raises(ValidationFailed) as err, write_session(engine) as s:
        campaigns.create_campaign(world.marketer, bad, session=s)
    text = str(err.value)
    for expected in ("name: required", "end date", "budget: must be 0 or more", "more than two decimal places",
                     "channel: unknown value"):
        assert expected in text
    with read_session(engine) as s:
        assert s.exec(select(Campaign).where(Campaign.name == " ")).first() is None


@pytest.mark.parametrize("who", ["rep", "manager", "executive"])
def test_only_marketing_may_create_campaigns(engine, who):
    world = build_world(engine)
    viewer = {"rep": world.rep_viewer(world.alice), "manager": world.manager, "executive": world.executive}[who]
    with pytest.raises(AccessDenied), write_session(engine) as s:
        campaigns.create_campaign(viewer, _input(), session=s)


def test_editing_records_before_and_after_and_refuses_a_stale_version(engine):
    world = build_world(engine)
    with write_session(engine) as s:
        c = campaigns.update_campaign(world.marketer, world.campaign.id,
                                      _input(name="Spring Summit 2026", actual_cost="500.25",
                                             territory_ids=[world.sel.id, world.bsn.id]),
                                      session=s, expected_version=1)
        assert c.version == 2
    with read_session(engine) as s:
        entry = s.exec(select(AuditLog).where(AuditLog.action == "update", AuditLog.entity == "campaign")).one()
        detail = json.loads(entry.detail)
        assert detail["name"] == {"before": "Spring Summit", "after": "Spring Summit 2026"}
        assert detail["actual_cost"] == {"before": None, "after": "500.25"}
    with pytest.raises(StaleEdit), write_session(engine) as s:
        campaigns.update_campaign(world.marketer, world.campaign.id, _input(), session=s, expected_version=1)


def test_an_event_must_lie_in_a_target_territory_and_end_after_it_starts(engine):
    world = build_world(engine)
    with pytest.raises(ValidationFailed) as err, write_session(engine) as s:
        campaigns.create_event(world.marketer, world.campaign.id,
                               _event(world, territory_id=world.ggd.id, ends_at=utc(2026, 4, 10, 1)), session=s)
    assert "not one of campaign SPRING's target territories" in str(err.value)
    assert "end: must be after the start" in str(err.value)
    with write_session(engine) as s:
        event = campaigns.create_event(world.marketer, world.campaign.id, _event(world), session=s)
    assert event.status == EventStatus.scheduled


def test_a_campaign_without_targets_accepts_events_anywhere(engine):
    world = build_world(engine)
    with write_session(engine) as s:
        c = campaigns.create_campaign(world.marketer, _input(territory_ids=[]), session=s)
        e = campaigns.create_event(world.marketer, c.id, _event(world, territory_id=world.ggd.id), session=s)
    assert e.territory_id == world.ggd.id


def test_narrowing_targets_may_not_strand_an_event(engine):
    world = build_world(engine)
    with write_session(engine) as s:
        campaigns.create_event(world.marketer, world.campaign.id, _event(world, territory_id=world.bsn.id), session=s)
    with pytest.raises(ValidationFailed, match="territory you removed"), write_session(engine) as s:
        campaigns.update_campaign(world.marketer, world.campaign.id, _input(territory_ids=[world.sel.id]), session=s)


def test_cancelling_an_event_and_a_campaign_and_no_editing_afterwards(engine):
    world = build_world(engine)
    with write_session(engine) as s:
        e1 = campaigns.create_event(world.marketer, world.campaign.id, _event(world), session=s)
        e2 = campaigns.create_event(world.marketer, world.campaign.id,
                                    _event(world, title="Busan", territory_id=world.bsn.id), session=s)
        campaigns.cancel_event(world.marketer, e1.id, session=s)
    with read_session(engine) as s:
        assert s.get(Event, e1.id).status == EventStatus.cancelled
    with pytest.raises(ValidationFailed, match="cancelled"), write_session(engine) as s:
        campaigns.update_event(world.marketer, e1.id, _event(world), session=s)
    with write_session(engine) as s:
        campaigns.cancel_campaign(world.admin, world.campaign.id, session=s)
    with read_session(engine) as s:
        assert s.get(Campaign, world.campaign.id).status == CampaignStatus.cancelled
        assert s.get(Event, e2.id).status == EventStatus.cancelled  # its scheduled events go with it
        actions = s.exec(select(AuditLog.action, AuditLog.entity_key).where(AuditLog.action == "cancel")).all()
        assert len(actions) == 3
    with pytest.raises(ValidationFailed, match="cancelled and can no longer be edited"), write_session(engine) as s:
        campaigns.update_campaign(world.marketer, world.campaign.id, _input(), session=s)
    with pytest.raises(ValidationFailed), write_session(engine) as s:
        campaigns.create_event(world.marketer, world.campaign.id, _event(world), session=s)


def test_campaign_list_filters_and_pages_in_sql(engine):
    world = build_world(engine)
    with write_session(engine) as s:
        for i in range(7):
            campaigns.create_campaign(world.marketer, _input(name=f"Webinar {i}", channel="webinar",
                                                             start_date=date(2026, 1, 1) + timedelta(days=i),
                                                             end_date=date(2026, 2, 1),
                                                             territory_ids=[world.ggd.id]), session=s)
    with read_session(engine) as s:
        page = marketing.list_campaigns(world.marketer, session=s, channel="webinar", limit=5, offset=5)
        assert page.total == 7 and len(page.rows) == 2 and page.page_count == 2
        assert [r.name for r in page.rows] == ["Webinar 1", "Webinar 0"]  # newest start first
        sel_only = marketing.list_campaigns(world.marketer, session=s, territory_id=world.sel.id)
        assert [r.code for r in sel_only.rows] == ["SPRING"]
        assert marketing.list_campaigns(world.marketer, session=s, search="spring").total == 1
        with pytest.raises(AccessDenied):
            marketing.list_campaigns(world.rep_viewer(world.alice), session=s)


def test_the_edit_read_is_the_listed_campaign_without_its_counts_and_its_targets(engine):
    """What the edit form starts from (queries.marketing.campaign_for_edit, Core statements built once)
    is field for field the campaign as listed, its version and its target territories; a missing one is None."""
    import dataclasses

    world = build_world(engine)
    with write_session(engine) as s:
        c = campaigns.create_campaign(world.marketer, _input(territory_ids=[world.bsn.id, world.sel.id]), session=s)
        plain = campaigns.create_campaign(world.marketer, _input(name="No targets", budget=None), session=s)
    with read_session(engine) as s:
        for campaign, targets in ((c, sorted([world.bsn.id, world.sel.id])), (plain, [])):
            edit, got_targets = marketing.campaign_for_edit(world.marketer, campaign.id, session=s)
            listed = marketing.campaign_row(world.marketer, campaign.id, session=s)
            own = {f.name for f in dataclasses.fields(marketing.CampaignEdit)}
            assert type(edit) is marketing.CampaignEdit
            assert dataclasses.asdict(edit) == {k: v for k, v in dataclasses.asdict(listed).items() if k in own}
            assert got_targets == targets
        assert marketing.campaign_for_edit(world.marketer, 10 ** 9, session=s) == (None, [])
        with pytest.raises(AccessDenied):
            marketing.campaign_for_edit(world.rep_viewer(world.alice), c.id, session=s)
