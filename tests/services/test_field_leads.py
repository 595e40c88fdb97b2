"""Working leads: the queue and its deadlines, first touch exactly as KPIS.md says, the legal
status moves, conversion, disqualifying, stale edits — on SQLite and PostgreSQL."""
import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlmodel import select

from models.db import read_session, write_session
from models.enums import LeadStatus
from models.errors import StaleEdit, ValidationFailed
from models.tables import Activity, AuditLog, Lead, Opportunity
from queries import lead_queue
from services import activities, leads
from tests.factories import Builder
from tests.field_world import NOW, build_world


@pytest.fixture
def w(engine):
    return build_world(engine)


def _lead(engine, lead_id) -> Lead:
    with read_session(engine) as s:
        return s.get(Lead, lead_id)


def _audit(engine, action):
    with read_session(engine) as s:
        return s.exec(select(AuditLog).where(AuditLog.action == action)).all()


# --- the queue ---------------------------------------------------------------------------

def test_queue_is_sorted_by_urgency_with_deadline_and_due_label(engine, w):
    with write_session(engine) as s:  # touching L-FRESH puts it behind every untouched lead
        leads.log_contact_attempt(w.v_manager, w.lead_fresh.id, session=s, now=NOW)
    with read_session(engine) as s:
        page = lead_queue.lead_queue(w.v_manager, session=s)
    # untouched first by deadline: L-OVER (assigned NOW-30h), L-REP2 (NOW-10h); then touched L-FRESH;
    # L-UNAS has no assigned_at and sorts last among the untouched (NULLS LAST).
    assert [r.code for r in page.rows] == ["L-OVER", "L-REP2", "L-UNAS", "L-FRESH"]
    over, rep2, unassigned, fresh = page.rows
    assert over.deadline == NOW - timedelta(hours=6)  # NOW-30h + 24h
    assert over.due_label(NOW) == "overdue by 6h 0m" and over.is_overdue(NOW)
    assert rep2.due_label(NOW) == "due in 14h 0m"  # NOW-10h + 24h
    assert unassigned.due_label(NOW) == "not assigned"
    assert fresh.due_label(NOW) == "touched in time"


def test_queue_search_and_paging_happen_in_sql(engine, w):
    with read_session(engine) as s:
        by_contact = lead_queue.lead_queue(w.v_rep, session=s, search="김민")
        by_code = lead_queue.lead_queue(w.v_rep, session=s, search="l-fresh")
        wildcard = lead_queue.lead_queue(w.v_rep, session=s, search="%")
        first = lead_queue.lead_queue(w.v_rep, session=s, limit=1, offset=0)
        second = lead_queue.lead_queue(w.v_rep, session=s, limit=1, offset=1)
    assert [r.code for r in by_contact.rows] == ["L-OVER"]
    assert [r.code for r in by_code.rows] == ["L-FRESH"]
    assert wildcard.rows == []  # "%" is searched literally, not as a wildcard
    assert (first.total, second.total, first.page_count) == (2, 2, 2)
    assert [first.rows[0].code, second.rows[0].code] == ["L-OVER", "L-FRESH"]


# --- first touch -----------------------------------------------------------------------------

def test_first_touch_is_the_first_activity_on_the_lead_and_later_activity_never_moves_it(engine, w):
    first_call = NOW - timedelta(hours=2)
    with write_session(engine) as s:
        leads.log_contact_attempt(w.v_rep, w.lead_overdue.id, session=s, occurred_at=first_call, now=NOW)
    assert _lead(engine, w.lead_overdue.id).first_touch_at == first_call
    with write_session(engine) as s:  # a later visit, and even a back-dated one, leave it alone
        activities.log_activity(w.v_rep, session=s, kind="visit", lead_id=w.lead_overdue.id, now=NOW)
        activities.log_activity(w.v_rep, session=s, kind="call", lead_id=w.lead_overdue.id,
                                occurred_at=NOW - timedelta(hours=20), now=NOW)
    lead = _lead(engine, w.lead_overdue.id)
    assert lead.first_touch_at == first_call
    assert lead.status == LeadStatus.new  # an activity alone does not move the status


def test_first_touch_is_the_status_move_out_of_new_when_that_comes_first(engine, w):
    with write_session(engine) as s:
        leads.move_status(w.v_rep, w.lead_fresh.id, "working", expected_version=1, session=s, now=NOW)
    assert _lead(engine, w.lead_fresh.id).first_touch_at == NOW
    later = NOW + timedelta(hours=1)
    with write_session(engine) as s:
        leads.log_contact_attempt(w.v_rep, w.lead_fresh.id, session=s, now=later)
        leads.move_status(w.v_rep, w.lead_fresh.id, "qualified", expected_version=2, session=s, now=later)
    assert _lead(engine, w.lead_fresh.id).first_touch_at == NOW


