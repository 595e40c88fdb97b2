"""Read receipts: "I've read this" on a published campaign note, written once per person and version."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.tables import NoteRead
from models.types import utcnow
from queries.notes_feed import note_for
from queries.scope import Viewer

from . import audit


def acknowledge_note(viewer: Viewer, note_id: int, *, session: Session, now: datetime | None = None) -> tuple[NoteRead, bool]:
    """(the receipt, whether this call wrote it). A second acknowledgement writes nothing and keeps
    the first read_at; two at once are settled by the unique (note, user) constraint."""
    note = note_for(viewer, note_id, session=session)
    existing = session.exec(select(NoteRead).where(NoteRead.note_id == note.id, NoteRead.user_id == viewer.id)).first()
    if existing is not None:
        return existing, False
    receipt = NoteRead(note_id=note.id, user_id=viewer.id, read_at=now or utcnow())
    try:
        with session.begin_nested():
            session.add(receipt)
    except IntegrityError:
        existing = session.exec(select(NoteRead).where(NoteRead.note_id == note.id,
                                                       NoteRead.user_id == viewer.id)).one()
        return existing, False
    audit.record(session=session, username=viewer.username, action="read", entity="campaign_note",
                 entity_key=f"{note.campaign_code} v{note.version}", detail={"note_id": note.id, "read_at": receipt.read_at})
    return receipt, True
