"""Campaign notes: drafts, immutable published versions, diffs, read rate and unread reps (issue 4 §2)."""
import pytest
from sqlmodel import select

from models.db import read_session, write_session
from models.enums import NoteStatus
from models.errors import ValidationFailed
from models.tables import AuditLog, CampaignNote
from queries import marketing
from queries.scope import AccessDenied
from services import notes
from tests.factories import Builder, utc
from tests.marketing_world import build_world


def test_publishing_creates_versions_one_two_with_their_publish_time(engine):
    world = build_world(engine)
    cid = world.campaign.id
    with write_session(engine) as s:
        draft = notes.save_draft(world.marketer, cid, "Key messages", "**Say** 안녕하세요", session=s)
        assert (draft.version, draft.status, draft.published_at) == (1, NoteStatus.draft, None)
        again = notes.save_draft(world.marketer, cid, "Key messages", "**Say** 안녕하세요!", session=s)
        assert again.id == draft.id  # one draft per campaign, overwritten
    with write_session(engine) as s:
        v1 = notes.publish_note(world.marketer, cid, "Key messages", "Offer: 10% off", session=s)
    with write_session(engine) as s:
        v2 = notes.publish_note(world.admin, cid, "Key messages", "Offer: 15% off\nObjection: price", session=s)
    assert (v1.version, v2.version) == (1, 2)
    assert v1.published_at is not None and v2.published_at >= v1.published_at
    with read_session(engine) as s:
        rows = marketing.notes_of_campaign(world.marketer, cid, session=s)
        assert [(r.version, r.status) for r in rows] == [(2, "published"), (1, "published")]
        assert s.get(CampaignNote, v1.id).body_md == "Offer: 10% off"
        assert s.exec(select(AuditLog).where(AuditLog.action == "publish")).all().__len__() == 2


def test_a_published_version_cannot_be_edited(engine):
    world = build_world(engine)
    with write_session(engine) as s:
        v1 = notes.publish_note(world.marketer, world.campaign.id, "T", "original", session=s)
    with pytest.raises(ValidationFailed, match="published and cannot be changed"), write_session(engine) as s:
        notes.update_note(world.marketer, v1.id, "T", "rewritten history", session=s)
    with read_session(engine) as s:
        assert s.get(CampaignNote, v1.id).body_md == "original"
    with write_session(engine) as s:  # a new draft takes the next version number
        draft = notes.save_draft(world.marketer, world.campaign.id, "T", "next", session=s)
    assert draft.version == 2 and draft.status == NoteStatus.draft


def test_diff_between_versions_shows_changed_lines(engine):
    world = build_world(engine)
    with write_session(engine) as s:
        notes.publish_note(world.marketer, world.campaign.id, "Pitch", "line one\nprice: 100\nend", session=s)
        notes.publish_note(world.marketer, world.campaign.id, "Pitch", "line one\nprice: 90\nend", session=s)
    with read_session(engine) as s:
        diff = notes.diff_versions(world.marketer, world.campaign.id, 1, 2, session=s)
    assert diff[:2] == ["--- v1", "+++ v2"]
    assert "-price: 100" in diff and "+price: 90" in diff
    assert " line one" in diff


def test_notes_need_a_title_and_a_body_and_a_marketing_role(engine):
    world = build_world(engine)
    with pytest.raises(ValidationFailed) as err, write_session(engine) as s:
        notes.save_draft(world.marketer, world.campaign.id, "", "  ", session=s)
    assert "title: required" in str(err.value) and "body" in str(err.value)
    for viewer in (world.rep_viewer(world.alice), world.manager, world.executive):
        with pytest.raises(AccessDenied), write_session(engine) as s:
            notes.publish_note(viewer, world.campaign.id, "T", "body", session=s)


def test_read_rate_by_territory_and_the_reps_who_have_not_read(engine):
    world = build_world(engine)
    with write_session(engine) as s:
        v1 = notes.publish_note(world.marketer, world.campaign.id, "T", "body", session=s)
    with Builder(engine) as b:
        from models.tables import CampaignNote as Note
        note = b.session.get(Note, v1.id)
        b.read(note, world.alice, utc(2026, 3, 2))
        b.read(note, world.carl, utc(2026, 3, 2))  # disabled: never counts
    with read_session(engine) as s:
        rates = marketing.note_read_rate_by_territory(world.marketer, v1.id, session=s)
        # SEL: alice and bora are the active reps (carl is disabled, the manager is no rep) → 1/2.
        # BSN: dana → 0/1. GGD is not a target territory.
        assert [(r.territory, r.target_reps, r.read) for r in rates] == [("Busan 부산", 1, 0), ("Seoul 서울", 2, 1)]
        assert str(rates[1].rate) == "0.5"
        unread = marketing.unread_reps(world.marketer, v1.id, session=s)
        assert [u[1] for u in unread] == ["bsn.dana", "sel.bora"]
        with pytest.raises(AccessDenied):
            marketing.unread_reps(world.manager, v1.id, session=s)
