"""The marketing workspace pages through the real app.py (AppTest), on the seeded demo database."""
from datetime import date, datetime, timezone

from sqlalchemy import func
from sqlmodel import select

from models.db import read_session
from models.enums import CampaignStatus, NoteStatus, Role
from models.tables import Campaign, CampaignNote, Event, Feedback, ImportBatch, Lead, Territory, User
from queries import black_hole
from queries.scope import load_viewer
from tests.apptest_support import all_text, open_page, registered_titles, signed_in
from tests.marketing_world import csv_bytes

MARKETING_TITLES = {"Campaigns & events", "Notes editor", "Import leads", "Lead routing", "Black hole", "Feedback inbox"}


def _ids(engine, model, column, *values):
    with read_session(engine) as s:
        return [s.exec(select(model.id).where(column == v)).one() for v in values]


def _started_campaign_with_leads(engine) -> str:
    """The name of the demo's started campaign with the most handed-over leads (the demo's names
    follow its dates, which follow the day it was made; tests look campaigns up by what they hold)."""
    with read_session(engine) as s:
        return s.exec(select(Campaign.name).join(Lead, Lead.campaign_id == Campaign.id)
                      .where(Campaign.status != "cancelled", Lead.assigned_at.is_not(None))
                      .group_by(Campaign.id, Campaign.name)
                      .order_by(func.count(Lead.id).desc(), Campaign.name).limit(1)).one()


def _marketer_on(title: str):
    at = signed_in("jiwoo.choi")
    open_page(at, title)
    assert not at.exception, at.exception
    return at


def test_marketing_pages_exist_for_marketers_and_admins_only(app_engine):
    assert MARKETING_TITLES <= registered_titles(signed_in("jiwoo.choi"))
    assert MARKETING_TITLES <= registered_titles(signed_in("admin"))
    assert registered_titles(signed_in("seoyeon.park")) & MARKETING_TITLES == {"Lead routing"}
    assert not registered_titles(signed_in("minjun.kim")) & MARKETING_TITLES
    assert not registered_titles(signed_in("hyunwoo.jung")) & MARKETING_TITLES


def test_campaigns_page_creates_a_campaign_and_an_event_and_reports_bad_input(app_engine):
    at = _marketer_on("Campaigns & events")
    sel, bsn = _ids(app_engine, Territory, Territory.code, "SEL", "BSN")
    assert "new_campaign_name" not in _keys(at)       # the closed "New campaign" form is not drawn
    at.session_state["cmp_new_open"] = True           # the marketer opens it
    at.run()
    at.text_input(key="new_campaign_name").input("AppTest Roadshow 서울")
    at.date_input(key="new_campaign_start").set_value(date(2027, 3, 1))
    at.date_input(key="new_campaign_end").set_value(date(2027, 2, 1))
    at.button(key="FormSubmitter:new_campaign-Create campaign").click().run()
    assert any("end date" in e.value for e in at.error)
    at.date_input(key="new_campaign_end").set_value(date(2027, 3, 31))
    at.multiselect(key="new_campaign_territories").set_value([sel, bsn])
    at.text_input(key="new_campaign_budget").input("1500000.25")
    at.button(key="FormSubmitter:new_campaign-Create campaign").click().run()
    assert not at.exception, at.exception
    with read_session(app_engine) as s:
        campaign = s.exec(select(Campaign).where(Campaign.name == "AppTest Roadshow 서울")).one()
    assert str(campaign.budget) == "1500000.25"
    assert any(f"Campaign {campaign.code} created." in m.value for m in at.success)
    at.text_input(key="cmp_search").input("AppTest Roadshow").run()
    at.selectbox(key="cmp_open").set_value(campaign.id).run()
    form = f"new_event_{campaign.id}"
    at.text_input(key=f"{form}_title").input("Seoul launch seminar")
    at.selectbox(key=f"{form}_territory").set_value(sel)
    at.date_input(key=f"{form}_start_day").set_value(date(2027, 3, 10))
    at.date_input(key=f"{form}_end_day").set_value(date(2027, 3, 10))
    at.button(key=f"FormSubmitter:{form}-Add event").click().run()
    assert not at.exception, at.exception
    with read_session(app_engine) as s:
        event = s.exec(select(Event).where(Event.campaign_id == campaign.id)).one()
    assert event.title == "Seoul launch seminar" and event.territory_id == sel
    assert event.starts_at == datetime(2027, 3, 10, 5, 0, tzinfo=timezone.utc)  # 14:00 in Seoul

    # Editing: the closed "Edit" form is not drawn; opened, it saves the campaign's new name.
    edit_name = f"edit_campaign_{campaign.id}_{campaign.version}_name"
    assert edit_name not in _keys(at)
    at.session_state[f"cmp_edit_open_{campaign.id}"] = True
    at.run()
    at.text_input(key=edit_name).input("AppTest Roadshow 서울 (renamed)")
    at.button(key=f"FormSubmitter:edit_campaign_{campaign.id}_{campaign.version}-Save campaign").click().run()
    assert not at.exception, at.exception
    with read_session(app_engine) as s:
        assert s.get(Campaign, campaign.id).name == "AppTest Roadshow 서울 (renamed)"


