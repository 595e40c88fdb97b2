"""Field feedback to marketing: a question, an objection heard, competitor intel, a win story or
anything else, about a campaign or an event of the rep's territory. Marketing answers it in
services.feedback_inbox."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models.enums import FeedbackKind
from models.errors import ValidationFailed
from models.tables import Feedback
from models.types import utcnow
from queries.field_common import require_field
from queries.scope import Viewer
from queries.territory_events import campaign_in_territory, event_for

from . import audit
from .field_rules import MAX_NOTE_TEXT, checked_text

FEEDBACK_LABELS = {FeedbackKind.question: "Question", FeedbackKind.objection: "Objection heard",
                   FeedbackKind.competitor: "Competitor intel", FeedbackKind.win_story: "Win story",
                   FeedbackKind.other: "Other"}


def send_feedback(viewer: Viewer, *, session: Session, kind: FeedbackKind | str, body: str,
                  campaign_id: int | None = None, event_id: int | None = None,
                  now: datetime | None = None) -> Feedback:
    """About a campaign targeting the viewer's territory or an event held in it (an event's
    campaign is filled in); anything else is refused."""
    require_field(viewer)
    try:
        kind = FeedbackKind(kind)
    except ValueError:
        raise ValidationFailed(f"kind: unknown feedback kind {kind!r}") from None
    body = checked_text(body, "message", max_length=MAX_NOTE_TEXT)
    if campaign_id is None and event_id is None:
        raise ValidationFailed("choose the campaign or event the feedback is about")
    if event_id is not None:
        event = event_for(viewer, event_id, session=session)
        if campaign_id is not None and int(campaign_id) != event.campaign_id:
            raise ValidationFailed("the event belongs to another campaign than the one chosen")
        campaign_id = event.campaign_id
    else:
        campaign_id = campaign_in_territory(viewer, campaign_id, session=session).id
    feedback = Feedback(campaign_id=campaign_id, event_id=event_id, user_id=viewer.id,
                        territory_id=viewer.territory_id, kind=kind, body=body,
                        created_at=now or utcnow())
    session.add(feedback)
    session.flush()
    audit.record(session=session, username=viewer.username, action="create", entity="feedback",
                 entity_key=str(feedback.id),
                 detail=audit.changes({}, audit.snapshot(feedback, ["campaign_id", "event_id", "kind", "body"])))
    return feedback
