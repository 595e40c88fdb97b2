"""Territory events: what marketing runs in my territory — running now, next 7/30 days, past 30
days — as a list and a month calendar, with each campaign's latest published note, the campaigns
without a local event, an .ics download and the private calendar address a
calendar app subscribes to.

A page file: app.py registers it with st.navigation (see ui/standalone.py)."""
from __future__ import annotations

from datetime import date

import streamlit as st

from models.enums import EventKind, Role
from models.timefmt import local_date
from models.types import utcnow
from queries import registrations as registrations_q
from queries import territory_events as events_q
from queries.field_common import viewer_territory_name
from queries.territory_events import WINDOW_LABELS, EventWindow
from i18n import N_, _, ngettext
from models.enums import CampaignStatus, Channel, RegistrationStatus
from services import calendar_feed
from services.markdown_safety import escape_markdown as md
from ui.actions import run_write
from ui.reads import cached_read, fresh_read
from ui.field_widgets import business_settings, lazy_tabs, page_offset, pager
from ui import month_calendar
from ui.format import day, when
from ui.markdown import show_markdown
from ui.labels import label, labeller
from ui.session import require_viewer
from ui.tables import dataframe

PAGE_SIZE = 10
ALL_CAMPAIGNS = N_("All campaigns")


def _event_card(event, tz) -> None:
    # One markdown block for the card's text (title, kind and campaign, when, venue, capacity)
    # instead of a caption, three columns and three writes: a page of ten cards drew ~120
    # elements, and every element is a message to the browser on every rerun (bench/README.md).
    with st.container(border=True):
        cancelled = event.status == "cancelled"
        cancelled_mark = _("CANCELLED")
        details = " · ".join((
            _("**When** {starts_at} – {ends_at}").format(starts_at=when(event.starts_at, tz), ends_at=when(event.ends_at, tz)),
            _("**Venue** {venue}").format(venue=md(event.venue or '—')),
            _("**Capacity** {value}").format(value=event.capacity if event.capacity is not None else '—')))
        st.markdown(f"**{md(event.title)}**" + (f"  ·  :red[{cancelled_mark}]" if cancelled else "") + "  \n"
                    + f":small[:gray[{label(event.kind, EventKind)} · {md(event.campaign_name)} ({md(event.campaign_code)})]]"
                    + "  \n" + details)
        _latest_note(event.note, tz, key=f"ev_note_{event.id}")


def _latest_note(note, tz, key: str) -> None:
    if note is None:
        st.caption(_("No published note for this campaign yet."))
        return
    # Lazy (on_change="rerun"): a closed note's body is neither rendered nor sent on every rerun.
    note_box = st.expander(_("Latest note: {title} (v{version}, {published_at})").format(
        title=md(note.title), version=note.version, published_at=when(note.published_at, tz)),
        key=key, on_change="rerun")
    if note_box.open:
        with note_box:
            show_markdown(note.body_md)


def _filters(viewer):
    campaigns = cached_read(events_q.territory_campaigns, viewer)
    labels = {_(ALL_CAMPAIGNS): None} | {f"{c.name} ({c.code})": c.id for c in campaigns}
    window = st.segmented_control(_("When"), list(EventWindow), format_func=lambda w: _(WINDOW_LABELS[w]),
                                  default=EventWindow.next_30_days, key="ev_window") or EventWindow.next_30_days
    cols = st.columns(2)
    kinds = cols[0].multiselect(_("Kind"), [k.value for k in EventKind], key="ev_kinds",
                                format_func=labeller(EventKind), placeholder=_("All kinds"))
    campaign_id = labels[cols[1].selectbox(_("Campaign"), list(labels), key="ev_campaign")]
    return EventWindow(window), tuple(sorted(kinds)), campaign_id


