"""Marketing's side of field feedback: answer it (the rep sees the answer) and mark it resolved."""
from __future__ import annotations

from sqlmodel import Session

from models.enums import Role
from models.errors import NotFound, ValidationFailed
from models.tables import Feedback
from models.types import utcnow
from queries.scope import Viewer, require_role
from services import audit, notifications
from i18n import _

MARKETING_ROLES = (Role.marketer, Role.admin)
FEEDBACK_FIELDS = ["answer", "answered_by_id", "answered_at", "resolved_at"]
MAX_ANSWER_CHARS = 10_000


def _feedback(feedback_id: int, *, session: Session) -> Feedback:
    row = session.get(Feedback, feedback_id)
    if row is None:
        raise NotFound(_("no feedback with id {feedback_id}").format(feedback_id=feedback_id))
    return row


def _save(viewer: Viewer, row: Feedback, before: dict, action: str, *, session: Session) -> Feedback:
    session.add(row)
    session.flush()
    audit.record(session=session, username=viewer.username, action=action, entity="feedback", entity_key=str(row.id),
                 detail=audit.changes(before, audit.snapshot(row, FEEDBACK_FIELDS)))
    return row


def answer_feedback(viewer: Viewer, feedback_id: int, answer: str, *, session: Session,
                    resolve: bool = False) -> Feedback:
    """Write (or rewrite) marketing's answer; optionally resolve it in the same step."""
    require_role(viewer, *MARKETING_ROLES)
    row = _feedback(feedback_id, session=session)
    answer = (answer or "").strip()
    if not answer:
        raise ValidationFailed(_("answer: write an answer first"))
    if len(answer) > MAX_ANSWER_CHARS:
        raise ValidationFailed(_("answer: at most {MAX_ANSWER_CHARS:,} characters").format(MAX_ANSWER_CHARS=MAX_ANSWER_CHARS))
    before = audit.snapshot(row, FEEDBACK_FIELDS)
    now = utcnow()
    row.answer, row.answered_by_id, row.answered_at = answer, viewer.id, now
    if resolve and row.resolved_at is None:
        row.resolved_at = now
    saved = _save(viewer, row, before, "answer", session=session)
    notifications.feedback_answered(saved, session=session, now=now)
    return saved


def mark_resolved(viewer: Viewer, feedback_id: int, *, session: Session, resolved: bool = True) -> Feedback:
    require_role(viewer, *MARKETING_ROLES)
    row = _feedback(feedback_id, session=session)
    if resolved == (row.resolved_at is not None):
        raise ValidationFailed("this feedback is already " + ("resolved" if resolved else "open"))
    before = audit.snapshot(row, FEEDBACK_FIELDS)
    row.resolved_at = utcnow() if resolved else None
    return _save(viewer, row, before, "resolve" if resolved else "reopen", session=session)
