"""A rep of one territory can neither read nor change another territory's records, even when the
query and service functions are called directly with foreign ids; a manager's rep filter only
narrows their territory."""
import pytest
from sqlmodel import func, select

from models.db import read_session, write_session
from models.tables import Activity, AuditLog, Feedback, Lead, NoteRead, Opportunity
from queries import accounts, field_activity, lead_queue, notes_feed, territory_events
from queries.scope import AccessDenied
from services import activities, feedback, leads, note_reads, opportunities, reassign
from tests.field_world import NOW, build_world


@pytest.fixture
def w(engine):
    return build_world(engine)


def _counts(engine):
    with read_session(engine) as s:
        return tuple(s.exec(select(func.count()).select_from(t)).one()
                     for t in (Activity, AuditLog, Feedback, Lead, NoteRead, Opportunity))


def test_rep_never_sees_other_territory_or_other_reps_leads(engine, w):
    with read_session(engine) as s:
        page = lead_queue.lead_queue(w.v_rep, session=s, status="all")
    # rep.sel holds L-OVER and L-FRESH; L-REP2 (colleague), L-UNAS (unassigned) and L-BSN are not theirs.
    assert sorted(r.code for r in page.rows) == ["L-FRESH", "L-OVER"]
    assert page.total == 2


def test_manager_sees_the_territory_and_the_rep_filter_only_narrows_it(engine, w):
    with read_session(engine) as s:
        everything = lead_queue.lead_queue(w.v_manager, session=s, status="all")
        only_rep2 = lead_queue.lead_queue(w.v_manager, session=s, status="all", rep_id=w.rep2.id)
        foreign_rep = lead_queue.lead_queue(w.v_manager, session=s, status="all", rep_id=w.rep_b.id)
        rep_asks_for_colleague = lead_queue.lead_queue(w.v_rep, session=s, status="all", rep_id=w.rep2.id)
    assert sorted(r.code for r in everything.rows) == ["L-FRESH", "L-OVER", "L-REP2", "L-UNAS"]
    assert [r.code for r in only_rep2.rows] == ["L-REP2"]
    assert foreign_rep.rows == [] and foreign_rep.total == 0
    assert rep_asks_for_colleague.rows == []


@pytest.mark.parametrize("reader", [
    lambda w, s: lead_queue.lead_for(w.v_rep, w.lead_bsn.id, session=s),
    lambda w, s: lead_queue.lead_for(w.v_rep, w.lead_rep2.id, session=s),
    lambda w, s: territory_events.event_for(w.v_rep, w.ev_bsn.id, session=s),
    lambda w, s: accounts.account_detail(w.v_rep, w.acc_bsn.id, session=s),
    lambda w, s: accounts.account_detail(w.v_rep, w.key_acc.id, session=s),
    lambda w, s: field_activity.opportunity_for(w.v_rep, w.opp_bsn.id, session=s),
    lambda w, s: field_activity.opportunity_for(w.v_rep, w.opp_rep2.id, session=s),
    lambda w, s: notes_feed.note_for(w.v_rep, w.note_bsn.id, session=s),
    lambda w, s: notes_feed.note_for(w.v_rep, w.note_sel_draft.id, session=s),
    lambda w, s: territory_events.campaign_in_territory(w.v_rep, w.camp_bsn.id, session=s),
    lambda w, s: lead_queue.lead_for(w.v_manager, w.lead_bsn.id, session=s),
], ids=["lead-other-territory", "lead-of-colleague", "event", "account", "key-account-without-deals",
        "opportunity-other-territory", "opportunity-of-colleague", "note-other-territory", "draft-note",
        "campaign", "manager-foreign-lead"])
def test_reads_refuse_foreign_ids(engine, w, reader):
    with read_session(engine) as s, pytest.raises(AccessDenied, match="not"):
        reader(w, s)


