"""The campaign-notes feed of a field viewer: published notes of campaigns that target their
territory, newest first, each with its read receipt and the previous published version.

Each published version is a note of its own (KPIS.md, note_read_rate), so a receipt for v1 does
not cover v2: a newer version is unread again, and the feed shows what changed.
"""
from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from models.enums import NoteStatus
from models.tables import Campaign, CampaignNote, NoteRead

from .field_common import require_field
from .paging import ResultPage, page_bounds
from .scope import AccessDenied, Viewer, campaign_targets_territory


@dataclass(frozen=True)
class FeedNote:
    id: int
    campaign_id: int
    campaign_code: str
    campaign_name: str
    version: int
    title: str
    body_md: str
    published_at: datetime | None
    read_at: datetime | None
    previous_version: int | None
    previous_body_md: str | None

    @property
    def unread(self) -> bool:
        return self.read_at is None


def _visible_notes(viewer: Viewer):
    return and_(CampaignNote.status == NoteStatus.published,
                campaign_targets_territory(CampaignNote.campaign_id, viewer.territory_id))


def _feed_select(viewer: Viewer):
    prev = aliased(CampaignNote, name="prev")
    me = aliased(CampaignNote, name="me")
    previous_of_me = (select(func.max(me.version)).where(
        me.campaign_id == CampaignNote.campaign_id, me.status == NoteStatus.published,
        me.version < CampaignNote.version).correlate(CampaignNote).scalar_subquery())
    return (select(CampaignNote.id, CampaignNote.campaign_id, Campaign.code, Campaign.name, CampaignNote.version,
                   CampaignNote.title, CampaignNote.body_md, CampaignNote.published_at,
                   NoteRead.read_at, prev.version.label("prev_version"), prev.body_md.label("prev_body"))
            .join(Campaign, Campaign.id == CampaignNote.campaign_id)
            .outerjoin(NoteRead, and_(NoteRead.note_id == CampaignNote.id, NoteRead.user_id == viewer.id))
            .outerjoin(prev, and_(prev.campaign_id == CampaignNote.campaign_id, prev.version == previous_of_me))
            .where(_visible_notes(viewer)))


def _latest_only():
    newest = aliased(CampaignNote, name="newest")
    return CampaignNote.version == (select(func.max(newest.version)).where(
        newest.campaign_id == CampaignNote.campaign_id, newest.status == NoteStatus.published)
        .correlate(CampaignNote).scalar_subquery())


def _unread_only(viewer: Viewer):
    receipt = aliased(NoteRead, name="receipt")
    read = select(receipt.id).where(receipt.note_id == CampaignNote.id, receipt.user_id == viewer.id)
    return ~read.correlate(CampaignNote).exists()


def notes_for(viewer: Viewer, *, session: Session, unread_only: bool = False, latest_only: bool = True,
              campaign_id: int | None = None, limit: int = 10, offset: int = 0) -> ResultPage[FeedNote]:
    """Published notes for the viewer's territory, newest first. ``latest_only`` keeps each
    campaign's current version (older versions are superseded)."""
    require_field(viewer)
    limit, offset = page_bounds(limit, offset)
    conditions = []
    if latest_only:
        conditions.append(_latest_only())
    if unread_only:
        conditions.append(_unread_only(viewer))
    if campaign_id is not None:
        conditions.append(CampaignNote.campaign_id == int(campaign_id))
    stmt = _feed_select(viewer).where(*conditions)
    rows = session.exec(stmt.order_by(CampaignNote.published_at.desc(), CampaignNote.id.desc())
                        .limit(limit).offset(offset)).all()
    total = session.exec(select(func.count()).select_from(CampaignNote)
                         .where(_visible_notes(viewer), *conditions)).one()
    return ResultPage([FeedNote(*r) for r in rows], total, limit, offset)


def unread_count(viewer: Viewer, *, session: Session) -> int:
    """The one definition of "unread" (My day and Campaign notes both show it): the latest
    published version of each campaign targeting the viewer's territory that the viewer has no
    receipt for. Superseded versions never count."""
    require_field(viewer)
    return session.exec(select(func.count()).select_from(CampaignNote).where(
        _visible_notes(viewer), _latest_only(), _unread_only(viewer))).one()


def note_for(viewer: Viewer, note_id: int, *, session: Session) -> FeedNote:
    """One published note the viewer may read; a foreign, draft or unknown id is refused alike."""
    require_field(viewer)
    row = session.exec(_feed_select(viewer).where(CampaignNote.id == int(note_id))).first()
    if row is None:
        raise AccessDenied(f"note #{note_id} is not a published note of a campaign in your territory")
    return FeedNote(*row)


def note_changes(previous_md: str | None, current_md: str) -> str:
    """A line diff of the Markdown source, previous → current ('' when there is nothing before)."""
    if previous_md is None:
        return ""
    lines = difflib.unified_diff(previous_md.splitlines(), current_md.splitlines(),
                                 fromfile="previous version", tofile="this version", lineterm="", n=1)
    return "\n".join(lines)


@dataclass(frozen=True)
class NoteChange:
    kind: str            # "added", "removed" or "changed"
    before: str | None   # the previous version's line(s)
    after: str | None    # this version's line(s)


def note_change_lines(previous_md: str | None, current_md: str) -> list[NoteChange]:
    """What changed, previous → current, line by line, for people (not a unified diff):
    a replaced block is "changed" (before → after), otherwise "added" or "removed"."""
    if previous_md is None:
        return []
    old, new = previous_md.splitlines(), current_md.splitlines()
    changes = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=old, b=new, autojunk=False).get_opcodes():
        before, after = "\n".join(old[i1:i2]) or None, "\n".join(new[j1:j2]) or None
        if tag == "replace":
            changes.append(NoteChange("changed", before, after))
        elif tag == "delete":
            changes.append(NoteChange("removed", before, None))
        elif tag == "insert":
            changes.append(NoteChange("added", None, after))
    return changes
