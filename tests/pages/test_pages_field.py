"""The field workspace's pages through AppTest on the real app.py, signed in as the demo users."""
import calendar as calendar_module
from datetime import timedelta

import pytest
from sqlmodel import func, select

from models.db import read_session
from models.enums import LeadStatus
from models.tables import Activity, AuditLog, Feedback, Lead, NoteRead, Opportunity, User
from models.timefmt import local_date
from models.types import utcnow
from queries import lead_queue
from queries.accounts import accounts_for, linkable_accounts
from queries.field_common import territory_reps
from models.settings_store import load_settings
from queries.territory_events import events_for, month_events, territory_campaigns
from queries.scope import load_viewer
from tests.apptest_support import all_text, html_text, open_page, registered_titles, signed_in
from tests.factories import Builder

FIELD_TITLES = {"Territory events", "Campaign notes", "Lead queue", "Field activity", "My accounts",
                "Feedback to marketing"}


@pytest.fixture
def db(demo_copy):
    """A fresh copy of the seeded demo per test (tests/pages/conftest.py), so tests that write do
    not meet each other."""
    return demo_copy


def field_app(username: str):
    at = signed_in(username)
    if not FIELD_TITLES <= registered_titles(at):  # signed in during that run: the next one has the navigation
        at.run()
    assert not at.exception, at.exception
    return at


def button(at, label):
    return next(b for b in at.button if b.label == label)


def viewer(engine, username):
    with read_session(engine) as s:
        return load_viewer(username, session=s)


def count(engine, table, *where):
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(table).where(*where)).one()


def test_rep_and_manager_get_the_field_pages_and_only_a_manager_gets_team(db):
    assert FIELD_TITLES <= registered_titles(field_app("minjun.kim"))
    assert "Team" not in registered_titles(field_app("minjun.kim"))
    assert FIELD_TITLES | {"Team"} <= registered_titles(field_app("seoyeon.park"))


def test_territory_events_shows_only_the_reps_territory_with_notes_and_ics(db):
    at = open_page(field_app("minjun.kim"), "Territory events")
    assert not at.exception, at.exception
    text = all_text(at)
    assert "Marketing in Seoul 서울" in text
    assert "— Seoul" in text and "— Busan" not in text  # demo event titles end with their territory
    # Each card's latest note is a closed expander, its body drawn once it is opened.
    notes = [e for e in at.expander if e.proto.label.startswith("Latest note:")]
    assert notes and "Key messages" not in text
    with read_session(db) as s:
        shown = events_for(viewer(db, "minjun.kim"), session=s, limit=10).rows   # the page's first 10
    at.session_state[f"ev_note_{next(e.id for e in shown if e.note is not None)}"] = True
    at.run()
    assert "Key messages" in all_text(at)  # the campaign's latest published note
    # Only the chosen tab is drawn: the list, not the month calendar.
    assert not [h for h in at.get("html") if 'class="ov-cal"' in h.value]
    at.session_state["ev_tab"] = "Month calendar"
    at.run()
    assert "Key messages" not in all_text(at)     # the list's note is no longer drawn
    text = all_text(at)
    # The month calendar (one st.html element): every event of the territory this month, on its
    # local start day, with its HH:MM start time; nothing of another territory.
    calendar = [h.value for h in at.get("html") if 'class="ov-cal"' in h.value]
    assert len(calendar) == 1
    shown = " ".join(html_text(calendar[0]).split())
    with read_session(db) as s:
        settings = load_settings(session=s)
        today = local_date(utcnow(), settings.tz)
        month = month_events(viewer(db, "minjun.kim"), session=s, year=today.year, month=today.month)
    assert f"{len(month)} event{'s' if len(month) != 1 else ''} this month" in text
    # The grid's weeks, from the Monday on or before the 1st: an event that began before them
    # shows on its days here without a start time.
    grid = {d for week in calendar_module.Calendar(firstweekday=0).monthdatescalendar(today.year, today.month) for d in week}
    for event in month:
        starts = event.starts_at.astimezone(settings.tz)
        if starts.date() in grid:
            assert f"{starts:%H:%M} {event.title}" in shown, event.title
        else:
            assert event.title in shown and f"{starts:%H:%M} {event.title}" not in shown, event.title
    assert "— Busan" not in shown
    assert any(el.proto.label == "Add to my calendar (.ics)" for el in at.get("download_button"))
    busan = open_page(field_app("jiho.lee"), "Territory events")
    assert "— Seoul" not in all_text(busan)