def _event_list(viewer, window, kinds, campaign_id, tz) -> None:
    offset = page_offset("ev_page", (window, kinds, campaign_id), PAGE_SIZE)
    result = cached_read(events_q.events_for, viewer, window=window, kinds=kinds, campaign_id=campaign_id,
                         limit=PAGE_SIZE, offset=offset)
    if not result.rows:
        st.info(_("No events of your territory — {lower}.").format(lower=_(WINDOW_LABELS[window]).lower()))
        return
    for event in result.rows:
        _event_card(event, tz)
    pager(result, "ev_page", N_("events"))


def _month_calendar(viewer, kinds, campaign_id, tz) -> None:
    today = local_date(utcnow(), tz)
    shown = st.session_state.setdefault("ev_month", date(today.year, today.month, 1))

    def move(months: int) -> None:
        m = shown.month - 1 + months
        st.session_state["ev_month"] = date(shown.year + m // 12, m % 12 + 1, 1)

    cols = st.columns([1, 3, 1])
    cols[0].button(_("◀ Previous"), key="ev_prev_month", on_click=move, args=(-1,), width="stretch")
    cols[1].markdown(f"### {month_calendar.month_title(shown)}")
    cols[2].button(_("Next ▶"), key="ev_next_month", on_click=move, args=(1,), width="stretch")
    events = cached_read(events_q.month_events, viewer, year=shown.year, month=shown.month, kinds=kinds,
                         campaign_id=campaign_id)
    st.html(month_calendar.month_html(shown.year, shown.month, month_calendar.entries_by_day(events, tz), today))
    st.caption(ngettext("{n} event this month. Times in {time_zone}.", "{n} events this month. Times in {time_zone}.",
                        len(events)).format(n=len(events), time_zone=tz.key))


def _without_event(viewer, campaign_id, tz) -> None:
    campaigns = cached_read(events_q.campaigns_without_local_event, viewer, campaign_id=campaign_id)
    if not campaigns:
        st.caption(_("Every current campaign for your territory has an event here."))
        return
    for c in campaigns:
        with st.container(border=True):
            st.markdown(f"**{md(c.name)}** ({md(c.code)})")
            st.caption(_("{channel} · {status} · {start} – {end} · no event in your territory").format(
                channel=label(c.channel, Channel), status=label(c.status, CampaignStatus),
                start=day(c.start_date), end=day(c.end_date)))
            _latest_note(c.note, tz, key=f"ev_cnote_{c.id}")


def _ics_download(viewer, territory: str, time_zone: str) -> None:
    size = cached_read(events_q.calendar_feed_size, viewer)

    def data() -> str:
        # Read and built when the button is pressed, not on every rerun: folding every event's
        # lines was the page's largest own cost, and then reading the cached feed back (up to 500
        # events with their notes) on every rerun was (bench/README.md). The click does not rerun
        # the page (on_click="ignore"): the file is built on a thread beside any rerun, and a
        # rerun racing it lost the download under load.
        feed = fresh_read(events_q.calendar_feed, viewer)
        return calendar_feed.build_calendar(feed, now=utcnow(), name=calendar_feed.calendar_name(territory),
                                            time_zone=time_zone)

    st.download_button(_("Add to my calendar (.ics)"), data=data, file_name="onevoice-territory-events.ics",
                       mime="text/calendar", icon=":material/calendar_add_on:", key="ev_ics", on_click="ignore",
                       help=ngettext("{n} upcoming event of {territory}, cancelled ones included so your calendar "
                                     "removes it. A one-time copy: subscribe below to stay up to date.",
                                     "{n} upcoming events of {territory}, cancelled ones included so your calendar "
                                     "removes them. A one-time copy: subscribe below to stay up to date.",
                                     size).format(n=size, territory=md(territory)))


FEED_OPEN = "ev_feed_open"


def _subscription(viewer) -> None:
    """The private calendar address: shown with copy and webcal:// buttons, rotated on confirmation."""
    # Drawn only while open (on_change="rerun"), and only then is the address read fresh: closed, its
    # seven elements and a read session cost every rerun of the page (bench/README.md, eleventh
    # session). Someone without an address yet finds it open.
    # The open state lives in the session (not in ``expanded``, which is part of the widget's identity:
    # the panel would close when the address it was opened for is created).
    if FEED_OPEN not in st.session_state:
        st.session_state[FEED_OPEN] = cached_read(calendar_feed.current_token, viewer) is None
    panel = st.expander(_("Subscribe in Google Calendar, Outlook or Apple Calendar"), icon=":material/event_repeat:",
                        key=FEED_OPEN, on_change="rerun")
    if not panel.open:
        return
    token = fresh_read(calendar_feed.current_token, viewer)
    with panel:
        if token is None:
            st.caption(_("Your calendar app then shows your territory's events and updates them when they "
                         "move or are cancelled."))
            if st.button(_("Create my calendar address"), key="ev_feed_create", icon=":material/add_link:"):
                run_write(lambda s: calendar_feed.issue_token(viewer, session=s),
                          _("Your calendar address is ready."), rerun=True)
            return
        url = calendar_feed.feed_url(token)
        st.caption(_("Your private calendar address — keep it to yourself: anyone with it sees your "
                     "territory's events. Copy it into your calendar app (“From URL” / “Subscribe”)."))
        st.code(url, language=None)
        cols = st.columns(2)
        cols[0].link_button(_("Open in my calendar app (webcal://)"), calendar_feed.webcal_url(url),
                            icon=":material/calendar_month:", width="stretch")
        if not st.session_state.get("ev_rotate_confirm"):
            if cols[1].button(_("Rotate address…"), key="ev_feed_rotate", icon=":material/autorenew:",
                              width="stretch"):
                st.session_state["ev_rotate_confirm"] = True
                st.rerun()
            return
        st.warning(_("Rotating makes a new address; the old one stops working at once in every calendar "
                     "subscribed to it."))
        confirm, keep = st.columns(2)
        if confirm.button(_("Yes, rotate my address"), key="ev_feed_rotate_confirm", type="primary",
                          width="stretch"):
            st.session_state["ev_rotate_confirm"] = False
            run_write(lambda s: calendar_feed.issue_token(viewer, session=s, rotate=True),
                      _("New calendar address made; the old one no longer works."), rerun=True)
        if keep.button(_("Keep the current address"), key="ev_feed_rotate_cancel", width="stretch"):
            st.session_state["ev_rotate_confirm"] = False
            st.rerun()


def _account_registrations(viewer, tz) -> None:
    rows = cached_read(registrations_q.account_registrations, viewer)
    if not rows:
        st.caption(_("Nobody from your accounts has registered for your territory's recent or upcoming events."))
        return
    dataframe([{_("Event"): r.event_title, _("Starts"): when(r.starts_at, tz), _("Account"): r.account,
                _("Name"): r.contact_name or "", _("E-mail"): r.email, _("Status"): label(r.status, RegistrationStatus)} for r in rows],
              hide_index=True, width="stretch")


def render() -> None:
    viewer = require_viewer(Role.rep, Role.manager)
    settings = business_settings()
    territory = cached_read(viewer_territory_name, viewer)
    st.title(_("Territory events"))
    st.caption(_("Marketing in {territory} · times in {time_zone}").format(territory=md(territory), time_zone=settings.time_zone))
    window, kinds, campaign_id = _filters(viewer)
    _ics_download(viewer, territory, settings.time_zone)
    _subscription(viewer)
    # Only the chosen tab runs and is sent: drawing all four on every rerun was most of the page's
    # cost (bench/README.md).
    lazy_tabs("ev_tab", {
        _("List"): lambda: _event_list(viewer, window, kinds, campaign_id, settings.tz),
        _("Month calendar"): lambda: _month_calendar(viewer, kinds, campaign_id, settings.tz),
        _("Campaigns without a local event"): lambda: _without_event(viewer, campaign_id, settings.tz),
        _("Registered from my accounts"): lambda: _account_registrations(viewer, settings.tz)})


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
