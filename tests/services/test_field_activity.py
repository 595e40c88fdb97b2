"""Field activity, opportunities, accounts, feedback and the manager's tools, on SQLite and PostgreSQL."""
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from models.db import read_session, write_session
from models.errors import StaleEdit, ValidationFailed
from models.tables import Activity, AuditLog, Feedback, Lead, Opportunity
from queries import accounts, field_activity, team
from queries.scope import AccessDenied
from services import activities, feedback, opportunities, reassign
from tests.factories import Builder
from tests.field_world import NOW, build_world


@pytest.fixture
def w(engine):
    return build_world(engine)


# --- activities -----------------------------------------------------------------------------

def test_a_visit_on_a_deal_fills_in_its_account_and_is_audited(engine, w):
    with write_session(engine) as s:
        act = activities.log_activity(w.v_rep, session=s, kind="visit", opportunity_id=w.opp.id,
                                      notes="가격 협상 — 다음 주 재방문", now=NOW)
    with read_session(engine) as s:
        saved = s.get(Activity, act.id)
        entry = s.exec(select(AuditLog).where(AuditLog.entity == "activity")).one()
        recent = field_activity.recent_activity(w.v_rep, session=s)
    assert (saved.account_id, saved.user_id, saved.occurred_at) == (w.acc.id, w.rep.id, NOW)
    assert json.loads(entry.detail)["kind"] == {"before": None, "after": "visit"}
    assert [(r.kind, r.opportunity, r.account) for r in recent.rows] == [("visit", "Hanbit MES", w.acc.name)]


def test_a_key_account_may_be_visited_by_any_rep(engine, w):
    with write_session(engine) as s:
        activities.log_activity(w.v_rep_b, session=s, kind="visit", account_id=w.key_acc.id, now=NOW)
    with read_session(engine) as s:
        assert field_activity.recent_activity(w.v_rep_b, session=s).total == 1
        assert field_activity.recent_activity(w.v_rep, session=s).total == 0  # not theirs


@pytest.mark.parametrize("kwargs,problem", [
    (dict(kind="call"), "link the activity"),
    (dict(kind="telepathy", account_id=0), "unknown activity kind"),
    (dict(kind="call", account_id=0, notes="x" * 2001), "at most 2,000 characters"),
    (dict(kind="call", account_id=0, occurred_at=NOW + timedelta(hours=1)), "is in the future"),
])
def test_bad_activity_input_is_refused(engine, w, kwargs, problem):
    if kwargs.get("account_id") == 0:
        kwargs["account_id"] = w.acc.id
    with pytest.raises(ValidationFailed, match=problem), write_session(engine) as s:
        activities.log_activity(w.v_rep, session=s, now=NOW, **kwargs)
    with read_session(engine) as s:
        assert s.exec(select(Activity)).all() == []


def test_manager_sees_the_teams_activity_with_a_rep_filter(engine, w):
    with write_session(engine) as s:
        activities.log_activity(w.v_rep, session=s, kind="call", account_id=w.acc.id, now=NOW)
        activities.log_activity(w.v_rep2, session=s, kind="email", account_id=w.acc2.id, now=NOW)
        activities.log_activity(w.v_rep_b, session=s, kind="visit", account_id=w.acc_bsn.id, now=NOW)
    with read_session(engine) as s:
        everyone = field_activity.recent_activity(w.v_manager, session=s)
        rep2 = field_activity.recent_activity(w.v_manager, session=s, rep_id=w.rep2.id)
    assert sorted(r.kind for r in everyone.rows) == ["call", "email"]
    assert [r.kind for r in rep2.rows] == ["email"]


# --- opportunities ------------------------------------------------------------------------

def test_rep_opens_a_deal_that_did_not_start_as_a_lead(engine, w):
    with write_session(engine) as s:
        opp = opportunities.create_opportunity(w.v_rep, session=s, name="Samil fleet", account_id=w.key_acc.id,
                                               amount="12000000", expected_close_on=date(2026, 5, 1), now=NOW)
    with read_session(engine) as s:
        saved = s.get(Opportunity, opp.id)
        mine = field_activity.open_opportunities(w.v_rep, session=s)
    assert (saved.owner_id, saved.territory_id, saved.lead_id, saved.source_campaign_id) == (w.rep.id, w.sel.id, None,
                                                                                            None)
    assert saved.opened_on == date(2026, 3, 10) and saved.amount == Decimal("12000000.00")
    assert "Samil fleet" in {o.name for o in mine.rows}