def test_territory_events_calendar_address_is_created_shown_and_rotated_on_confirmation(db):
    from models.tables import CalendarToken
    from services import calendar_feed

    engine = db
    at = open_page(field_app("minjun.kim"), "Territory events")
    button(at, "Create my calendar address").click().run()
    assert not at.exception, at.exception
    with read_session(engine) as s:
        rep = load_viewer("minjun.kim", session=s)
        token = calendar_feed.current_token(rep, session=s)
    assert token is not None
    url = f"http://localhost:8501/calendar/{token}.ics"
    assert [c.value for c in at.code] == [url]
    links = [el.proto for el in at.get("link_button")]
    assert [(link.label, link.url) for link in links] == [("Open in my calendar app (webcal://)",
                                                  f"webcal://localhost:8501/calendar/{token}.ics")]
    button(at, "Rotate address…").click().run()
    assert "the old one stops working at once" in all_text(at)
    with read_session(engine) as s:  # nothing changes before the confirmation
        assert calendar_feed.current_token(rep, session=s) == token
    button(at, "Yes, rotate my address").click().run()
    assert not at.exception, at.exception
    with read_session(engine) as s:
        new = calendar_feed.current_token(rep, session=s)
        assert new != token and calendar_feed.viewer_for_token(token, session=s) is None
        assert s.exec(select(func.count()).select_from(CalendarToken)).one() == 1
    assert [c.value for c in at.code] == [f"http://localhost:8501/calendar/{new}.ics"]
    # The next visit finds the panel closed (an address exists), its contents not drawn until opened.
    later = open_page(field_app("minjun.kim"), "Territory events")
    assert [c.value for c in later.code] == []
    later.session_state["ev_feed_open"] = True
    later.run()
    assert [c.value for c in later.code] == [f"http://localhost:8501/calendar/{new}.ics"]


def test_campaign_notes_read_receipt_is_written_once(db):
    # The demo's receipts are random and relative to today: whether Kim's newest notes are read
    # depends on the day. Kim has read nothing here, so the first page is all unread on any day.
    kim = viewer(db, "minjun.kim")
    with db.begin() as conn:
        conn.execute(NoteRead.__table__.delete().where(NoteRead.user_id == kim.id))
    at = open_page(field_app("minjun.kim"), "Campaign notes")
    assert "Unread" in all_text(at)
    before = count(db, NoteRead, NoteRead.user_id == kim.id)
    assert before == 0
    first = next(b for b in at.button if b.label == "I've read this")
    note_id = int(first.key.rsplit("_", 1)[1])
    first.click().run()
    assert not at.exception, at.exception
    assert count(db, NoteRead, NoteRead.user_id == kim.id) == before + 1
    assert f"note_read_{note_id}" not in {b.key for b in at.button}  # now shown as read
    assert any("as read" in s.value for s in at.success)


def _overdue_lead(engine, username):
    with read_session(engine) as s:
        page = lead_queue.lead_queue(viewer(engine, username), session=s)
    now = utcnow()
    return next(r for r in page.rows if r.is_overdue(now))


def select_lead_row(at, code: str):
    """Select the lead's row in the queue table, as a click on it does in a browser."""
    codes = list(at.dataframe[0].value["Lead"])
    at.session_state["lq_table"] = {"selection": {"rows": [codes.index(code)], "columns": []}}
    return at.run()


def test_lead_queue_works_an_overdue_lead_to_converted(db):
    lead = _overdue_lead(db, "minjun.kim")
    at = open_page(field_app("minjun.kim"), "Lead queue")
    due = [cell[0] for cell in at.dataframe[0].value["Due"]]
    assert due[0].startswith("● overdue by")  # the most urgent lead comes first, marked
    select_lead_row(at, lead.code)
    assert lead.code in all_text(at)
    at.text_area(key=f"lq_contact_notes_{lead.id}").input("Called, interested in a demo")
    button(at, "Log contact attempt").click().run()
    at.selectbox(key=f"lq_status_to_{lead.id}").select("working")
    button(at, "Move").click().run()
    at.selectbox(key=f"lq_status_to_{lead.id}").select("qualified")
    button(at, "Move").click().run()
    assert not at.exception, at.exception
    at.text_input(key=f"lq_deal_{lead.id}").input("Demo deal — MES")
    at.text_input(key=f"lq_amount_{lead.id}").input("45000000")
    button(at, "Convert").click().run()
    assert not at.exception, at.exception
    with read_session(db) as s:
        saved = s.get(Lead, lead.id)
        opp = s.get(Opportunity, saved.opportunity_id)
    assert saved.status == LeadStatus.converted and saved.first_touch_at is not None
    assert (opp.name, opp.lead_id, opp.source_campaign_id) == ("Demo deal — MES", lead.id, saved.campaign_id)
    assert count(db, Activity, Activity.lead_id == lead.id) >= 1


