"""Feedback to marketing: send a question, an objection heard, competitor intel or a win story
about a campaign or an event of my territory; see marketing's answers."""
from __future__ import annotations

import streamlit as st

from models.enums import FeedbackKind, Role
from queries import field_activity as activity_q
from queries.territory_events import territory_campaigns
from services.feedback import send_feedback
from services.markdown_safety import escape_markdown as md
from ui.reads import cached_read
from ui.actions import run_write, show_flash
from ui.field_widgets import business_settings, page_offset, pager, rep_filter
from ui.format import when
from ui.markdown import show_markdown
from ui.session import require_viewer
from ui.labels import label
from i18n import N_, _

PAGE_SIZE = 10


def _send_form(viewer) -> None:
    campaigns = {c.id: f"{c.name} ({c.code})" for c in cached_read(territory_campaigns, viewer, since_days=180)}
    events = dict(cached_read(activity_q.link_options, viewer).events)
    with st.form("fb_send", clear_on_submit=True):
        kind = st.segmented_control(_("Kind"), list(FeedbackKind), default=FeedbackKind.question,
                                    format_func=label, key="fb_kind")
        cols = st.columns(2)
        campaign_id = cols[0].selectbox(_("Campaign"), list(campaigns), index=None, placeholder="—",
                                        format_func=campaigns.get, key="fb_campaign")
        event_id = cols[1].selectbox(_("or event"), list(events), index=None, placeholder="—",
                                     format_func=events.get, key="fb_event")
        body = st.text_area(_("Message"), max_chars=2000, key="fb_body",
                            placeholder=_("What did you hear? What do you need from marketing?"))
        if st.form_submit_button(_("Send to marketing"), type="primary"):
            if run_write(lambda s: send_feedback(viewer, session=s, kind=kind or FeedbackKind.question, body=body,
                                                 campaign_id=campaign_id, event_id=event_id),
                         success=_("Sent. Marketing's answer will show below.")) is not None:
                st.rerun()


def _sent(viewer, tz) -> None:
    rep_id = rep_filter(viewer, "fb_rep")
    offset = page_offset("fb_page", (rep_id,), PAGE_SIZE)
    result = cached_read(activity_q.my_feedback, viewer, rep_id=rep_id, limit=PAGE_SIZE, offset=offset)
    if not result.rows:
        st.caption(_("Nothing sent yet."))
        return
    for fb in result.rows:
        with st.container(border=True):
            about = " · ".join(md(x) for x in (fb.campaign, fb.event) if x)
            state = _("resolved") if fb.resolved_at else _("answered") if fb.answer else _("waiting for an answer")
            st.markdown(f"**{label(fb.kind, FeedbackKind)}** — {about}")
            st.caption(f"{md(fb.author)} · {when(fb.created_at, tz)} · {state}")
            st.text(fb.body)
            if fb.answer:
                with st.container(border=True):
                    st.caption(_("Answer from {answered_by} · {answered_at}").format(
                        answered_by=md(fb.answered_by or _("marketing")), answered_at=when(fb.answered_at, tz)))
                    show_markdown(fb.answer)
    pager(result, "fb_page", N_("messages"))


def render() -> None:
    viewer = require_viewer(Role.rep, Role.manager)
    tz = business_settings().tz
    st.title(_("Feedback to marketing"))
    show_flash()
    _send_form(viewer)
    st.subheader(_("Sent, with marketing's answers"))
    _sent(viewer, tz)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
