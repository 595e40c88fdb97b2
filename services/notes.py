"""Campaign notes: one working draft per campaign, published as immutable versions v1, v2, …

The draft holds the next version number; publishing stamps ``published_at`` and freezes it, and the
next draft takes the number after it. Reps only ever see published versions.
"""
from __future__ import annotations

import difflib

from sqlalchemy import func
from sqlmodel import Session, select

from models.enums import CampaignStatus, NoteStatus, Role
from models.errors import NotFound, ValidationFailed
from models.tables import Campaign, CampaignNote
from models.types import utcnow
from queries.scope import Viewer, require_role
from services import audit, notifications
from i18n import _

MARKETING_ROLES = (Role.marketer, Role.admin)
NOTE_FIELDS = ["campaign_id", "version", "title", "body_md", "status", "published_at", "author_id"]
MAX_BODY_CHARS = 100_000


def _validate(title: str, body_md: str) -> tuple[str, str]:
    problems = []
    title = (title or "").strip()
    body_md = (body_md or "").rstrip()
    if not title:
        problems.append(_("title: required"))
    elif len(title) > 300:
        problems.append(_("title: at most 300 characters"))
    if not body_md.strip():
        problems.append(_("body: write the note before saving it"))
    elif len(body_md) > MAX_BODY_CHARS:
        problems.append(_("body: at most {MAX_BODY_CHARS:,} characters").format(MAX_BODY_CHARS=MAX_BODY_CHARS))
    if problems:
        raise ValidationFailed(problems)
    return title, body_md


def _writable_campaign(campaign_id: int, *, session: Session) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(_("no campaign with id {campaign_id}").format(campaign_id=campaign_id))
    if campaign.status == CampaignStatus.cancelled:
        raise ValidationFailed(_("campaign {code} is cancelled: its notes can no longer change").format(code=campaign.code))
    return campaign


def current_draft(campaign_id: int, *, session: Session) -> CampaignNote | None:
    return session.exec(select(CampaignNote).where(CampaignNote.campaign_id == campaign_id,
                                                   CampaignNote.status == NoteStatus.draft)
                        .order_by(CampaignNote.version.desc())).first()


def _next_version(campaign_id: int, *, session: Session) -> int:
    highest = session.exec(select(func.max(CampaignNote.version)).where(CampaignNote.campaign_id == campaign_id)).one()
    return int(highest or 0) + 1


def save_draft(viewer: Viewer, campaign_id: int, title: str, body_md: str, *, session: Session) -> CampaignNote:
    """Create the campaign's draft, or overwrite it (there is at most one draft per campaign)."""
    require_role(viewer, *MARKETING_ROLES)
    campaign = _writable_campaign(campaign_id, session=session)
    title, body_md = _validate(title, body_md)
    draft = current_draft(campaign.id, session=session)
    if draft is None:
        draft = CampaignNote(campaign_id=campaign.id, version=_next_version(campaign.id, session=session),
                             title=title, body_md=body_md, status=NoteStatus.draft, author_id=viewer.id)
        before = {}
        action = "create"
    else:
        before = audit.snapshot(draft, NOTE_FIELDS)
        draft.title, draft.body_md, draft.author_id = title, body_md, viewer.id
        action = "update"
    session.add(draft)
    session.flush()
    diff = audit.changes(before, audit.snapshot(draft, NOTE_FIELDS))
    if diff:
        audit.record(session=session, username=viewer.username, action=action, entity="campaign_note",
                     entity_key=f"{campaign.code} v{draft.version}", detail=diff)
    return draft


def update_note(viewer: Viewer, note_id: int, title: str, body_md: str, *, session: Session) -> CampaignNote:
    """Edit a specific version: only a draft may change; a published version is immutable."""
    require_role(viewer, *MARKETING_ROLES)
    note = get_note(note_id, session=session)
    if note.status == NoteStatus.published:
        raise ValidationFailed(_("version {version} is published and cannot be changed; save a new draft and publish it as the next version").format(version=note.version))
    return save_draft(viewer, note.campaign_id, title, body_md, session=session)


def publish_note(viewer: Viewer, campaign_id: int, title: str, body_md: str, *, session: Session) -> CampaignNote:
    """Save the text as the draft and publish it as the next version, stamped now."""
    draft = save_draft(viewer, campaign_id, title, body_md, session=session)
    campaign = session.get(Campaign, campaign_id)
    draft.status = NoteStatus.published
    draft.published_at = utcnow()
    session.add(draft)
    session.flush()
    audit.record(session=session, username=viewer.username, action="publish", entity="campaign_note",
                 entity_key=f"{campaign.code} v{draft.version}",
                 detail=audit.changes({"status": NoteStatus.draft, "published_at": None},
                                      {"status": draft.status, "published_at": draft.published_at}))
    notifications.note_published(draft, session=session, now=draft.published_at)
    return draft


def discard_draft(viewer: Viewer, campaign_id: int, *, session: Session) -> None:
    require_role(viewer, *MARKETING_ROLES)
    campaign = _writable_campaign(campaign_id, session=session)
    draft = current_draft(campaign.id, session=session)
    if draft is None:
        raise ValidationFailed(_("there is no draft to discard"))
    audit.record(session=session, username=viewer.username, action="delete", entity="campaign_note",
                 entity_key=f"{campaign.code} v{draft.version}",
                 detail=audit.changes(audit.snapshot(draft, NOTE_FIELDS), {}))
    session.delete(draft)
    session.flush()


def get_note(note_id: int, *, session: Session) -> CampaignNote:
    note = session.get(CampaignNote, note_id)
    if note is None:
        raise NotFound(_("no note with id {note_id}").format(note_id=note_id))
    return note


def note_diff(old: CampaignNote, new: CampaignNote) -> list[str]:
    """A unified diff of two versions (title and Markdown source), ``vN`` named in the headers."""
    def lines(note: CampaignNote) -> list[str]:
        return [f"# {note.title}", "", *note.body_md.splitlines()]
    return list(difflib.unified_diff(lines(old), lines(new), fromfile=f"v{old.version}", tofile=f"v{new.version}",
                                     lineterm=""))


def diff_versions(viewer: Viewer, campaign_id: int, old_version: int, new_version: int, *,
                  session: Session) -> list[str]:
    require_role(viewer, *MARKETING_ROLES)
    notes = {n.version: n for n in session.exec(select(CampaignNote).where(
        CampaignNote.campaign_id == campaign_id, CampaignNote.version.in_([old_version, new_version]))).all()}
    missing = [v for v in (old_version, new_version) if v not in notes]
    if missing:
        raise NotFound(_("campaign has no note version(s) {missing}").format(missing=missing))
    return note_diff(notes[old_version], notes[new_version])
