"""Territory events (windows, month calendar, campaigns without a local event) and the campaign
notes feed (unread marks, read receipts once, a newer version unread again with its diff)."""
from datetime import timedelta

import pytest
from sqlmodel import func, select

from models.db import read_session, write_session
from models.tables import AuditLog, NoteRead
from queries import notes_feed, territory_events
from queries.territory_events import EventWindow
from services import note_reads
from tests.factories import Builder
from tests.field_world import NOW, build_world


@pytest.fixture
def w(engine):
    return build_world(engine)


@pytest.mark.parametrize("window,codes", [
    (EventWindow.running_now, ["EV-NOW"]),                         # started NOW-1h, ends NOW+5h
    (EventWindow.next_7_days, ["EV-SOON", "EV-CXL"]),              # NOW+3d, NOW+5d (cancelled, still shown)
    (EventWindow.next_30_days, ["EV-SOON", "EV-CXL", "EV-LATE"]),  # + NOW+20d
    (EventWindow.past_30_days, ["EV-PAST"]),                        # ended NOW-10d+2h
])
def test_events_by_window_for_the_territory_only(engine, w, window, codes):
    with read_session(engine) as s:
        page = territory_events.events_for(w.v_rep, session=s, window=window, now=NOW)
    assert [e.code for e in page.rows] == codes


def test_each_event_carries_its_campaign_venue_capacity_and_latest_published_note(engine, w):
    with read_session(engine) as s:
        soon = territory_events.event_for(w.v_rep, w.ev_soon.id, session=s)
    assert (soon.campaign_name, soon.venue, soon.capacity, soon.kind) == ("Smart Factory Summit", "COEX Hall B", 120,
                                                                          "seminar")
    assert soon.starts_at == NOW + timedelta(days=3)
    # v2 is the newest published version; the v3 draft does not count.
    assert (soon.note.version, soon.note.title) == (2, "Summit v2")


def test_filters_by_kind_and_campaign(engine, w):
    with read_session(engine) as s:
        workshops = territory_events.events_for(w.v_rep, session=s, window="next_30_days", kinds=("workshop",), now=NOW)
        other_campaign = territory_events.events_for(w.v_rep, session=s, window="next_30_days",
                                                     campaign_id=w.camp_all.id, now=NOW)
    assert [e.code for e in workshops.rows] == ["EV-LATE"]
    assert other_campaign.rows == [] and other_campaign.total == 0


def test_month_calendar_uses_local_month_bounds(engine, w):
    with Builder(engine) as b:  # 2026-03-31 16:00 UTC is already April 1st in Seoul
        b.event(w.camp_sel, w.sel, code="EV-APR", starts_at=NOW.replace(day=31, hour=16), title="April in Seoul")
    with read_session(engine) as s:
        march = territory_events.month_events(w.v_rep, session=s, year=2026, month=3)
        april = territory_events.month_events(w.v_rep, session=s, year=2026, month=4)
    assert "EV-APR" not in {e.code for e in march} and "EV-BSN" not in {e.code for e in march}
    # EV-PAST started 2026-02-28 12:00 in Seoul: February. EV-LATE is 2026-03-30.
    assert [e.code for e in march] == ["EV-NOW", "EV-SOON", "EV-CXL", "EV-LATE"]
    assert [e.code for e in april] == ["EV-APR"]


def test_campaigns_targeting_the_territory_without_a_local_event_are_listed(engine, w):
    with read_session(engine) as s:
        sel = territory_events.campaigns_without_local_event(w.v_rep, session=s, now=NOW)
        bsn = territory_events.campaigns_without_local_event(w.v_rep_b, session=s, now=NOW)
    # C-ALL targets every territory and has no events; C-SEL has events in SEL; C-BSN does not target SEL.
    assert [(c.code, c.note.title) for c in sel] == [("C-ALL", "Promotion v1")]
    assert [c.code for c in bsn] == ["C-ALL"]


