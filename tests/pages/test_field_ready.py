"""Issue 17 — what a new user tripped over, through the real app.py (AppTest) on the demo data."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from models.db import get_engine, read_session, write_session
from models.enums import EventStatus, LeadStatus, NoteStatus
from models.tables import Account, AuditLog, Campaign, CampaignNote, CampaignTerritory, Event, ImportBatch, Lead, NoteRead, Opportunity, User
from models.settings_store import load_settings
from models.types import utcnow
from queries.scope import load_viewer
from queries import lead_queue, notes_feed
from services import admin, leads
from models.errors import ValidationFailed
from services.users import create_user
from tests.apptest_support import all_text, kpi_tiles, open_page, registered_titles, sign_in, signed_in


def _engine(app):
    return get_engine(app)


# 1. Destructive actions ask first and name what will happen; a new campaign is opened. -------

def test_cancel_event_has_no_preselection_and_waits_for_a_named_yes(app):
    engine = _engine(app)
    with read_session(engine) as s:
        event = s.exec(select(Event).where(Event.status == EventStatus.scheduled).order_by(Event.id)).first()
        campaign = s.get(Campaign, event.campaign_id)
    at = signed_in("jiwoo.choi")
    open_page(at, "Campaigns & events")
    at.text_input(key="cmp_search").input(campaign.code).run()
    at.selectbox(key="cmp_open").set_value(campaign.id).run()
    picker = at.selectbox(key=f"cmp_cancel_event_{campaign.id}")
    assert picker.value is None  # nothing preselected
    assert not any(b.label.startswith("Cancel") and "event" in b.label for b in at.button)
    picker.set_value(event.id).run()
    confirm = at.checkbox(key=f"cmp_cancel_event_ok_{event.id}")
    assert event.code in confirm.label and "cancel" in confirm.label.lower()
    assert at.button(key=f"cmp_cancel_event_btn_{event.id}").disabled
    with read_session(engine) as s:
        assert s.get(Event, event.id).status == EventStatus.scheduled
    confirm.check().run()
    at.button(key=f"cmp_cancel_event_btn_{event.id}").click().run()
    assert not at.exception, at.exception
    with read_session(engine) as s:
        assert s.get(Event, event.id).status == EventStatus.cancelled


def test_a_new_campaign_is_opened_so_the_event_form_below_is_its_own(app):
    at = signed_in("jiwoo.choi")
    open_page(at, "Campaigns & events")
    at.session_state["cmp_new_open"] = True     # the marketer opens "New campaign"
    at.run()
    at.text_input(key="new_campaign_name").input("Field-ready roadshow")
    at.date_input(key="new_campaign_start").set_value(date(2020, 1, 1))  # sorts far down the list
    at.date_input(key="new_campaign_end").set_value(date(2020, 1, 31))
    at.button(key="FormSubmitter:new_campaign-Create campaign").click().run()
    assert not at.exception, at.exception
    with read_session(_engine(app)) as s:
        created = s.exec(select(Campaign).where(Campaign.name == "Field-ready roadshow")).one()
    assert at.selectbox(key="cmp_open").value == created.id
    assert any(f"Events of {created.name}" in h.value for h in at.subheader)
    assert any(f"new_event_{created.id}" in (t.key or "") for t in at.text_input)


def test_undo_import_has_no_preselection_and_names_the_leads_it_removes(app):
    engine = _engine(app)
    with write_session(engine) as s:
        campaign_id = s.exec(select(Campaign.id).order_by(Campaign.id)).first()
        batch = ImportBatch(campaign_id=campaign_id, filename="expo-visitors.csv", created_at=utcnow(), row_count=7)
        s.add(batch)
    at = signed_in("jiwoo.choi")
    open_page(at, "Import leads")
    picker = at.selectbox(key="imp_undo_batch")
    assert picker.value is None
    assert not any(b.label == "Undo import" for b in at.button)
    picker.set_value(batch.id).run()
    confirm = at.checkbox(key=f"imp_undo_ok_{batch.id}")
    assert str(batch.row_count) in confirm.label and str(batch.id) in confirm.label
    assert at.button(key="imp_undo").disabled


# 2. One definition of "unread". ------------------------------------------------------------

def _expected_unread(engine, username: str) -> int:
    """Computed here in Python: the latest published version of each campaign targeting the
    user's territory, without a receipt of the user."""
    with read_session(engine) as s:
        user = s.exec(select(User).where(User.username == username)).one()
        targets: dict[int, set[int]] = {}
        for ct in s.exec(select(CampaignTerritory)).all():
            targets.setdefault(ct.campaign_id, set()).add(ct.territory_id)
        latest: dict[int, CampaignNote] = {}
        for note in s.exec(select(CampaignNote).where(CampaignNote.status == NoteStatus.published)).all():
            if note.campaign_id in targets and user.territory_id not in targets[note.campaign_id]:
                continue
            if note.campaign_id not in latest or note.version > latest[note.campaign_id].version:
                latest[note.campaign_id] = note
        read = set(s.exec(select(NoteRead.note_id).where(NoteRead.user_id == user.id)).all())
    return sum(1 for note in latest.values() if note.id not in read)


