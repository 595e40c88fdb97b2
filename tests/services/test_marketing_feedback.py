"""The feedback inbox: unanswered first, filters, answering and resolving (issue 4 §6)."""
import pytest
from sqlmodel import select

from models.db import read_session, write_session
from models.errors import ValidationFailed
from models.tables import AuditLog, Feedback
from queries import marketing
from queries.scope import AccessDenied
from services import feedback_inbox
from tests.factories import Builder, utc
from tests.marketing_world import build_world


def _inbox(engine):
    world = build_world(engine)
    with Builder(engine) as b:
        c = b.session.get(type(world.campaign), world.campaign.id)
        event = b.event(c, b.session.get(type(world.sel), world.sel.id), starts_at=utc(2026, 4, 1))
        old_q = b.feedback(world.alice, created_at=utc(2026, 3, 1), kind="question", body="Is 10% the floor?",
                           campaign=c)
        competitor = b.feedback(world.dana, created_at=utc(2026, 3, 5), kind="competitor", body="X is cheaper",
                                campaign=c, event=event)
        loose = b.feedback(world.bora, created_at=utc(2026, 3, 9), kind="win_story", body="Won Hanbit")
    return world, event, old_q, competitor, loose


def test_unanswered_feedback_comes_first_then_the_newest(engine):
    world, _, old_q, competitor, loose = _inbox(engine)
    with write_session(engine) as s:
        feedback_inbox.answer_feedback(world.marketer, loose.id, "Great — share it at the summit", session=s)
    with read_session(engine) as s:
        page = marketing.feedback_inbox(world.marketer, session=s)
    assert [r.id for r in page.rows] == [competitor.id, old_q.id, loose.id]
    assert page.rows[2].answer == "Great — share it at the summit"


def test_inbox_filters_by_campaign_event_and_kind(engine):
    world, event, old_q, competitor, _ = _inbox(engine)
    with read_session(engine) as s:
        by_campaign = marketing.feedback_inbox(world.marketer, session=s, campaign_id=world.campaign.id)
        by_event = marketing.feedback_inbox(world.marketer, session=s, event_id=event.id)
        by_kind = marketing.feedback_inbox(world.marketer, session=s, kind="question")
    assert {r.id for r in by_campaign.rows} == {old_q.id, competitor.id}
    assert [r.id for r in by_event.rows] == [competitor.id]
    assert [r.id for r in by_kind.rows] == [old_q.id]


def test_answering_shows_on_the_reps_side_and_resolving_is_audited(engine):
    world, _, old_q, _, _ = _inbox(engine)
    with write_session(engine) as s:
        feedback_inbox.answer_feedback(world.marketer, old_q.id, "Yes, 10% is the floor", session=s, resolve=True)
    with read_session(engine) as s:
        row = s.get(Feedback, old_q.id)
        assert row.answer == "Yes, 10% is the floor" and row.answered_by_id == world.marketer.id
        assert row.answered_at is not None and row.resolved_at is not None
        assert marketing.feedback_inbox(world.marketer, session=s, show_resolved=False).total == 2
    with pytest.raises(ValidationFailed, match="already resolved"), write_session(engine) as s:
        feedback_inbox.mark_resolved(world.marketer, old_q.id, session=s)
    with write_session(engine) as s:
        feedback_inbox.mark_resolved(world.admin, old_q.id, session=s, resolved=False)
    with read_session(engine) as s:
        actions = s.exec(select(AuditLog.action).where(AuditLog.entity == "feedback").order_by(AuditLog.id)).all()
    assert actions == ["answer", "reopen"]


def test_an_empty_answer_is_refused_and_only_marketing_answers(engine):
    world, _, old_q, _, _ = _inbox(engine)
    with pytest.raises(ValidationFailed), write_session(engine) as s:
        feedback_inbox.answer_feedback(world.marketer, old_q.id, "  ", session=s)
    for viewer in (world.rep_viewer(world.alice), world.manager, world.executive):
        with pytest.raises(AccessDenied), write_session(engine) as s:
            feedback_inbox.answer_feedback(viewer, old_q.id, "hi", session=s)
        with pytest.raises(AccessDenied), read_session(engine) as s:
            marketing.feedback_inbox(viewer, session=s)
