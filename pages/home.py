"""My day: the landing page of every role, with live numbers from the database.

Page modules only define functions; app.py registers ``render`` with st.navigation."""
from __future__ import annotations

import streamlit as st

from i18n import _
from models.db import read_session
from models.enums import Role
from models.settings_store import load_settings
from queries import home
from services.markdown_safety import escape_markdown as md
from ui.format import short_money, when
from ui.session import app_engine, require_viewer


def _events_table(events, tz) -> None:
    if not events:
        st.caption("No events in the next 7 days.")
        return
    st.dataframe(
        [{_("Event"): e.title, _("Starts"): when(e.starts_at, tz), _("Venue"): e.venue or "", _("Ends"): when(e.ends_at, tz),
          _("Campaign"): e.campaign, _("Territory"): e.territory, _("Status"): e.status} for e in events],
        hide_index=True, width="stretch")


def _field(viewer, session, settings) -> None:
    day = home.field_day(viewer, session=session)
    # A wrapping row instead of five columns: on a phone columns stack into a screenful of
    # numbers, this keeps them two or three to a line.
    with st.container(horizontal=True, gap="medium"):
        st.metric(_("Overdue untouched leads"), day.overdue_untouched, width="content",
                  help=_("Assigned more than {hours} h ago and not yet touched.").format(hours=f"{settings.sla_hours:g}"))
        st.metric(_("Due within 24 h"), day.due_today, width="content")
        st.metric(_("Open leads"), day.open_leads, width="content")
        st.metric(_("Unread notes"), day.unread_notes, width="content",
                  help=_("The current version of each campaign note for your territory that you have not marked as read."))
        st.metric(_("Open pipeline"), short_money(day.open_pipeline, settings.currency), width="content",
                  help=_("{n} open deals").format(n=day.open_deals))
    if viewer.role is Role.manager and day.unassigned_in_territory:
        st.warning(f"{day.unassigned_in_territory} leads of your territory wait to be routed to a rep.")
    st.subheader("Marketing events in your territory — next 7 days")
    _events_table(day.upcoming, settings.tz)


def _marketing(viewer, session, settings) -> None:
    day = home.marketing_day(viewer, session=session)
    cols = st.columns(5)
    cols[0].metric("Active campaigns", day.active_campaigns)
    cols[1].metric("Leads in the last 7 days", day.leads_last_7_days)
    cols[2].metric("Overdue untouched leads", day.overdue_untouched,
                   help="Handed to sales, past the response deadline, never touched: the black hole.")
    cols[3].metric("Leads waiting for routing", day.unrouted_leads)
    cols[4].metric("Unanswered field feedback", day.unanswered_feedback)
    st.subheader("Events — next 7 days, all territories")
    _events_table(day.upcoming, settings.tz)


def _admin(viewer, session, settings) -> None:
    day = home.admin_day(viewer, session=session)
    cols = st.columns(3)
    cols[0].metric("Active users", day.active_users)
    cols[1].metric("Disabled users", day.disabled_users)
    cols[2].metric("Usernames locked out now", day.locked_usernames)
    st.subheader("Latest audit entries")
    st.dataframe([{"When": when(r[0], settings.tz), "User": r[1] or "", "Action": r[2], "Entity": r[3],
                   "Key": r[4] or ""} for r in day.recent_audit], hide_index=True, width="stretch")


def render() -> None:
    viewer = require_viewer()
    engine = app_engine()
    with read_session(engine) as session:
        settings = load_settings(session=session)
        st.title(f"My day — {md(viewer.display_name)}")
        st.caption(f"{viewer.role.value.title()} · {md(home.territory_name(viewer.territory_id, session=session))} · "
                   f"times in {settings.time_zone}")
        if viewer.role in (Role.rep, Role.manager):
            _field(viewer, session, settings)
        elif viewer.role in (Role.marketer, Role.executive):
            _marketing(viewer, session, settings)
        else:
            _admin(viewer, session, settings)
            _marketing(viewer, session, settings)


if __name__ == "__main__":  # run on its own by Streamlit: see ui/standalone.py
    from ui.standalone import send_to_app

    send_to_app()