def test_a_notifications_link_opens_the_leads_panel_in_its_own_first_run(db):
    """?lead=CODE (the inbox's "Open" link, in a new tab): the one run that link starts shows the
    lead's work panel; nothing else reruns the page to open it."""
    lead = _overdue_lead(db, "minjun.kim")
    at = field_app("minjun.kim")
    at.query_params["lead"] = lead.code
    at = open_page(at, "Lead queue")
    assert not at.exception, at.exception
    assert any(lead.code in h.value for h in at.subheader), [h.value for h in at.subheader]
    at.query_params["lead"] = "NO-SUCH-LEAD"
    at.run()
    assert "Lead NO-SUCH-LEAD is not in your queue (any more)." in [i.value for i in at.info]


def test_lead_queue_refuses_a_stale_edit_and_an_illegal_looking_conversion(db):
    lead = _overdue_lead(db, "minjun.kim")
    at = open_page(field_app("minjun.kim"), "Lead queue")
    select_lead_row(at, lead.code)
    with Builder(db) as b:  # the manager changes it meanwhile
        row = b.session.get(Lead, lead.id)
        row.status, row.version, row.first_touch_at = LeadStatus.working, row.version + 1, utcnow()
    at.run()
    assert any("changed by someone else" in w.value for w in at.warning)
    at.selectbox(key=f"lq_status_to_{lead.id}").select("qualified")
    button(at, "Move").click().run()
    assert any("this lead was changed by someone else since you opened it; reload" in e.value for e in at.error)
    assert count(db, Lead, Lead.id == lead.id, Lead.status == LeadStatus.qualified) == 0
    button(at, "Reload this lead").click().run()
    at.selectbox(key=f"lq_reason_{lead.id}").select("other")
    button(at, "Disqualify").click().run()  # "other" without an explanation
    assert any("explanation: must not be empty" in e.value for e in at.error)
    assert count(db, Lead, Lead.id == lead.id, Lead.status == LeadStatus.disqualified) == 0


def test_field_activity_logs_a_visit_and_lists_it(db):
    at = open_page(field_app("minjun.kim"), "Field activity")
    with read_session(db) as s:
        account_id, account_name = linkable_accounts(viewer(db, "minjun.kim"), session=s)[0]
    at.selectbox(key="fa_account_id").select(account_id)
    at.text_area(key="fa_notes").input("현장 방문 — demo line walkthrough")
    kim = viewer(db, "minjun.kim")
    before = count(db, Activity, Activity.user_id == kim.id)
    button(at, "Log activity").click().run()
    assert not at.exception, at.exception
    assert count(db, Activity, Activity.user_id == kim.id) == before + 1
    assert "현장 방문" in all_text(at)
    assert account_name in list(at.dataframe[0].value["Account"])
    assert count(db, AuditLog, AuditLog.entity == "activity", AuditLog.username == "minjun.kim") == 1


def test_field_activity_edits_an_owned_opportunity(db):
    at = open_page(field_app("minjun.kim"), "Field activity")
    choice = at.selectbox(key="fa_opp_choice")
    with read_session(db) as s:
        kim = viewer(db, "minjun.kim")
        opp = s.exec(select(Opportunity).where(Opportunity.owner_id == kim.id, Opportunity.stage == "proposal")
                     .order_by(Opportunity.expected_close_on)).first() or \
            s.exec(select(Opportunity).where(Opportunity.owner_id == kim.id, Opportunity.closed_on.is_(None))).first()
    opp_id = opp.id
    choice.select(opp_id).run()
    at.selectbox(key=f"fa_opp_stage_{opp_id}").select("won")
    button(at, "Save").click().run()
    assert not at.exception, at.exception
    with read_session(db) as s:
        saved = s.get(Opportunity, opp_id)
    tz_today = local_date(utcnow(), __import__("zoneinfo").ZoneInfo("Asia/Seoul"))
    assert (saved.stage, saved.closed_on) == ("won", tz_today)


def test_field_activity_creates_an_opportunity_from_the_form_drawn_only_while_open(db):
    at = open_page(field_app("minjun.kim"), "Field activity")
    assert "fa_new_name" not in {w.key for w in at.text_input}    # closed: not drawn
    at.session_state["fa_new_open"] = True                        # the rep opens it
    at.run()
    with read_session(db) as s:
        account_id = linkable_accounts(viewer(db, "minjun.kim"), session=s)[0][0]
    kim = viewer(db, "minjun.kim")
    before = count(db, Opportunity, Opportunity.owner_id == kim.id)
    at.text_input(key="fa_new_name").input("Field-found line upgrade")
    at.selectbox(key="fa_new_account_id").select(account_id)
    at.text_input(key="fa_new_amount").input("12,500,000")
    button(at, "Create opportunity").click().run()
    assert not at.exception, at.exception
    assert count(db, Opportunity, Opportunity.owner_id == kim.id) == before + 1
    with read_session(db) as s:
        made = s.exec(select(Opportunity).where(Opportunity.name == "Field-found line upgrade")).one()
    assert (made.owner_id, made.account_id) == (kim.id, account_id)