def test_disqualifying_a_new_lead_is_its_first_touch(engine, w):
    with write_session(engine) as s:
        leads.disqualify_lead(w.v_rep, w.lead_fresh.id, reason="unreachable", text="4 attempts",
                              expected_version=1, session=s, now=NOW)
    lead = _lead(engine, w.lead_fresh.id)
    assert (lead.status, lead.first_touch_at, lead.disqualify_reason) == ("disqualified", NOW, "unreachable: 4 attempts")


def test_imported_first_touch_is_kept(engine, w):
    with Builder(engine) as b:
        b.session.get(Lead, w.lead_fresh.id).first_touch_at = NOW - timedelta(hours=3)
    with write_session(engine) as s:
        leads.move_status(w.v_rep, w.lead_fresh.id, "working", expected_version=1, session=s, now=NOW)
    assert _lead(engine, w.lead_fresh.id).first_touch_at == NOW - timedelta(hours=3)


def test_an_activity_before_the_handoff_is_refused(engine, w):
    with pytest.raises(ValidationFailed, match="before the lead was handed to sales"), write_session(engine) as s:
        leads.log_contact_attempt(w.v_rep, w.lead_fresh.id, session=s, occurred_at=NOW - timedelta(hours=5), now=NOW)
    assert _lead(engine, w.lead_fresh.id).first_touch_at is None


# --- status moves ----------------------------------------------------------------------------

@pytest.mark.parametrize("path", [
    ["working", "qualified"], ["working", "qualified", "working"], ["working", "disqualified:no_need", "working"],
])
def test_legal_moves_are_accepted(engine, w, path):
    version = 1
    for step in path:
        with write_session(engine) as s:
            if step.startswith("disqualified"):
                leads.disqualify_lead(w.v_rep, w.lead_fresh.id, reason=step.split(":")[1], expected_version=version,
                                      session=s, now=NOW)
            else:
                leads.move_status(w.v_rep, w.lead_fresh.id, step, expected_version=version, session=s, now=NOW)
        version += 1
    lead = _lead(engine, w.lead_fresh.id)
    assert lead.status == path[-1].split(":")[0] and lead.version == version
    if path[-1] == "working":
        assert lead.disqualify_reason is None  # reopening clears the old reason


@pytest.mark.parametrize("start,target,message", [
    ("new", "qualified", "a new lead cannot move to qualified"),
    ("converted", "new", "a converted lead is final"),
    ("converted", "working", "a converted lead is final"),
    ("working", "new", "a working lead cannot move to new"),
    ("disqualified", "qualified", "a disqualified lead cannot move to qualified"),
])
def test_illegal_moves_are_refused_with_a_message_and_nothing_written(engine, w, start, target, message):
    with Builder(engine) as b:
        b.session.get(Lead, w.lead_fresh.id).status = LeadStatus(start)
    with pytest.raises(leads.IllegalTransition, match=message), write_session(engine) as s:
        leads.move_status(w.v_rep, w.lead_fresh.id, target, expected_version=1, session=s, now=NOW)
    lead = _lead(engine, w.lead_fresh.id)
    assert (lead.status, lead.version, lead.first_touch_at) == (start, 1, None)
    assert _audit(engine, "status") == []


def test_converting_or_disqualifying_through_a_plain_move_is_refused(engine, w):
    for target, message in (("converted", "use Convert"), ("disqualified", "use Disqualify")):
        with pytest.raises(ValidationFailed, match=message), write_session(engine) as s:
            leads.move_status(w.v_rep, w.lead_fresh.id, target, expected_version=1, session=s, now=NOW)


def test_next_statuses_follow_the_table():
    assert leads.next_statuses("new") == ["working", "disqualified"]
    assert leads.next_statuses("qualified") == ["working", "converted", "disqualified"]
    assert leads.next_statuses("converted") == []


# --- conversion and disqualifying ----------------------------------------------------------------

def _qualify(engine, w, lead):
    with write_session(engine) as s:
        leads.move_status(w.v_rep, lead.id, "working", expected_version=1, session=s, now=NOW)
        leads.move_status(w.v_rep, lead.id, "qualified", expected_version=2, session=s, now=NOW)