def _my_day_unread(at) -> int:
    return int(next(m.value for m in at.metric if m.label == "Unread notes"))


def _notes_page_unread(at) -> int:
    open_page(at, "Campaign notes")
    caption = next(c.value for c in at.caption if "unread" in c.value)
    return int(caption.rsplit("·", 1)[1].split()[0])


def test_my_day_and_campaign_notes_count_unread_notes_the_same_way(app):
    engine = _engine(app)
    expected = _expected_unread(engine, "minjun.kim")
    at = signed_in("minjun.kim")
    assert _my_day_unread(at) == expected
    assert _notes_page_unread(at) == expected


def test_a_brand_new_rep_counts_only_the_current_versions(app):
    engine = _engine(app)
    with write_session(engine) as s:
        create_user(session=s, actor="test", username="new.rep17", role="rep", password="new-rep-password-17",
                    territory_code="SEL", display_name="New Rep")
    with read_session(engine) as s:
        superseded = s.exec(select(CampaignNote.campaign_id).where(CampaignNote.status == NoteStatus.published)).all()
    assert len(superseded) > len(set(superseded)), "the demo has campaigns with more than one published version"
    expected = _expected_unread(engine, "new.rep17")
    at = signed_in("new.rep17", "new-rep-password-17")
    assert _my_day_unread(at) == expected
    assert _notes_page_unread(at) == expected


# 3. The first password change goes back to sign-in, with the right words. -------------------

def test_a_new_account_changes_its_one_time_password_and_is_sent_to_sign_in(app):
    engine = _engine(app)
    with write_session(engine) as s:
        _, one_time = admin.create_user(load_viewer("admin", session=s), session=s, username="brand.new17",
                                        role="rep", territory_code="BSN", display_name="Brand New",
                                        email=None, manager_username=None)
    at = signed_in("brand.new17", one_time)
    assert registered_titles(at) == {"Choose a new password"}
    text = all_text(at)
    assert "reset by an administrator" not in text
    assert "one-time password" in text
    at.text_input[0].input(one_time)
    at.text_input[1].input("brand-new-password-17")
    at.text_input[2].input("brand-new-password-17")
    next(b for b in at.button if b.label == "Change password").click().run()
    assert not at.exception, at.exception
    assert registered_titles(at) == {"Sign in"}
    assert any("Sign in with your new password" in i.value for i in at.info)
    assert not any(b.label == "Change password" for b in at.button)
    assert "one-time password" not in all_text(at)
    sign_in(at, "brand.new17", "brand-new-password-17")
    assert "My day" in registered_titles(at)


# 5. Lead queue: overdue filter and mark, work a lead by selecting its row, an account for every deal.

def _queue_codes(at) -> list[str]:
    return list(at.dataframe[0].value["Lead"])