def test_my_accounts_search_and_detail(db):
    at = open_page(field_app("minjun.kim"), "My accounts")
    assert "accounts 1–" in all_text(at)
    with read_session(db) as s:
        first = accounts_for(viewer(db, "minjun.kim"), session=s).rows[0]
    at.selectbox(key="acc_choice").select(first.id).run()
    assert not at.exception, at.exception
    text = all_text(at)
    assert "Open deals" in text and "Campaigns that touched it" in text and "Events that touched it" in text
    at.text_input(key="acc_search").input("zzz-no-such-account").run()
    assert "No accounts match." in all_text(at)


def test_feedback_is_sent_and_empty_messages_are_refused(db):
    at = open_page(field_app("minjun.kim"), "Feedback to marketing")
    kim = viewer(db, "minjun.kim")
    before = count(db, Feedback, Feedback.user_id == kim.id)
    with read_session(db) as s:
        campaign = territory_campaigns(kim, session=s, since_days=180)[0]
    at.selectbox(key="fb_campaign").select(campaign.id)
    button(at, "Send to marketing").click().run()
    assert any("message: must not be empty" in e.value for e in at.error)
    at.selectbox(key="fb_campaign").select(campaign.id)
    at.text_area(key="fb_body").input("고객이 CSAP 인증을 물어봅니다")
    button(at, "Send to marketing").click().run()
    assert not at.exception, at.exception
    assert count(db, Feedback, Feedback.user_id == kim.id) == before + 1
    assert "고객이 CSAP 인증을 물어봅니다" in all_text(at)


def test_manager_routes_unassigned_leads_and_filters_by_rep(db):
    at = open_page(field_app("seoyeon.park"), "Team")
    assert not at.exception, at.exception
    park = viewer(db, "seoyeon.park")
    unassigned = count(db, Lead, Lead.territory_id == park.territory_id, Lead.assigned_to_id.is_(None),
                       Lead.status.in_(["new", "working", "qualified"]))
    assert unassigned > 0
    with read_session(db) as s:
        first_rep = territory_reps(park, session=s)[0]
    at.checkbox(key="tm_route_page").check()
    at.selectbox(key="tm_route_to").select(first_rep.id)
    button(at, "Route").click().run()
    assert not at.exception, at.exception
    assert count(db, Lead, Lead.territory_id == park.territory_id, Lead.assigned_to_id.is_(None),
                 Lead.status.in_(["new", "working", "qualified"])) == max(0, unassigned - 20)
    queue = open_page(at, "Lead queue")
    with read_session(db) as s:
        kim = s.exec(select(User).where(User.username == "minjun.kim")).one()
    queue.selectbox(key="lq_rep").select(next(o for o in queue.selectbox(key="lq_rep").options
                                              if "Minjun" in o)).run()
    assert not queue.exception, queue.exception
    reps = {row for row in queue.dataframe[0].value["Rep"]}
    assert reps == {kim.display_name}


def test_deadline_column_counts_down(db):
    lead = _overdue_lead(db, "minjun.kim")
    assert lead.due_label(utcnow()).startswith("overdue by")
    assert lead.due_label(lead.deadline - timedelta(hours=2)) == "due in 2h 0m"


@pytest.mark.parametrize("username", ["seoyeon.park", "jiho.lee"])
def test_every_field_page_runs_for_a_manager_and_a_rep_of_another_territory(db, username):
    at = field_app(username)
    for title in sorted(FIELD_TITLES | ({"Team"} if username == "seoyeon.park" else set())):
        open_page(at, title)
        assert not at.exception, (title, at.exception)
        assert any(t.value == title for t in at.title), title
    if username == "seoyeon.park":
        open_page(at, "Field activity")
        assert at.selectbox(key="fa_rep").options[0] == "All reps of my territory"


def test_my_day_rerun_reads_its_numbers_from_the_cache(db):
    """My day's counts go through the pages' cache: a rerun that changes nothing does not count
    the leads, deals and notes again (the gate's own reads of the user still run)."""
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    at = field_app("minjun.kim")
    assert any("My day" in t.value for t in at.title)
    at.run()   # the cache is filled; the next rerun is a person's click that changes nothing
    statements = []

    def seen(conn, cursor, statement, *args):
        statements.append(statement)
    event.listen(Engine, "before_cursor_execute", seen)
    try:
        at.run()
    finally:
        event.remove(Engine, "before_cursor_execute", seen)
    assert not at.exception and any("My day" in t.value for t in at.title)
    assert not [s for s in statements if "FROM lead" in s or "FROM opportunity" in s], statements