def test_calendar_feed_holds_upcoming_events_cancelled_included(engine, w):
    with read_session(engine) as s:
        feed = territory_events.calendar_feed(w.v_rep, session=s, now=NOW)
    assert [(e.code, e.status) for e in feed] == [("EV-NOW", "scheduled"), ("EV-SOON", "scheduled"),
                                                  ("EV-CXL", "cancelled"), ("EV-LATE", "scheduled")]


# --- notes ---------------------------------------------------------------------------------------

def test_feed_shows_latest_published_versions_newest_first_with_unread_marks(engine, w):
    with read_session(engine) as s:
        feed = notes_feed.notes_for(w.v_rep, session=s)
        everything = notes_feed.notes_for(w.v_rep, session=s, latest_only=False)
    # Summit v2 published NOW-2d, Promotion v1 NOW-4d; Busan's note and the draft are not here.
    assert [(n.title, n.unread) for n in feed.rows] == [("Summit v2", True), ("Promotion v1", True)]
    assert [n.title for n in everything.rows] == ["Summit v2", "Promotion v1", "Summit v1"]
    assert feed.rows[0].previous_version == 1


def test_read_receipt_is_written_once(engine, w):
    with write_session(engine) as s:
        _, first = note_reads.acknowledge_note(w.v_rep, w.note_sel_v2.id, session=s, now=NOW)
    with write_session(engine) as s:
        again, second = note_reads.acknowledge_note(w.v_rep, w.note_sel_v2.id, session=s, now=NOW + timedelta(hours=1))
    assert (first, second) == (True, False)
    assert again.read_at == NOW  # the first read stays the read
    with read_session(engine) as s:
        assert s.exec(select(func.count()).select_from(NoteRead)).one() == 1
        assert s.exec(select(func.count()).select_from(AuditLog).where(AuditLog.action == "read")).one() == 1
        feed = notes_feed.notes_for(w.v_rep, session=s)
        assert [(n.title, n.unread) for n in feed.rows] == [("Summit v2", False), ("Promotion v1", True)]
        assert notes_feed.unread_count(w.v_rep, session=s) == 1
        # Receipts are per person: the colleague still has it unread.
        assert notes_feed.unread_count(w.v_rep2, session=s) == 2


def test_a_newer_version_is_unread_again_and_shows_what_changed(engine, w):
    with write_session(engine) as s:
        note_reads.acknowledge_note(w.v_rep, w.note_sel_v2.id, session=s, now=NOW)
    with Builder(engine) as b:  # marketing publishes v4 (v3 is still a draft)
        b.note(w.camp_sel, version=4, published_at=NOW + timedelta(hours=1), title="Summit v4",
               body="## Key messages\n- Cuts reporting by 45%\n- Local support\n- Free 3-month pilot")
    with read_session(engine) as s:
        top = notes_feed.notes_for(w.v_rep, session=s, unread_only=True).rows[0]
    assert (top.title, top.unread, top.previous_version) == ("Summit v4", True, 2)
    diff = notes_feed.note_changes(top.previous_body_md, top.body_md)
    assert "-- Free pilot" in diff and "+- Free 3-month pilot" in diff
    assert "Cuts reporting by 45%" not in [line[1:] for line in diff.splitlines() if line[:1] in "+-"]


def test_first_version_has_no_diff():
    assert notes_feed.note_changes(None, "anything") == ""


def test_unread_only_and_paging(engine, w):
    with write_session(engine) as s:
        note_reads.acknowledge_note(w.v_rep, w.note_all.id, session=s, now=NOW)
    with read_session(engine) as s:
        unread = notes_feed.notes_for(w.v_rep, session=s, unread_only=True)
        page2 = notes_feed.notes_for(w.v_rep, session=s, limit=1, offset=1)
    assert [n.title for n in unread.rows] == ["Summit v2"]
    assert ([n.title for n in page2.rows], page2.total) == (["Promotion v1"], 2)