def test_notes_editor_publishes_a_version_and_renders_html_as_text(app_engine):
    at = _marketer_on("Notes editor")
    # The demo's names carry the year and season of the day it was seeded: find one by its family.
    with read_session(app_engine) as s:
        code = s.exec(select(Campaign.code).where(Campaign.name.like("Smart Factory Summit %"),
                                                   Campaign.status != CampaignStatus.cancelled)
                      .order_by(Campaign.start_date.desc())).first()
    at.text_input(key="notes_search").input(code).run()
    campaign_id = at.selectbox(key="notes_campaign").value
    with read_session(app_engine) as s:
        highest = s.exec(select(CampaignNote).where(CampaignNote.campaign_id == campaign_id)
                         .order_by(CampaignNote.version.desc())).first()
    # Publishing turns the working draft into its version, or publishes the next number.
    expected = 1 if highest is None else highest.version + (highest.status == NoteStatus.published)
    title_box = next(t for t in at.text_input if t.label == "Title")
    body_box = next(t for t in at.text_area if t.label == "Markdown")
    title_box.input("Winter talking points")
    body_box.input("**Offer**: 20% off\n\n<script>alert('x')</script>").run()
    assert not at.exception, at.exception
    rendered = "\n".join(m.value for m in at.markdown)
    assert "<script>" not in rendered and "&lt;script&gt;" in rendered
    publish = next(b for b in at.button if b.label.startswith("Publish v"))
    publish.click().run()
    assert not at.exception, at.exception
    with read_session(app_engine) as s:
        note = s.exec(select(CampaignNote).where(CampaignNote.campaign_id == campaign_id)
                      .order_by(CampaignNote.version.desc())).first()
    assert (note.version, note.status, note.title) == (expected, NoteStatus.published, "Winter talking points")
    assert any(f"Version v{note.version} published" in m.value for m in at.success)
    assert any("Target reps who have not read it" in m.value for m in at.markdown)


