"""My day: the landing page of every role, with live numbers from the database.

Every number is read through the pages' one cache (``ui.reads.cached_read``: keyed on the
viewer's scope, fresh after this process's writes, other processes' within the cache TTL), so a
rerun that changes nothing does not count the company's leads again (at large scale the counts
took half a second per rerun).

A page file: app.py registers it with st.navigation (see ui/standalone.py)."""
from __future__ import annotations

import streamlit as st

from i18n import _, ngettext
from models.enums import EventStatus, Role
from queries import home
from services.markdown_safety import escape_markdown as md
from ui.format import money, short_money, when
from ui.labels import label
from ui.reads import cached_read
from ui.field_widgets import business_settings
from ui.session import require_viewer
from ui.tables import dataframe


def _events_table(events, tz) -> None:
    if not events:
        st.caption(_("No events in the next 7 days."))
        return
    dataframe(
        [{_("Event"): e.title, _("Starts"): when(e.starts_at, tz), _("Venue"): e.venue or "", _("Ends"): when(e.ends_at, tz),
          _("Campaign"): e.campaign, _("Territory"): e.territory, _("Status"): label(e.status, EventStatus)} for e in events],
        hide_index=True, width="stretch")


def _field(viewer, settings) -> None:
    day = cached_read(home.field_day, viewer)
    # A wrapping row instead of five columns: on a phone columns stack into a screenful of
    # numbers, this keeps them two or three to a line.
    with st.container(horizontal=True, gap="medium"):
        st.metric(_("Overdue untouched leads"), day.overdue_untouched, width="content",
                  help=_("Assigned more than {sla_hours:g} h ago and not yet touched.").format(sla_hours=settings.sla_hours))
        st.metric(_("Due within 24 h"), day.due_today, width="content")
        st.metric(_("Open leads"), day.open_leads, width="content")
        st.metric(_("Unread notes"), day.unread_notes, width="content",
                  help=_("The current version of each campaign note for your territory that you have not marked as read."))
        st.metric(_("Open pipeline"), short_money(day.open_pipeline, settings.currency), width="content",
                  help=money(day.open_pipeline, settings.currency) + " · "
                  + ngettext("{n} open deal", "{n} open deals", day.open_deals).format(n=day.open_deals))
    if viewer.role is Role.manager and day.unassigned_in_territory:
        st.warning(ngettext("{n} lead of your territory waits to be routed to a rep.",
                            "{n} leads of your territory wait to be routed to a rep.",
                            day.unassigned_in_territory).format(n=day.unassigned_in_territory))
    st.subheader(_("Marketing events in your territory — next 7 days"))
    _events_table(day.upcoming, settings.tz)


def _marketing(viewer, settings) -> None:
    day = cached_read(home.marketing_day, viewer)
    cols = st.columns(5)
    cols[0].metric(_("Active campaigns"), day.active_campaigns)
    cols[1].metric(_("Leads in the last 7 days"), day.leads_last_7_days)
    cols[2].metric(_("Overdue untouched leads"), day.overdue_untouched,
                   help=_("Handed to sales, past the response deadline, never touched: the black hole."))
    cols[3].metric(_("Leads waiting for routing"), day.unrouted_leads)
    cols[4].metric(_("Unanswered field feedback"), day.unanswered_feedback)
    st.subheader(_("Events — next 7 days, all territories"))
    _events_table(day.upcoming, settings.tz)


def _admin(viewer, settings) -> None:
    day = cached_read(home.admin_day, viewer)
    cols = st.columns(3)
    cols[0].metric(_("Active users"), day.active_users)
    cols[1].metric(_("Disabled users"), day.disabled_users)
    cols[2].metric(_("Usernames locked out now"), day.locked_usernames)
    st.subheader(_("Latest audit entries"))
    dataframe([{_("When"): when(r[0], settings.tz), _("User"): r[1] or "", _("Action"): r[2], _("Entity"): r[3],
                _("Key"): r[4] or ""} for r in day.recent_audit], hide_index=True, width="stretch")


def render() -> None:
    viewer = require_viewer()
    settings = business_settings()
    st.title(_("My day — {display_name}").format(display_name=md(viewer.display_name)))
    st.caption(_("{title} · {territory_name} · times in {time_zone}").format(
        title=label(viewer.role), territory_name=md(cached_read(home.viewer_territory_name, viewer)),
        time_zone=settings.time_zone))
    if viewer.role in (Role.rep, Role.manager):
        _field(viewer, settings)
    elif viewer.role in (Role.marketer, Role.executive):
        _marketing(viewer, settings)
    else:
        _admin(viewer, settings)
        _marketing(viewer, settings)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
