"""Cached reads are keyed on the viewer's scope: two users of different territories asking with
the same filters never get each other's rows, and a write shows at once in this process."""
from datetime import timedelta

import pytest

from models.db import write_session
from queries import lead_queue, territory_events
from services import leads
from tests.field_world import NOW, build_world
from ui.field_cache import cached_read


@pytest.fixture
def w(engine, db_url, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("ONEVOICE_DATA_DIR", str(tmp_path / "data"))
    return build_world(engine)


def test_two_territories_never_share_cached_rows(w):
    filters = dict(window="next_30_days", kinds=(), campaign_id=None, limit=20, offset=0, now=NOW)
    seoul = cached_read(territory_events.events_for, w.v_rep, **filters)
    busan = cached_read(territory_events.events_for, w.v_rep_b, **filters)
    seoul_again = cached_read(territory_events.events_for, w.v_rep, **filters)
    assert [e.code for e in seoul.rows] == ["EV-SOON", "EV-CXL", "EV-LATE"]
    assert [e.code for e in busan.rows] == ["EV-BSN"]
    assert seoul_again == seoul


def test_two_reps_of_one_territory_never_share_cached_leads(w):
    mine = cached_read(lead_queue.lead_queue, w.v_rep, search=None, status="all", rep_id=None, limit=25, offset=0)
    colleague = cached_read(lead_queue.lead_queue, w.v_rep2, search=None, status="all", rep_id=None, limit=25,
                            offset=0)
    manager = cached_read(lead_queue.lead_queue, w.v_manager, search=None, status="all", rep_id=None, limit=25,
                          offset=0)
    assert sorted(r.code for r in mine.rows) == ["L-FRESH", "L-OVER"]
    assert [r.code for r in colleague.rows] == ["L-REP2"]
    assert manager.total == 4


def test_a_write_in_this_process_is_seen_at_once(w, engine):
    def status_of_fresh():
        page = cached_read(lead_queue.lead_queue, w.v_rep, search="L-FRESH", status="all", rep_id=None, limit=5,
                           offset=0)
        return page.rows[0].status
    assert status_of_fresh() == "new"
    with write_session(engine) as s:
        leads.move_status(w.v_rep, w.lead_fresh.id, "working", expected_version=1, session=s,
                          now=NOW + timedelta(minutes=1))
    assert status_of_fresh() == "working"