def test_the_overdue_filter_shows_only_overdue_leads_each_marked(app):
    engine = _engine(app)
    with read_session(engine) as s:
        rep = load_viewer("minjun.kim", session=s)
        expected = lead_queue.overdue_count(rep, session=s)
        everything = lead_queue.lead_queue(rep, session=s, status="all", limit=200)
    now = utcnow()
    overdue_codes = {r.code for r in everything.rows if r.is_overdue(now)}
    assert expected >= 1 and len(overdue_codes) == expected
    at = signed_in("minjun.kim")
    open_page(at, "Lead queue")
    assert "overdue" in at.selectbox(key="lq_status").options
    table = at.dataframe[0].value
    assert list(table.columns)[:2] == ["Status", "Due"]  # what matters first (and on a phone)
    import json
    due_column = json.loads(at.dataframe[0].proto.columns)["Due"]["type_config"]
    colour = {o["value"]: o["color"] for o in due_column["options"]}
    for code, (due,) in zip(table["Lead"], table["Due"]):   # Due: one label per row, red when overdue
        assert due.startswith("●") == (code in overdue_codes), (code, due)
        assert colour[due] == ("#b42318" if code in overdue_codes else "#eef0f4"), (code, due)
    at.selectbox(key="lq_status").select("overdue").run()
    assert set(_queue_codes(at)) == overdue_codes
    assert all(d.startswith("● overdue by") for (d,) in at.dataframe[0].value["Due"])


def test_a_lead_is_worked_by_selecting_its_row_and_converting_gives_the_deal_an_account(app):
    engine = _engine(app)
    with read_session(engine) as s:
        rep = load_viewer("minjun.kim", session=s)
        lead_id = lead_queue.lead_queue(rep, session=s).rows[0].id
    with write_session(engine) as s:  # a qualified lead of a company that has no account yet
        lead = s.get(Lead, lead_id)
        lead.company, lead.account_id = "Field Ready Fresh Co", None
        lead.status, lead.version, lead.first_touch_at = LeadStatus.qualified, lead.version + 1, utcnow()
        code = lead.code
    at = signed_in("minjun.kim")
    open_page(at, "Lead queue")
    assert not any(sb.label == "Work on a lead" for sb in at.selectbox)
    rows = _queue_codes(at)
    at.session_state["lq_table"] = {"selection": {"rows": [rows.index(code)], "columns": []}}
    at.run()
    assert any(h.value.startswith(code) for h in at.subheader)
    account_box = at.selectbox(key=f"lq_account_{lead_id}")
    assert account_box.value == 0 and "new account" in account_box.format_func(0)
    assert at.text_input(key=f"lq_new_account_{lead_id}").value == "Field Ready Fresh Co"
    at.text_input(key=f"lq_deal_{lead_id}").input("Fresh Co — pilot")
    at.text_input(key=f"lq_amount_{lead_id}").input("12000000")
    next(b for b in at.button if b.label == "Convert").click().run()
    assert not at.exception, at.exception
    with read_session(engine) as s:
        saved = s.get(Lead, lead_id)
        opp = s.get(Opportunity, saved.opportunity_id)
        account = s.get(Account, opp.account_id)
    assert account.name == "Field Ready Fresh Co" and account.territory_id == saved.territory_id
    assert saved.account_id == account.id and account.owner_id == rep.id


def test_converting_without_any_account_is_refused(app):
    engine = _engine(app)
    with read_session(engine) as s:
        rep = load_viewer("minjun.kim", session=s)
        lead_id = lead_queue.lead_queue(rep, session=s, status="new").rows[-1].id
    with write_session(engine) as s:
        lead = s.get(Lead, lead_id)
        lead.account_id, lead.status, lead.version = None, LeadStatus.qualified, lead.version + 1
        version = lead.version
    with pytest.raises(ValidationFailed, match="account: choose an existing account or name a new one"), \
            write_session(engine) as s:
        leads.convert_lead(rep, lead_id, deal_name="No account", amount="1", expected_close_on=date(2099, 1, 1),
                           expected_version=version, session=s)
    with read_session(engine) as s:
        assert s.get(Lead, lead_id).status == LeadStatus.qualified