def test_conversion_creates_the_linked_opportunity(engine, w):
    _qualify(engine, w, w.lead_overdue)
    with write_session(engine) as s:
        opp = leads.convert_lead(w.v_rep, w.lead_overdue.id, deal_name="한빛 MES 도입", amount="45000000.50",
                                 expected_close_on=date(2026, 6, 30), expected_version=3, session=s, now=NOW)
    lead = _lead(engine, w.lead_overdue.id)
    with read_session(engine) as s:
        saved = s.get(Opportunity, opp.id)
    assert (lead.status, lead.converted_at, lead.opportunity_id) == ("converted", NOW, saved.id)
    assert saved.lead_id == lead.id and saved.account_id == w.acc.id and saved.source_campaign_id == w.camp_sel.id
    assert (saved.owner_id, saved.territory_id, saved.stage) == (w.rep.id, w.sel.id, "prospecting")
    assert saved.amount == Decimal("45000000.50") and saved.name == "한빛 MES 도입"
    assert saved.opened_on == date(2026, 3, 10) and saved.expected_close_on == date(2026, 6, 30)
    convert = json.loads(_audit(engine, "convert")[0].detail)
    assert convert["status"] == {"before": "qualified", "after": "converted"}
    assert any(a.entity == "opportunity" and a.action == "create" for a in _audit(engine, "create"))


def test_only_a_qualified_lead_converts(engine, w):
    with pytest.raises(leads.IllegalTransition, match="a new lead cannot move to converted"), \
            write_session(engine) as s:
        leads.convert_lead(w.v_rep, w.lead_fresh.id, deal_name="Deal", amount="1", expected_close_on="2026-04-01",
                           expected_version=1, session=s, now=NOW)


@pytest.mark.parametrize("name,amount,close,problem", [
    ("", "100", "2026-04-01", "deal name: must not be empty"),
    ("x" * 301, "100", "2026-04-01", "deal name: at most 300 characters"),
    ("Deal", "", "2026-04-01", "amount: required"),
    ("Deal", "12.345", "2026-04-01", "more than two decimal places"),
    ("Deal", "-5", "2026-04-01", "amount: must not be negative"),
    ("Deal", "100", "2026-03-09", "is in the past"),
    ("Deal", "100", "", "expected close date: required"),
])
def test_conversion_input_is_checked_and_nothing_written(engine, w, name, amount, close, problem):
    _qualify(engine, w, w.lead_fresh)
    with pytest.raises(ValidationFailed, match=problem), write_session(engine) as s:
        leads.convert_lead(w.v_rep, w.lead_fresh.id, deal_name=name, amount=amount, expected_close_on=close,
                           expected_version=3, session=s, now=NOW)
    assert _lead(engine, w.lead_fresh.id).status == "qualified"


@pytest.mark.parametrize("reason,text,problem", [
    (None, "whatever", "reason: choose why"),
    ("", None, "reason: choose why"),
    ("bored", None, "unknown reason"),
    ("other", "  ", "explanation: must not be empty"),
    ("no_need", "x" * 501, "at most 500 characters"),
])
def test_disqualify_needs_a_reason(engine, w, reason, text, problem):
    with pytest.raises(ValidationFailed, match=problem), write_session(engine) as s:
        leads.disqualify_lead(w.v_rep, w.lead_fresh.id, reason=reason, text=text, expected_version=1, session=s)
    assert _lead(engine, w.lead_fresh.id).status == "new"


# --- stale edits --------------------------------------------------------------------------

def test_the_second_writer_of_the_same_version_gets_a_stale_edit(engine, w):
    with write_session(engine) as s:  # the manager acts first on version 1
        leads.move_status(w.v_manager, w.lead_fresh.id, "working", expected_version=1, session=s, now=NOW)
    with pytest.raises(StaleEdit, match="changed by someone else since you opened it; reload"), \
            write_session(engine) as s:
        leads.disqualify_lead(w.v_rep, w.lead_fresh.id, reason="no_budget", expected_version=1, session=s, now=NOW)
    lead = _lead(engine, w.lead_fresh.id)
    assert (lead.status, lead.version) == ("working", 2)


def test_contact_attempts_need_no_version_and_write_one_activity_and_audit_entry(engine, w):
    with write_session(engine) as s:
        leads.log_contact_attempt(w.v_rep, w.lead_fresh.id, session=s, kind="email", notes="Sent the brochure",
                                  now=NOW)
    with read_session(engine) as s:
        acts = s.exec(select(Activity).where(Activity.lead_id == w.lead_fresh.id)).all()
    assert [(a.kind, a.user_id, a.notes) for a in acts] == [("email", w.rep.id, "Sent the brochure")]
    assert len(_audit(engine, "contact_attempt")) == 1
    with pytest.raises(ValidationFailed, match="at most 2,000 characters"), write_session(engine) as s:
        leads.log_contact_attempt(w.v_rep, w.lead_fresh.id, session=s, notes="x" * 2001, now=NOW)