def test_lead_import_page_previews_imports_routes_and_undoes(app_engine):
    at = _marketer_on("Import leads")
    at.text_input(key="imp_search").input(_started_campaign_with_leads(app_engine)).run()
    rows = [["회사명", "이메일", "이름", "지역"],
            ["AppTest 물류", "a@apptest.example", "김하나", "SEL"],
            ["AppTest 전자", "b@apptest.example", "이둘", "BSN"],
            ["Bad Mail", "nope", "X", "SEL"],
            ["", "c@apptest.example", "Y", "SEL"]]
    at.file_uploader(key="imp_file").set_value(("attendees.csv", csv_bytes(rows, "cp949"), "text/csv")).run()
    assert not at.exception, at.exception
    assert any("CSV, cp949" in c.value for c in at.caption)
    next(b for b in at.button if b.label == "Check the file").click().run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Ready to import"] == "2" and metrics["Rows with problems"] == "2"
    assert "이메일: not a valid e-mail address 'nope'" in all_text(at)  # named by the file's own column
    next(b for b in at.button if b.label == "Import 2 leads").click().run()
    assert not at.exception, at.exception
    with read_session(app_engine) as s:
        batch = s.exec(select(ImportBatch).order_by(ImportBatch.id.desc())).first()
        leads = s.exec(select(Lead).where(Lead.import_batch_id == batch.id)).all()
        reps = {u.id: u for u in s.exec(select(User).where(User.role == Role.rep)).all()}
    assert batch.row_count == 2 and len(leads) == 2
    for lead in leads:  # each went to an active rep of its own territory
        assert reps[lead.assigned_to_id].territory_id == lead.territory_id
    downloads = [d for d in at.get("download_button") if "rejected rows" in d.label]
    assert downloads, "the rejects download is offered"
    at.selectbox(key="imp_undo_batch").set_value(batch.id).run()
    at.checkbox(key=f"imp_undo_ok_{batch.id}").check().run()
    next(b for b in at.button if b.label == "Undo import").click().run()
    with read_session(app_engine) as s:
        assert s.exec(select(func.count(Lead.id)).where(Lead.import_batch_id == batch.id)).one() == 0
        assert s.get(ImportBatch, batch.id).undone_at is not None


def test_a_manager_routes_only_their_territorys_unassigned_leads(app_engine):
    at = signed_in("seoyeon.park")
    open_page(at, "Lead routing")
    assert not at.exception, at.exception
    sel = _ids(app_engine, Territory, Territory.code, "SEL")[0]
    with read_session(app_engine) as s:
        expected = s.exec(select(func.count(Lead.id)).where(Lead.assigned_to_id.is_(None), Lead.territory_id == sel,
                                                            Lead.status.in_(["new", "working", "qualified"]))).one()
        lead_id = at.selectbox(key="rt_lead").value
        assert s.get(Lead, lead_id).territory_id == sel
    assert {m.label: m.value for m in at.metric}["Unassigned leads"] == str(expected)
    next(b for b in at.button if b.label == "Route lead").click().run()
    assert not at.exception, at.exception
    with read_session(app_engine) as s:
        lead = s.get(Lead, lead_id)
        rep = s.get(User, lead.assigned_to_id)
    assert rep.territory_id == sel and rep.role == Role.rep and rep.active


def test_black_hole_page_shows_the_kpi_numbers_of_the_campaign(app_engine):
    at = _marketer_on("Black hole")
    at.text_input(key="bh_search").input(_started_campaign_with_leads(app_engine)).run()
    assert not at.exception, at.exception
    campaign_id = at.selectbox(key="bh_campaign").value
    with read_session(app_engine) as s:
        viewer = load_viewer("jiwoo.choi", session=s)
        view = black_hole.black_hole(viewer, campaign_id, session=s)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Leads handed over"] == f"{view.total.leads_assigned:,}"
    assert metrics["Overdue, never touched"] == f"{view.total.untouched_leads:,}"
    assert view.total.leads_assigned > 0


def test_feedback_inbox_answers_the_first_unanswered_item(app_engine):
    at = _marketer_on("Feedback inbox")
    answer_box = next(t for t in at.text_area if t.key and t.key.startswith("fb_answer_"))
    feedback_id = int(answer_box.key.rsplit("_", 1)[1])
    with read_session(app_engine) as s:
        assert s.get(Feedback, feedback_id).answer is None  # unanswered first
    answer_box.input("Thanks — the price floor is 10%.")
    at.button(key=f"fb_send_{feedback_id}").click().run()
    assert not at.exception, at.exception
    with read_session(app_engine) as s:
        row = s.get(Feedback, feedback_id)
    assert row.answer == "Thanks — the price floor is 10%." and row.answered_at is not None


def test_rejects_csv_is_formula_safe_through_the_page(app_engine):
    at = _marketer_on("Import leads")
    at.text_input(key="imp_search").input(_started_campaign_with_leads(app_engine)).run()
    data = csv_bytes([["Company", "Email"], ["=1+2", "bad"]])
    at.file_uploader(key="imp_file").set_value(("evil.csv", data, "text/csv")).run()
    next(b for b in at.button if b.label == "Check the file").click().run()
    assert not at.exception, at.exception
    assert {m.label: m.value for m in at.metric}["Rows with problems"] == "1"
    import_button = next(b for b in at.button if b.label == "Import 0 leads")
    assert import_button.disabled