@pytest.mark.parametrize("writer", [
    lambda w, s: leads.log_contact_attempt(w.v_rep, w.lead_bsn.id, session=s, now=NOW),
    lambda w, s: leads.move_status(w.v_rep, w.lead_bsn.id, "working", expected_version=1, session=s, now=NOW),
    lambda w, s: leads.disqualify_lead(w.v_rep, w.lead_bsn.id, reason="no_budget", expected_version=1, session=s),
    lambda w, s: leads.convert_lead(w.v_rep, w.lead_rep2.id, deal_name="X", amount="1", expected_close_on="2026-05-01",
                                    expected_version=1, session=s, now=NOW),
    lambda w, s: activities.log_activity(w.v_rep, session=s, kind="visit", account_id=w.acc_bsn.id, now=NOW),
    lambda w, s: activities.log_activity(w.v_rep, session=s, kind="call", lead_id=w.lead_bsn.id, now=NOW),
    lambda w, s: activities.log_activity(w.v_rep, session=s, kind="meeting", opportunity_id=w.opp_bsn.id, now=NOW),
    lambda w, s: activities.log_activity(w.v_rep, session=s, kind="event", event_id=w.ev_bsn.id, now=NOW),
    lambda w, s: opportunities.update_opportunity(w.v_rep, w.opp_bsn.id, expected_version=1, session=s,
                                                  stage="won", now=NOW),
    lambda w, s: opportunities.update_opportunity(w.v_rep, w.opp_rep2.id, expected_version=1, session=s,
                                                  stage="won", now=NOW),
    lambda w, s: opportunities.create_opportunity(w.v_rep, session=s, name="X", account_id=w.acc_bsn.id, now=NOW),
    lambda w, s: note_reads.acknowledge_note(w.v_rep, w.note_bsn.id, session=s, now=NOW),
    lambda w, s: feedback.send_feedback(w.v_rep, session=s, kind="question", body="?", campaign_id=w.camp_bsn.id),
    lambda w, s: feedback.send_feedback(w.v_rep, session=s, kind="question", body="?", event_id=w.ev_bsn.id),
    lambda w, s: reassign.reassign_lead(w.v_manager, w.lead_bsn.id, w.rep.id, session=s),
    lambda w, s: reassign.reassign_lead(w.v_manager, w.lead_overdue.id, w.rep_b.id, session=s),
    lambda w, s: reassign.reassign_opportunity(w.v_manager, w.opp_bsn.id, w.rep.id, session=s),
    lambda w, s: reassign.route_leads(w.v_manager, [w.lead_unassigned.id, w.lead_bsn.id], w.rep.id, session=s),
    lambda w, s: reassign.reassign_lead(w.v_rep, w.lead_overdue.id, w.rep2.id, session=s),
], ids=["contact-foreign-lead", "status-foreign-lead", "disqualify-foreign-lead", "convert-colleague-lead",
        "activity-foreign-account", "activity-foreign-lead", "activity-foreign-opportunity", "activity-foreign-event",
        "edit-foreign-opportunity", "edit-colleague-opportunity", "new-deal-on-foreign-account",
        "read-foreign-note", "feedback-foreign-campaign", "feedback-foreign-event", "manager-reassigns-foreign-lead",
        "manager-hands-lead-to-foreign-rep", "manager-reassigns-foreign-opportunity", "route-batch-with-foreign-lead",
        "rep-cannot-reassign"])
def test_writes_refuse_foreign_ids_and_write_nothing(engine, w, writer):
    before = _counts(engine)
    with pytest.raises(AccessDenied) as err:
        with write_session(engine) as s:
            writer(w, s)
    assert str(err.value)  # a message a person can read
    assert _counts(engine) == before
    with read_session(engine) as s:
        assert s.get(Lead, w.lead_bsn.id).assigned_to_id == w.rep_b.id
        assert s.get(Opportunity, w.opp_bsn.id).stage == "prospecting"


def test_rep_lists_hold_only_their_scope(engine, w):
    with read_session(engine) as s:
        events = territory_events.events_for(w.v_rep_b, session=s, window="next_30_days", now=NOW)
        accts = accounts.accounts_for(w.v_rep, session=s)
        opps = field_activity.open_opportunities(w.v_rep, session=s)
        notes = notes_feed.notes_for(w.v_rep, session=s, latest_only=False)
    assert [e.code for e in events.rows] == ["EV-BSN"]
    # SEL's two accounts plus the key account rep.sel has a deal with; not Samil (no deal), not Busan.
    assert [a.name for a in accts.rows] == ["Daehan Bio (key)", "Gaon Foods", "Hanbit Steel (한빛철강)"]
    assert sorted(o.code for o in opps.rows) == ["O-KEY", "O-SEL"]
    assert "Busan secret" not in {n.title for n in notes.rows}


def test_linkable_accounts_are_the_viewers_accounts_and_every_key_account(engine, w):
    # The list is written out (territory or no territory) for speed; it must stay account_scope ∪
    # the key accounts, for reps and managers of both territories.
    from models.tables import Account
    from queries.scope import account_scope

    with read_session(engine) as s:
        for v in (w.v_rep, w.v_rep2, w.v_manager, w.v_rep_b, w.v_manager_b):
            expected = set(s.exec(select(Account.id).where(account_scope(v) | Account.territory_id.is_(None))).all())
            got = {account_id for account_id, _name in accounts.linkable_accounts(v, session=s, limit=200)}
            assert got == expected, v.username
            assert w.acc_bsn.id not in got if v.territory_id == w.sel.id else w.acc.id not in got
            assert {w.key_acc.id, w.key_acc_dealt.id} <= got