def test_closing_sets_closed_on_to_the_company_today_and_reopening_clears_it(engine, w):
    late_evening = NOW.replace(hour=16)  # 16:00 UTC = 01:00 next day in Seoul
    with write_session(engine) as s:
        opportunities.update_opportunity(w.v_rep, w.opp.id, expected_version=1, session=s, stage="won",
                                         amount="50000000", expected_close_on=date(2026, 4, 30), now=late_evening)
    with read_session(engine) as s:
        won = s.get(Opportunity, w.opp.id)
    assert (won.stage, won.closed_on, won.amount, won.version) == ("won", date(2026, 3, 11), Decimal("50000000.00"), 2)
    with write_session(engine) as s:
        opportunities.update_opportunity(w.v_manager, w.opp.id, expected_version=2, session=s, stage="proposal",
                                         amount="50000000", expected_close_on=date(2026, 4, 30), now=NOW)
    with read_session(engine) as s:
        assert s.get(Opportunity, w.opp.id).closed_on is None


def test_opportunity_stale_edit_is_refused(engine, w):
    with write_session(engine) as s:
        opportunities.update_opportunity(w.v_manager, w.opp.id, expected_version=1, session=s, stage="engaging",
                                         amount="1", now=NOW)
    with pytest.raises(StaleEdit, match="changed by someone else"), write_session(engine) as s:
        opportunities.update_opportunity(w.v_rep, w.opp.id, expected_version=1, session=s, stage="lost", now=NOW)
    with read_session(engine) as s:
        assert s.get(Opportunity, w.opp.id).stage == "engaging"


def test_a_rep_cannot_open_a_deal_for_a_colleague(engine, w):
    with pytest.raises(AccessDenied, match="for themselves"), write_session(engine) as s:
        opportunities.create_opportunity(w.v_rep, session=s, name="X", account_id=None, owner_id=w.rep2.id, now=NOW)


# --- accounts -------------------------------------------------------------------------------

def test_account_page_shows_deals_leads_activity_campaigns_and_events(engine, w):
    with write_session(engine) as s:
        activities.log_activity(w.v_rep, session=s, kind="visit", account_id=w.acc.id, event_id=w.ev_past.id, now=NOW)
    with Builder(engine) as b:
        b.opportunity(w.sel, code="O-WON", name="Old win", owner=w.rep, account=w.acc, stage="won", amount="3",
                      closed_on=date(2026, 1, 5), source_campaign=w.camp_all)
    with read_session(engine) as s:
        detail = accounts.account_detail(w.v_rep, w.acc.id, session=s)
        listed = accounts.accounts_for(w.v_rep, session=s, search="한빛")
    assert detail.account.open_deals == 1 and detail.account.open_pipeline == Decimal("45000000.00")
    assert [d.code for d in detail.open_deals] == ["O-SEL"] and [d.code for d in detail.closed_deals] == ["O-WON"]
    assert [lead[0] for lead in detail.leads] == ["L-OVER"]
    assert [a[1] for a in detail.activities] == ["visit"]
    assert sorted(c[0] for c in detail.campaigns) == ["C-ALL", "C-SEL"]  # the lead's and the won deal's
    assert [e[0] for e in detail.events] == ["EV-PAST"]
    assert [a.name for a in listed.rows] == ["Hanbit Steel (한빛철강)"]


# --- feedback ------------------------------------------------------------------------------

def test_feedback_about_an_event_is_filed_under_its_campaign(engine, w):
    with write_session(engine) as s:
        feedback.send_feedback(w.v_rep, session=s, kind="competitor", body="경쟁사가 20% 할인 중", event_id=w.ev_soon.id,
                               now=NOW)
    with Builder(engine) as b:
        row = b.session.exec(select(Feedback)).one()
        row.answer, row.answered_by_id, row.answered_at = "Match it with the pilot offer.", w.marketer.id, NOW
    with read_session(engine) as s:
        mine = field_activity.my_feedback(w.v_rep, session=s)
        colleague = field_activity.my_feedback(w.v_rep2, session=s)
        manager = field_activity.my_feedback(w.v_manager, session=s)
    (fb,) = mine.rows
    assert (fb.kind, fb.campaign, fb.event, fb.answer) == ("competitor", "Smart Factory Summit", "Summit Seoul",
                                                           "Match it with the pilot offer.")
    assert colleague.rows == [] and manager.total == 1


