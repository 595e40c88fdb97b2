"""Accepting and rejecting a handed-over lead, and marketing's answer to a rejection (KPIS.md
"The handoff as a process"), on SQLite and PostgreSQL."""
from datetime import timedelta

import pytest
from sqlmodel import Session, select

from models.db import write_session
from models.enums import LeadStatus
from models.tables import AuditLog, Lead, LeadRejection
from queries.scope import AccessDenied
from services import acceptance, reassign
from models.errors import StaleEdit, ValidationFailed
from tests.handoff_world import HANDOVER, build, hand_over, notes_of

LATER = HANDOVER + timedelta(hours=2)


def test_accepting_is_the_first_touch(engine):
    w = build(engine)
    lead = hand_over(engine, w)
    with write_session(engine) as s:
        acceptance.accept_lead(w.v(w.rep), lead.id, expected_version=lead.version, session=s, now=LATER)
    with Session(engine) as s:
        row = s.get(Lead, lead.id)
    assert (row.status, row.accepted_at, row.first_touch_at, row.assigned_to_id) == (
        LeadStatus.accepted, LATER, LATER, w.rep.id)


def test_rejecting_sends_the_lead_back_to_marketing_with_the_reason(engine):
    w = build(engine)
    lead = hand_over(engine, w)
    with write_session(engine) as s:
        acceptance.reject_lead(w.v(w.rep), lead.id, reason="not_a_fit", note="a student project",
                               expected_version=lead.version, session=s, now=LATER)
    with Session(engine) as s:
        row = s.get(Lead, lead.id)
        rejection = s.exec(select(LeadRejection)).one()
        audit = s.exec(select(AuditLog).where(AuditLog.action == "reject")).one()
    assert (row.status, row.assigned_to_id, row.first_touch_at, row.assigned_at) == (
        LeadStatus.rejected, None, LATER, HANDOVER)
    assert (rejection.user_id, rejection.reason, rejection.note, rejection.rejected_at) == (
        w.rep.id, "not_a_fit", "a student project", LATER)
    assert audit.entity_key == lead.code
    told = notes_of(engine, w.marketer, "lead_rejected")      # the campaign's owner
    assert [(n.entity, n.entity_key) for n in told] == [("lead", lead.code)]


@pytest.mark.parametrize("reason, note, problem", [
    (None, "x", "choose why"), ("", None, "choose why"), ("meh", None, "unknown reason"),
    ("other", "  ", "note: must not be empty"),
])
def test_rejecting_without_a_valid_reason_is_refused_and_writes_nothing(engine, reason, note, problem):
    w = build(engine)
    lead = hand_over(engine, w)
    with pytest.raises(ValidationFailed, match=problem), write_session(engine) as s:
        acceptance.reject_lead(w.v(w.rep), lead.id, reason=reason, note=note, session=s, now=LATER)
    with Session(engine) as s:
        assert s.get(Lead, lead.id).status is LeadStatus.new
        assert s.exec(select(LeadRejection)).all() == []


def test_accepting_a_lead_reassigned_meanwhile_is_refused(engine):
    w = build(engine)
    lead = hand_over(engine, w)
    with write_session(engine) as s:
        reassign.reassign_lead(w.v(w.manager), lead.id, w.rep2.id, session=s, now=LATER)
    with pytest.raises(StaleEdit, match="no longer yours"), write_session(engine) as s:
        acceptance.accept_lead(w.v(w.rep), lead.id, expected_version=lead.version, session=s, now=LATER)
    with Session(engine) as s:
        row = s.get(Lead, lead.id)
    assert (row.status, row.accepted_at, row.assigned_to_id) == (LeadStatus.new, None, w.rep2.id)


def test_a_rep_of_another_territory_cannot_answer_the_lead(engine):
    w = build(engine)
    lead = hand_over(engine, w)
    with pytest.raises(AccessDenied), write_session(engine) as s:
        acceptance.accept_lead(w.v(w.rep_bsn), lead.id, session=s, now=LATER)


def _rejected(engine, w):
    lead = hand_over(engine, w)
    with write_session(engine) as s:
        acceptance.reject_lead(w.v(w.rep), lead.id, reason="not_my_territory", session=s, now=LATER)
    with Session(engine) as s:
        return s.get(Lead, lead.id)


def test_rerouting_a_rejected_lead_is_a_new_handover_and_the_rejection_stays(engine):
    w = build(engine)
    lead = _rejected(engine, w)
    rerouted_at = LATER + timedelta(hours=1)
    with write_session(engine) as s:
        acceptance.reroute_lead(w.v(w.marketer), lead.id, territory_id=w.bsn.id, rep_id=w.rep_bsn.id,
                                expected_version=lead.version, session=s, now=rerouted_at)
    with Session(engine) as s:
        row = s.get(Lead, lead.id)
        assert len(s.exec(select(LeadRejection).where(LeadRejection.lead_id == lead.id)).all()) == 1
    assert (row.status, row.territory_id, row.assigned_to_id, row.assigned_at, row.due_at, row.first_touch_at) == (
        LeadStatus.new, w.bsn.id, w.rep_bsn.id, rerouted_at, rerouted_at + timedelta(hours=24), None)
    assert [n.entity_key for n in notes_of(engine, w.rep_bsn, "lead_assigned")] == [lead.code]


def test_recycling_puts_the_lead_in_nurture(engine):
    w = build(engine)
    lead = _rejected(engine, w)
    with write_session(engine) as s:
        acceptance.recycle_lead(w.v(w.marketer), lead.id, expected_version=lead.version, session=s,
                                now=LATER + timedelta(days=1))
    with Session(engine) as s:
        row = s.get(Lead, lead.id)
    assert (row.status, row.recycled_at, row.assigned_to_id) == (LeadStatus.nurture, LATER + timedelta(days=1), None)


def test_rerouting_a_lead_another_marketer_just_recycled_is_refused(engine):
    w = build(engine)
    lead = _rejected(engine, w)
    seen = lead.version
    with write_session(engine) as s:                       # the other marketer, first
        acceptance.recycle_lead(w.v(w.admin), lead.id, expected_version=seen, session=s, now=LATER)
    with pytest.raises(StaleEdit, match="changed by someone else.*nurture"), write_session(engine) as s:
        acceptance.reroute_lead(w.v(w.marketer), lead.id, territory_id=w.sel.id, rep_id=w.rep2.id,
                                expected_version=seen, session=s, now=LATER)
    with Session(engine) as s:
        row = s.get(Lead, lead.id)
    assert (row.status, row.assigned_to_id) == (LeadStatus.nurture, None)


def test_disqualifying_a_rejected_lead(engine):
    w = build(engine)
    lead = _rejected(engine, w)
    with write_session(engine) as s:
        acceptance.disqualify_returned_lead(w.v(w.marketer), lead.id, reason="fake company",
                                            expected_version=lead.version, session=s)
    with Session(engine) as s:
        row = s.get(Lead, lead.id)
    assert (row.status, row.disqualify_reason) == (LeadStatus.disqualified, "fake company")


def test_only_marketing_answers_a_rejection(engine):
    w = build(engine)
    lead = _rejected(engine, w)
    for who in (w.rep, w.manager):
        with pytest.raises(AccessDenied), write_session(engine) as s:
            acceptance.recycle_lead(w.v(who), lead.id, session=s, now=LATER)