# 7. Saving settings audits only what changed. ----------------------------------------------

def _setting_audits(engine) -> list[AuditLog]:
    with read_session(engine) as s:
        return s.exec(select(AuditLog).where(AuditLog.entity == "setting").order_by(AuditLog.id)).all()


def test_saving_settings_audits_only_the_settings_that_changed(app):
    engine = _engine(app)
    before = len(_setting_audits(engine))
    with read_session(engine) as s:
        original = f"{load_settings(session=s).sla_hours:g}"
    at = signed_in("admin")
    open_page(at, "Settings & targets")
    next(b for b in at.button if b.label == "Save settings").click().run()
    assert not at.exception, at.exception
    assert len(_setting_audits(engine)) == before  # nothing changed, nothing audited
    sla = next(t for t in at.text_input if t.label.startswith("Response-time SLA"))
    sla.input("36" if original != "36" else "30")
    next(b for b in at.button if b.label == "Save settings").click().run()
    entries = _setting_audits(engine)[before:]
    assert [e.entity_key for e in entries] == ["sla_hours"]
    with write_session(engine) as s:  # put the demo's value back for the other tests
        admin.update_setting(load_viewer("admin", session=s), "sla_hours", original, session=s)


# 9. Small things: changes in words, a collapsed inbox, a preview that can be refreshed. ------

def test_a_rep_sees_what_changed_in_words_not_a_unified_diff(app):
    engine = _engine(app)
    with read_session(engine) as s:
        rep = load_viewer("minjun.kim", session=s)
        note = next(n for n in notes_feed.notes_for(rep, session=s, limit=50).rows if n.previous_version is not None)
    at = signed_in("minjun.kim")
    open_page(at, "Campaign notes")
    label = next(o for o in at.selectbox(key="notes_campaign").options if f"({note.campaign_code})" in o)
    at.selectbox(key="notes_campaign").set_value(label).run()
    assert not at.exception, at.exception
    assert not any(c.language == "diff" for c in at.code)
    shown = "\n".join(h.proto.body for h in at.get("html"))
    assert "@@" not in shown and "+++" not in shown
    changes = notes_feed.note_change_lines(note.previous_body_md, note.body_md)
    assert changes, "the demo's later version changes the text"
    words = {"added": "Added", "removed": "Removed", "changed": "Changed"}
    for change in changes:
        assert f"<b>{words[change.kind]}</b>" in shown


def test_note_change_lines_say_what_was_added_removed_and_changed():
    before = "## Offer\n- 10% off\n- Free pilot\nOld closing line"
    after = "## Offer\n- 20% off\n- Free pilot\n- Local support"
    changes = notes_feed.note_change_lines(before, after)
    assert [(c.kind, c.before, c.after) for c in changes] == [
        ("changed", "- 10% off", "- 20% off"), ("changed", "Old closing line", "- Local support")]
    assert notes_feed.note_change_lines("a", "a\nb") == [notes_feed.NoteChange("added", None, "b")]
    assert notes_feed.note_change_lines("a\nb", "a") == [notes_feed.NoteChange("removed", "b", None)]
    assert notes_feed.note_change_lines(None, "anything") == []


def test_the_feedback_inbox_opens_only_the_first_unanswered_item(app):
    at = signed_in("jiwoo.choi")
    open_page(at, "Feedback inbox")
    assert not at.exception, at.exception
    expanders = list(at.expander)
    assert len(expanders) > 3
    assert sum(1 for e in expanders if e.proto.expanded) == 1
    # The label is Markdown with its brackets escaped (data text is never Markdown); a person reads "[unanswered]".
    assert expanders[0].proto.expanded and "[unanswered]" in expanders[0].label.replace("\\", "")