def test_pages_refuse_a_rep_even_if_called_directly(app_engine, monkeypatch):
    """require_viewer stops a page for a role it is not for (defence behind the navigation)."""
    from streamlit.testing.v1 import AppTest

    script = ("from tests.apptest_support import *\n"
              "import streamlit as st\n"
              "from queries.scope import Viewer\n"
              "from models.enums import Role\n"
              "st.session_state['ov_viewer'] = Viewer(1, 'r', 'R', Role.rep, 1)\n"
              "from pages.lead_import import render\n"
              "render()\n")
    at = AppTest.from_string(script, default_timeout=30).run()
    assert [e.value for e in at.error] == ["This page is not available to you."]
    assert not [t for t in at.title]


def test_rejections_chart_stacks_one_bar_per_reason_with_the_counts_of_the_query(app_engine):
    import json

    import pandas as pd

    from i18n import use_language
    from queries import handoff_answers
    from ui.handoff_widgets import rejection_reasons_figure

    frame = pd.DataFrame([("C1", "Spring <b>promo</b>", "duplicate", 3), ("C1", "Spring <b>promo</b>", "too_early", 2),
                          ("C2", "Expo", "duplicate", 1)], columns=["campaign", "name", "reason", "rejections"])
    with use_language("ko"):
        fig = rejection_reasons_figure(frame)
    assert fig.layout.barmode == "relative" and fig.layout.xaxis.title.text == "캠페인"
    bars = {t.name: dict(zip(t.x, t.y)) for t in fig.data}
    assert bars == {"중복": {"C1": 3, "C2": 1}, "시기상조": {"C1": 2}}, bars
    assert rejection_reasons_figure(frame.iloc[0:0]) is None

    at = _marketer_on("Black hole")
    assert not at.exception, at.exception
    with read_session(app_engine) as s:
        viewer = load_viewer("jiwoo.choi", session=s)
        expected = handoff_answers.rejection_reasons_by_campaign(viewer, session=s)
    assert not expected.empty        # the demo has rejections
    chart = next(c for c in at.get("plotly_chart") if "customdata" in c.proto.spec)
    shown = {(x, trace["name"]): int(y) for trace in json.loads(chart.proto.spec)["data"]
             for x, y in zip(trace["x"], _values(trace["y"]))}
    assert sum(shown.values()) == int(expected["rejections"].sum())
    assert len(shown) == len(expected)


def _values(column):
    """A Plotly spec's array: a list, or typed binary ({"dtype", "bdata"}) as Plotly 6+ writes numbers."""
    if isinstance(column, dict):
        import base64

        import numpy as np

        return np.frombuffer(base64.b64decode(column["bdata"]), dtype=column["dtype"]).tolist()
    return column


def _keys(at) -> set:
    return {w.key for w in at.text_input}


def test_the_add_event_form_is_drawn_closed_for_a_campaign_with_events_and_opens(app_engine):
    """A campaign that already has events shows its events and a closed "Add an event" panel (the
    form is not drawn); opening the panel draws the form. A campaign without events finds it open
    (the test above adds an event to a new campaign without opening anything)."""
    with read_session(app_engine) as s:
        campaign = s.exec(select(Campaign).join(Event, Event.campaign_id == Campaign.id)
                          .where(Campaign.status != CampaignStatus.cancelled)
                          .order_by(Campaign.id).limit(1)).first()
    at = _marketer_on("Campaigns & events")
    at.text_input(key="cmp_search").input(campaign.code).run()
    at.selectbox(key="cmp_open").set_value(campaign.id).run()
    assert not at.exception, at.exception
    form = f"new_event_{campaign.id}"
    assert not any((t.key or "").startswith(form) for t in at.text_input)
    assert any(e.label == "Add an event" for e in at.expander)
    at.session_state[f"cmp_new_event_open_{campaign.id}"] = True     # the marketer opens it
    at.run()
    assert any(t.key == f"{form}_title" for t in at.text_input)