@pytest.mark.parametrize("kwargs,problem", [
    (dict(kind="question", body=""), "message: must not be empty"),
    (dict(kind="question", body="x" * 2001), "at most 2,000 characters"),
    (dict(kind="rant", body="hm"), "unknown feedback kind"),
    (dict(kind="question", body="about nothing", campaign_id=None), "choose the campaign or event"),
])
def test_bad_feedback_is_refused(engine, w, kwargs, problem):
    kwargs.setdefault("campaign_id", w.camp_sel.id)
    with pytest.raises(ValidationFailed, match=problem), write_session(engine) as s:
        feedback.send_feedback(w.v_rep, session=s, **kwargs)


# --- manager tools -----------------------------------------------------------------------------

def test_reassigning_an_untouched_lead_is_a_new_handover(engine, w):
    with write_session(engine) as s:
        reassign.reassign_lead(w.v_manager, w.lead_overdue.id, w.rep2.id, session=s, expected_version=1, now=NOW)
    with read_session(engine) as s:
        lead = s.get(Lead, w.lead_overdue.id)
    # untouched: a new hand-over (DESIGN.md: reassigning computes a new deadline)
    assert (lead.assigned_to_id, lead.assigned_at, lead.due_at, lead.version) == (w.rep2.id, NOW, NOW + timedelta(hours=24), 2)


def test_reassign_all_of_a_leaving_reps_open_work(engine, w):
    with Builder(engine) as b:
        b.session.get(Lead, w.lead_fresh.id).status = "converted"  # closed leads stay with their rep
    with write_session(engine) as s:
        moved = reassign.reassign_all_open(w.v_manager, w.rep.id, w.rep2.id, session=s)
    # rep.sel's open work: lead L-OVER; deals O-SEL and O-KEY.
    assert (moved.leads, moved.opportunities) == (1, 2)
    with read_session(engine) as s:
        assert s.get(Lead, w.lead_overdue.id).assigned_to_id == w.rep2.id
        assert s.get(Lead, w.lead_fresh.id).assigned_to_id == w.rep.id
        assert s.get(Opportunity, w.opp_key.id).owner_id == w.rep2.id
        assert s.get(Opportunity, w.opp_bsn.id).owner_id == w.rep_b.id
        load = {m.username: (m.open_leads, m.open_deals) for m in team.team_load(w.v_manager, session=s, now=NOW)}
    assert load == {"rep.sel": (0, 0), "rep2.sel": (2, 3)}


def test_route_unassigned_leads_starts_their_clock(engine, w):
    with read_session(engine) as s:
        waiting = team.unassigned_leads(w.v_manager, session=s)
    assert [lead.code for lead in waiting.rows] == ["L-UNAS"]
    with write_session(engine) as s:
        assert reassign.route_leads(w.v_manager, [w.lead_unassigned.id], w.rep.id, session=s, now=NOW) == 1
    with read_session(engine) as s:
        lead = s.get(Lead, w.lead_unassigned.id)
        assert team.unassigned_leads(w.v_manager, session=s).total == 0
    assert (lead.assigned_to_id, lead.assigned_at) == (w.rep.id, NOW)
    with pytest.raises(StaleEdit, match="already routed"), write_session(engine) as s:
        reassign.route_leads(w.v_manager, [w.lead_unassigned.id], w.rep2.id, session=s, now=NOW)


def test_a_disabled_rep_receives_nothing(engine, w):
    with Builder(engine) as b:
        b.session.get(type(w.rep2), w.rep2.id).active = False
    with pytest.raises(ValidationFailed, match="disabled"), write_session(engine) as s:
        reassign.reassign_lead(w.v_manager, w.lead_overdue.id, w.rep2.id, session=s)
