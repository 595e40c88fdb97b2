"""Campaigns and events: list, create, edit, cancel (marketers and admins).

A page file: app.py registers it with st.navigation (see ui/standalone.py).
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

import streamlit as st

from models.types import local_today
from models.enums import CampaignStatus, Channel, EventKind, EventStatus, Role, Segment
from queries import marketing
from services import campaigns
from services.campaigns import CampaignInput, EventInput
from services.markdown_safety import escape_markdown as md
from ui.actions import run_write_then_rerun, show_flash
from ui.field_widgets import business_settings, page_offset, pager
from ui.format import day, money, when
from ui.reads import cached_read, fresh_read, shared_read
from ui.session import require_viewer
from ui.labels import label
from ui.tables import dataframe
from i18n import N_, _

MARKETING = (Role.marketer, Role.admin)
ALL_LABEL = "(all)"
CREATED_KEY = "cmp_created"
CAMPAIGN_PAGE = 25


def _all_or_label(value) -> str:
    return _("All") if value == ALL_LABEL else label(value)


def _filters(territories) -> dict:
    cols = st.columns([2, 1, 1, 1])
    search = cols[0].text_input(_("Search"), key="cmp_search", placeholder=_("name or code"))
    status = cols[1].selectbox(_("Status"), [ALL_LABEL, *CampaignStatus], key="cmp_status", format_func=_all_or_label)
    channel = cols[2].selectbox(_("Channel"), [ALL_LABEL, *Channel], key="cmp_channel", format_func=_all_or_label)
    names = {t.id: t.name for t in territories}
    territory = cols[3].selectbox(_("Territory"), [None, *names], format_func=lambda t: names.get(t, _("All")),
                                  key="cmp_territory")
    return dict(search=search, status=None if status == ALL_LABEL else status,
                channel=None if channel == ALL_LABEL else channel, territory_id=territory)


def _campaign_table(page, currency: str) -> None:
    dataframe([{_("Code"): r.code, _("Name"): r.name, _("Channel"): label(r.channel, Channel), _("Status"): label(r.status, CampaignStatus),
                _("Start"): day(r.start_date), _("End"): day(r.end_date),
                _("Budget"): money(r.budget, currency), _("Actual cost"): money(r.actual_cost, currency),
                _("Owner"): r.owner or "", _("Events"): r.events, _("Leads"): r.leads} for r in page.rows],
              hide_index=True, width="stretch")
    pager(page, "cmp_page", noun=N_("campaigns"))


def _campaign_form(key: str, territories, owners, current=None, targets=(), *, today: date) -> CampaignInput | None:
    names = {t.id: t.name for t in territories}
    owner_names = dict(owners)
    with st.form(key):
        c1, c2 = st.columns(2)
        name = c1.text_input(_("Name"), value=current.name if current else "", key=f"{key}_name")
        code = c2.text_input(_("Code (optional)"), value=current.code if current else "", max_chars=64,
                             key=f"{key}_code")
        c1, c2, c3 = st.columns(3)
        channel = c1.selectbox(_("Channel"), list(Channel), index=list(Channel).index(current.channel) if current else 0,
                               format_func=label,
                               key=f"{key}_channel")
        statuses = [s for s in CampaignStatus if s != CampaignStatus.cancelled]
        status = c2.selectbox(_("Status"), statuses, index=statuses.index(current.status) if current else 0, format_func=label,
                              key=f"{key}_status")
        segments = [None, *Segment]
        segment = c3.selectbox(_("Target segment"), segments, format_func=lambda s: label(s) if s else _("Any segment"),
                               index=segments.index(current.target_segment) if current else 0, key=f"{key}_segment")
        chosen = st.multiselect(_("Target territories (none = every territory)"), list(names), default=list(targets),
                                format_func=names.get, key=f"{key}_territories",
                                placeholder=_("Every territory"))
        c1, c2 = st.columns(2)
        start = c1.date_input(_("Start date"), value=current.start_date if current else today, format="YYYY-MM-DD",
                              key=f"{key}_start")
        end = c2.date_input(_("End date"), value=current.end_date if current else today + timedelta(days=30),
                            format="YYYY-MM-DD", key=f"{key}_end")
        c1, c2, c3 = st.columns(3)
        budget = c1.text_input(_("Budget"), value="" if not current or current.budget is None else str(current.budget),
                               key=f"{key}_budget")
        cost = c2.text_input(_("Actual cost"),
                             value="" if not current or current.actual_cost is None else str(current.actual_cost),
                             key=f"{key}_cost")
        owner_ids = list(owner_names)
        owner = c3.selectbox(_("Owner"), [None, *owner_ids], format_func=lambda o: owner_names.get(o, _("Me")),
                             index=(owner_ids.index(current.owner_id) + 1)
                             if current and current.owner_id in owner_names else 0, key=f"{key}_owner")
        objective = st.text_area(_("Objective"), value=(current.objective or "") if current else "", key=f"{key}_objective")
        if not st.form_submit_button(_("Save campaign") if current else _("Create campaign"), type="primary"):
            return None
    return CampaignInput(name=name, code=code or None, channel=channel, status=status, target_segment=segment,
                         territory_ids=chosen, start_date=start, end_date=end, budget=budget or None,
                         actual_cost=cost or None, owner_id=owner, objective=objective)


def _event_form(key: str, campaign_targets: list[int], territories, tz) -> EventInput | None:
    allowed = [t for t in territories if not campaign_targets or t.id in campaign_targets]
    names = {t.id: t.name for t in allowed}
    with st.form(key, clear_on_submit=True):
        c1, c2, c3 = st.columns(3)
        title = c1.text_input(_("Event title"), key=f"{key}_title")
        kind = c2.selectbox(_("Kind"), list(EventKind), format_func=label, key=f"{key}_kind")
        territory = c3.selectbox(_("Territory"), list(names), format_func=names.get, key=f"{key}_territory")
        c1, c2, c3, c4 = st.columns(4)
        start_day = c1.date_input(_("Starts on"), value=local_today(tz) + timedelta(days=7), format="YYYY-MM-DD",
                                  key=f"{key}_start_day")
        start_time = c2.time_input(_("at"), value=time(14, 0), key=f"{key}_start_time")
        end_day = c3.date_input(_("Ends on"), value=local_today(tz) + timedelta(days=7), format="YYYY-MM-DD",
                                key=f"{key}_end_day")
        end_time = c4.time_input(_("until"), value=time(17, 0), key=f"{key}_end_time")
        c1, c2 = st.columns([3, 1])
        venue = c1.text_input(_("Venue"), key=f"{key}_venue")
        capacity = c2.number_input(_("Capacity"), min_value=0, value=None, step=10, key=f"{key}_capacity")
        if not st.form_submit_button(_("Add event"), type="primary"):
            return None
    return EventInput(title=title, kind=kind, territory_id=territory, venue=venue,
                      starts_at=datetime.combine(start_day, start_time, tzinfo=tz),
                      ends_at=datetime.combine(end_day, end_time, tzinfo=tz),
                      capacity=None if capacity is None else int(capacity))


def _events_section(viewer, campaign, targets, territories, settings) -> None:
    st.subheader(_("Events of {name}").format(name=md(campaign.name)))
    events = cached_read(marketing.events_of_campaign, viewer, campaign_id=campaign.id)
    if events:
        dataframe([{_("Code"): e.code, _("Title"): e.title, _("Kind"): label(e.kind, EventKind), _("Territory"): e.territory,
                    _("Venue"): e.venue or "", _("Starts"): when(e.starts_at, settings.tz),
                    _("Ends"): when(e.ends_at, settings.tz), _("Capacity"): e.capacity, _("Status"): label(e.status, EventStatus),
                    _("Leads"): e.leads} for e in events], hide_index=True, width="stretch")
    else:
        st.caption(_("No events yet."))
    if campaign.status == CampaignStatus.cancelled:
        return
    # Drawn only while open (on_change="rerun"): closed, the form's 24 elements were a third of every
    # rerun of the page (bench/README.md, thirteenth session). A campaign without events yet, a
    # campaign just created for instance, finds it open. The open state lives in the session, as
    # the calendar-address panel's (pages/territory_events.py).
    open_key = f"cmp_new_event_open_{campaign.id}"
    if open_key not in st.session_state:
        st.session_state[open_key] = not events
    panel = st.expander(_("Add an event"), icon=":material/event:", key=open_key, on_change="rerun")
    if panel.open:
        with panel:
            data = _event_form(f"new_event_{campaign.id}", targets, territories, settings.tz)
        if data is not None:
            run_write_then_rerun(lambda s: campaigns.create_event(viewer, campaign.id, data, session=s),
                                 lambda e: _("Event {code} added.").format(code=e.code))
    scheduled = {e.id: f"{e.code} · {e.title} · {when(e.starts_at, settings.tz)}"
                 for e in events if e.status == EventStatus.scheduled}
    if scheduled:
        _cancel_event(viewer, scheduled, campaign.id)


def _cancel_event(viewer, scheduled: dict[int, str], campaign_id: int) -> None:
    """Nothing is preselected; the button names the event and waits for an explicit yes."""
    chosen = st.selectbox(_("Cancel an event"), list(scheduled), index=None, format_func=scheduled.get,
                          placeholder=_("Choose the event to cancel"), key=f"cmp_cancel_event_{campaign_id}")
    if chosen is None:
        return
    confirm = st.checkbox(_("Yes, cancel {event}; reps' calendars will show it as cancelled")
                          .format(event=scheduled[chosen]), key=f"cmp_cancel_event_ok_{chosen}")
    if st.button(_("Cancel this event"), disabled=not confirm, key=f"cmp_cancel_event_btn_{chosen}"):
        run_write_then_rerun(lambda s: campaigns.cancel_event(viewer, chosen, session=s),
                             _("Event {event} cancelled; reps' calendars show it as cancelled.")
                             .format(event=scheduled[chosen]))


def _edit_form(viewer, campaign, targets, territories, owners, settings) -> None:
    data = _campaign_form(f"edit_campaign_{campaign.id}_{campaign.version}", territories, owners,
                          current=campaign, targets=targets, today=local_today(settings.tz))
    if data is not None:
        run_write_then_rerun(lambda s: campaigns.update_campaign(viewer, campaign.id, data, session=s,
                                                                 expected_version=campaign.version),
                             _("Campaign {code} saved.").format(code=campaign.code))
    confirm = st.checkbox(_("Yes, cancel this campaign and its scheduled events"), key=f"cmp_cancel_ok_{campaign.id}")
    if st.button(_("Cancel campaign"), disabled=not confirm, key=f"cmp_cancel_{campaign.id}"):
        run_write_then_rerun(lambda s: campaigns.cancel_campaign(viewer, campaign.id, session=s),
                             _("Campaign {code} cancelled.").format(code=campaign.code))


def _edit_section(viewer, page, territories, owners, settings) -> None:
    if not page.rows and CREATED_KEY not in st.session_state:
        return
    labels = {r.id: f"{r.code} · {r.name}" for r in page.rows}
    created = st.session_state.pop(CREATED_KEY, None)
    if created is not None:  # open what was just created, even when the filters or the page hide it
        row = fresh_read(marketing.campaign_row, viewer, created)
        if row is not None:
            labels = {row.id: f"{row.code} · {row.name}", **labels}
            st.session_state["cmp_open"] = row.id
    elif st.session_state.get("cmp_open") not in labels:
        st.session_state.pop("cmp_open", None)
    chosen = st.selectbox(_("Open a campaign"), list(labels), format_func=labels.get, key="cmp_open")
    # Fresh, not cached: the edit form starts from the campaign's current version (and its targets).
    campaign, targets = fresh_read(marketing.campaign_for_edit, viewer, chosen)
    if campaign.status == CampaignStatus.cancelled:
        st.warning(_("Campaign {code} is cancelled; it can no longer be edited.").format(code=md(campaign.code)))
    else:
        edit = st.expander(_("Edit {code}").format(code=md(campaign.code)), expanded=False,
                           key=f"cmp_edit_open_{campaign.id}", on_change="rerun")
        if edit.open:   # a closed form is not drawn (on_change="rerun": opening it reruns the page)
            with edit:
                _edit_form(viewer, campaign, targets, territories, owners, settings)
    _events_section(viewer, campaign, targets, territories, settings)


def _new_campaign(viewer, territories, owners, settings) -> None:
    data = _campaign_form("new_campaign", territories, owners, today=local_today(settings.tz))
    if data is not None:
        created = run_write_then_rerun(lambda s: campaigns.create_campaign(viewer, data, session=s),
                                       lambda c: _("Campaign {code} created.").format(code=c.code),
                                       rerun=False)
        if created is not None:
            st.session_state[CREATED_KEY] = created.id
            st.rerun()


def render() -> None:
    viewer = require_viewer(*MARKETING)
    st.title(_("Campaigns & events"))
    show_flash()
    settings = business_settings()
    # The choices and the list come through the cache (this process's writes show at once, other
    # processes' within the cache's lifetime); what the edit form starts from is read fresh.
    territories = shared_read(marketing.territories)
    owners = cached_read(marketing.campaign_owners, viewer)
    new = st.expander(_("New campaign"), expanded=False, key="cmp_new_open", on_change="rerun")
    if new.open:        # drawn only while open: a closed form cost every rerun of the page its widgets
        with new:
            _new_campaign(viewer, territories, owners, settings)
    filters = _filters(territories)
    offset = page_offset("cmp_page", tuple(filters.items()), CAMPAIGN_PAGE)
    page = cached_read(marketing.list_campaigns, viewer, limit=CAMPAIGN_PAGE, offset=offset, **filters)
    _campaign_table(page, settings.currency)
    _edit_section(viewer, page, territories, owners, settings)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