def test_the_notes_editor_offers_a_preview_refresh(app):
    at = signed_in("jiwoo.choi")
    open_page(at, "Notes editor")
    body = next(t for t in at.text_area if t.label == "Markdown")
    body.input("**Preview me** now")
    refresh = next(b for b in at.button if b.label == "Update the preview")
    refresh.click().run()
    assert not at.exception, at.exception
    assert any("Preview me" in m.value for m in at.markdown)


# 4. Executive dashboard. -------------------------------------------------------------------

def test_the_default_period_is_never_a_single_day():
    from pages.dashboard import PRESETS, preset_period

    assert PRESETS[0] == "Last 30 days"
    for first_of_month in (date(2026, 12, 1), date(2027, 3, 1)):
        start, end = preset_period(PRESETS[0], first_of_month)
        assert (end - start).days + 1 == 30 and end == first_of_month


def test_changes_against_an_empty_previous_period_say_no_earlier_data(app):
    from sqlalchemy import func

    engine = _engine(app)
    with read_session(engine) as s:
        start = s.exec(select(func.min(Lead.created_at))).one().date()
    at = signed_in("hyunwoo.jung")
    open_page(at, "Executive dashboard")
    at.selectbox(key="dash_preset").select("Custom").run()
    at.date_input(key="dash_range").set_value((start, start + timedelta(days=60))).run()
    assert not at.exception, at.exception
    leads = next(t for t in kpi_tiles(at) if t.label == "Leads created")
    assert leads.value not in ("0", "—")        # leads now, none in the 61 days before the first one
    assert leads.delta == "no earlier data"     # not "+957"
    assert leads.tone == "off" and leads.arrow == ""   # grey, no arrow: nothing to compare with


def test_charts_have_readable_titles_and_the_funnel_no_repeated_step(app):
    import json

    at = signed_in("hyunwoo.jung")
    open_page(at, "Executive dashboard")
    raw = {"attributed_won_revenue", "attributed_cost", "bucket", "color", "KPI", "territory", "untouched_leads",
           "value", "target_attainment", "win_rate", "sla_compliance", "segment", "ltv"}
    from pages.dashboard import CHARTS_KEY

    charts = []
    for tab in ("Funnel and revenue", "Territories", "Campaigns and response", "Lifetime value"):   # lazy tabs
        at.session_state[CHARTS_KEY] = tab
        at.run()
        charts += at.get("plotly_chart")
    assert len(charts) == 7
    titles = []
    for chart in charts:
        spec = json.loads(chart.proto.spec)
        layout = spec.get("layout", {})
        for axis in ("xaxis", "yaxis"):
            titles.append(((layout.get(axis) or {}).get("title") or {}).get("text"))
        titles.append(((layout.get("legend") or {}).get("title") or {}).get("text"))
        for trace in spec.get("data", []):
            if trace.get("type") == "funnel":
                assert "Opportunities" not in trace["y"] and len(set(trace["y"])) == len(trace["y"])
            if trace.get("type") == "bar" and trace.get("name") in raw:
                titles.append(trace["name"])
    assert not raw & set(titles), raw & set(titles)


# 6. Black hole: spend shown, tiles whole, revenue columns first. ----------------------------

def test_the_black_hole_shows_spend_whole_tiles_and_revenue_first(app):
    at = signed_in("jiwoo.choi")
    open_page(at, "Black hole")
    campaign_id = at.selectbox(key="bh_campaign").value
    with read_session(_engine(app)) as s:
        campaign = s.get(Campaign, campaign_id)
    assert campaign.actual_cost is not None or campaign.budget is not None
    labels = [m.label for m in at.metric]
    assert labels[0] in ("Spend", "Budget (no actual cost yet)") and labels[-1] == "Won revenue"
    for metric in at.metric:  # short money on tiles ("₩36.0M"), never a long exact amount to be cut
        assert len(metric.value) <= 9, metric.value
    columns = list(at.dataframe[0].value.columns)
    assert columns[:3] == ["Territory", "Won revenue", "Won deals"], columns
