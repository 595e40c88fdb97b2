"""Campaigns and events: list, create, edit, cancel (marketers and admins).

Page modules only define functions; app.py registers ``render`` with st.navigation.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import streamlit as st

from models.db import read_session
from models.types import local_today
from models.enums import CampaignStatus, Channel, EventKind, EventStatus, Role, Segment
from models.settings_store import load_settings
from queries import marketing
from services import campaigns
from services.campaigns import CampaignInput, EventInput
from ui.actions import run_write_then_rerun, show_flash
from ui.format import money, when
from ui.session import app_engine, require_viewer

MARKETING = (Role.marketer, Role.admin)
ALL_LABEL = "All"


def _filters(territories) -> dict:
    cols = st.columns([2, 1, 1, 1])
    search = cols[0].text_input("Search", key="cmp_search", placeholder="name or code")
    status = cols[1].selectbox("Status", [ALL_LABEL, *CampaignStatus], key="cmp_status")
    channel = cols[2].selectbox("Channel", [ALL_LABEL, *Channel], key="cmp_channel")
    names = {t.id: t.name for t in territories}
    territory = cols[3].selectbox("Territory", [None, *names], format_func=lambda t: names.get(t, ALL_LABEL),
                                  key="cmp_territory")
    return dict(search=search, status=None if status == ALL_LABEL else status,
                channel=None if channel == ALL_LABEL else channel, territory_id=territory)


def _campaign_table(page, currency: str) -> None:
    st.dataframe([{"Code": r.code, "Name": r.name, "Channel": r.channel, "Status": r.status,
                   "Start": r.start_date.isoformat(), "End": r.end_date.isoformat(),
                   "Budget": money(r.budget, currency), "Actual cost": money(r.actual_cost, currency),
                   "Owner": r.owner or "", "Events": r.events, "Leads": r.leads} for r in page.rows],
                 hide_index=True, width="stretch")
    st.caption(f"{page.total} campaigns · page {page.page} of {page.pages}")


def _campaign_form(key: str, territories, owners, current=None, targets=(), *, today: date) -> CampaignInput | None:
    names = {t.id: t.name for t in territories}
    owner_names = dict(owners)
    with st.form(key):
        c1, c2 = st.columns(2)
        name = c1.text_input("Name", value=current.name if current else "", key=f"{key}_name")
        code = c2.text_input("Code (optional)", value=current.code if current else "", max_chars=64,
                             key=f"{key}_code")
        c1, c2, c3 = st.columns(3)
        channel = c1.selectbox("Channel", list(Channel), index=list(Channel).index(current.channel) if current else 0,
                               key=f"{key}_channel")
        statuses = [s for s in CampaignStatus if s != CampaignStatus.cancelled]
        status = c2.selectbox("Status", statuses, index=statuses.index(current.status) if current else 0,
                              key=f"{key}_status")
        segments = [None, *Segment]
        segment = c3.selectbox("Target segment", segments, format_func=lambda s: s or "Any",
                               index=segments.index(current.target_segment) if current else 0, key=f"{key}_segment")
        chosen = st.multiselect("Target territories (none = every territory)", list(names), default=list(targets),
                                format_func=names.get, key=f"{key}_territories")
        c1, c2 = st.columns(2)
        start = c1.date_input("Start date", value=current.start_date if current else today, format="YYYY-MM-DD",
                              key=f"{key}_start")
        end = c2.date_input("End date", value=current.end_date if current else today + timedelta(days=30),
                            format="YYYY-MM-DD", key=f"{key}_end")
        c1, c2, c3 = st.columns(3)
        budget = c1.text_input("Budget", value="" if not current or current.budget is None else str(current.budget),
                               key=f"{key}_budget")
        cost = c2.text_input("Actual cost",
                             value="" if not current or current.actual_cost is None else str(current.actual_cost),
                             key=f"{key}_cost")
        owner_ids = list(owner_names)
        owner = c3.selectbox("Owner", [None, *owner_ids], format_func=lambda o: owner_names.get(o, "Me"),
                             index=(owner_ids.index(current.owner_id) + 1)
                             if current and current.owner_id in owner_names else 0, key=f"{key}_owner")
        objective = st.text_area("Objective", value=(current.objective or "") if current else "", key=f"{key}_objective")
        if not st.form_submit_button("Save campaign" if current else "Create campaign", type="primary"):
            return None
    return CampaignInput(name=name, code=code or None, channel=channel, status=status, target_segment=segment,
                         territory_ids=chosen, start_date=start, end_date=end, budget=budget or None,
                         actual_cost=cost or None, owner_id=owner, objective=objective)


def _event_form(key: str, campaign_targets: list[int], territories, tz) -> EventInput | None:
    allowed = [t for t in territories if not campaign_targets or t.id in campaign_targets]
    names = {t.id: t.name for t in allowed}
    with st.form(key, clear_on_submit=True):
        c1, c2, c3 = st.columns(3)
        title = c1.text_input("Event title", key=f"{key}_title")
        kind = c2.selectbox("Kind", list(EventKind), key=f"{key}_kind")
        territory = c3.selectbox("Territory", list(names), format_func=names.get, key=f"{key}_territory")
        c1, c2, c3, c4 = st.columns(4)
        start_day = c1.date_input("Starts on", value=local_today(tz) + timedelta(days=7), format="YYYY-MM-DD",
                                  key=f"{key}_start_day")
        start_time = c2.time_input("at", value=time(14, 0), key=f"{key}_start_time")
        end_day = c3.date_input("Ends on", value=local_today(tz) + timedelta(days=7), format="YYYY-MM-DD",
                                key=f"{key}_end_day")
        end_time = c4.time_input("until", value=time(17, 0), key=f"{key}_end_time")
        c1, c2 = st.columns([3, 1])
        venue = c1.text_input("Venue", key=f"{key}_venue")
        capacity = c2.number_input("Capacity", min_value=0, value=None, step=10, key=f"{key}_capacity")
        if not st.form_submit_button("Add event", type="primary"):
            return None
    return EventInput(title=title, kind=kind, territory_id=territory, venue=venue,
                      starts_at=datetime.combine(start_day, start_time, tzinfo=tz),
                      ends_at=datetime.combine(end_day, end_time, tzinfo=tz),
                      capacity=None if capacity is None else int(capacity))


def _events_section(viewer, campaign, territories, settings, session) -> None:
    st.subheader(f"Events of {campaign.name}")
    events = marketing.events_of_campaign(viewer, campaign.id, session=session)
    if events:
        st.dataframe([{"Code": e.code, "Title": e.title, "Kind": e.kind, "Territory": e.territory,
                       "Venue": e.venue or "", "Starts": when(e.starts_at, settings.tz),
                       "Ends": when(e.ends_at, settings.tz), "Capacity": e.capacity, "Status": e.status,
                       "Leads": e.leads} for e in events], hide_index=True, width="stretch")
    else:
        st.caption("No events yet.")
    if campaign.status == CampaignStatus.cancelled:
        return
    targets = marketing.campaign_target_ids(campaign.id, session=session)
    data = _event_form(f"new_event_{campaign.id}", targets, territories, settings.tz)
    if data is not None:
        run_write_then_rerun(lambda s: campaigns.create_event(viewer, campaign.id, data, session=s),
                  lambda e: f"Event {e.code} added.")
    scheduled = {e.id: f"{e.code} · {e.title}" for e in events if e.status == EventStatus.scheduled}
    if scheduled:
        c1, c2 = st.columns([3, 1])
        chosen = c1.selectbox("Cancel an event", list(scheduled), format_func=scheduled.get, key="cmp_cancel_event")
        if c2.button("Cancel event", key="cmp_cancel_event_btn"):
            run_write_then_rerun(lambda s: campaigns.cancel_event(viewer, chosen, session=s),
                      f"Event {scheduled[chosen]} cancelled; reps' calendars show it as cancelled.")


def _edit_section(viewer, page, territories, owners, settings, session) -> None:
    if not page.rows:
        return
    labels = {r.id: f"{r.code} · {r.name}" for r in page.rows}
    chosen = st.selectbox("Open a campaign", list(labels), format_func=labels.get, key="cmp_open")
    campaign = marketing.campaign_row(viewer, chosen, session=session)
    targets = marketing.campaign_target_ids(campaign.id, session=session)
    if campaign.status == CampaignStatus.cancelled:
        st.warning(f"Campaign {campaign.code} is cancelled; it can no longer be edited.")
    else:
        with st.expander(f"Edit {campaign.code}", expanded=False):
            data = _campaign_form(f"edit_campaign_{campaign.id}_{campaign.version}", territories, owners,
                                  current=campaign, targets=targets, today=local_today(settings.tz))
            if data is not None:
                run_write_then_rerun(lambda s: campaigns.update_campaign(viewer, campaign.id, data, session=s,
                                                              expected_version=campaign.version),
                          f"Campaign {campaign.code} saved.")
            confirm = st.checkbox("Yes, cancel this campaign and its scheduled events", key=f"cmp_cancel_ok_{chosen}")
            if st.button("Cancel campaign", disabled=not confirm, key=f"cmp_cancel_{chosen}"):
                run_write_then_rerun(lambda s: campaigns.cancel_campaign(viewer, campaign.id, session=s),
                          f"Campaign {campaign.code} cancelled.")
    _events_section(viewer, campaign, territories, settings, session)


def render() -> None:
    viewer = require_viewer(*MARKETING)
    st.title("Campaigns & events")
    show_flash()
    with read_session(app_engine()) as session:
        settings = load_settings(session=session)
        territories = marketing.territories(session=session)
        owners = marketing.campaign_owners(viewer, session=session)
        with st.expander("New campaign", expanded=False):
            data = _campaign_form("new_campaign", territories, owners, today=local_today(settings.tz))
            if data is not None:
                run_write_then_rerun(lambda s: campaigns.create_campaign(viewer, data, session=s),
                          lambda c: f"Campaign {c.code} created.")
        filters = _filters(territories)
        page_no = st.number_input("Page", min_value=1, value=1, step=1, key="cmp_page")
        page = marketing.list_campaigns(viewer, session=session, page=page_no, **filters)
        _campaign_table(page, settings.currency)
        _edit_section(viewer, page, territories, owners, settings, session)


if __name__ == "__main__":  # run on its own by Streamlit: see ui/standalone.py
    from ui.standalone import send_to_app

    send_to_app()
