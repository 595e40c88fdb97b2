"""The field's feedback to marketing, unanswered first; answer it (the rep sees the answer) and resolve it.

A page file: app.py registers it with st.navigation (see ui/standalone.py).
"""
from __future__ import annotations

import streamlit as st

from models.enums import FeedbackKind, Role
from queries import marketing
from services import feedback_inbox
from services.markdown_safety import escape_markdown as md
from ui.actions import run_write_then_rerun, show_flash
from ui.field_widgets import business_settings, page_offset, pager
from ui.format import when
from ui.markdown import show_markdown
from ui.reads import cached_read, fresh_read
from ui.session import require_viewer
from ui.labels import label
from i18n import N_, _

MARKETING = (Role.marketer, Role.admin)
INBOX_PAGE = 20


def _filters(viewer) -> dict:
    c1, c2, c3, c4 = st.columns([2, 2, 1, 1])
    campaigns = dict(cached_read(marketing.campaign_choices, viewer))
    campaign_id = c1.selectbox(_("Campaign"), [None, *campaigns], key="fb_campaign",
                               format_func=lambda c: _("All") if c is None else campaigns[c])
    events = dict(fresh_read(marketing.event_choices, viewer, campaign_id)) if campaign_id else {}
    event_id = c2.selectbox(_("Event"), [None, *events], key="fb_event",
                            format_func=lambda e: _("All") if e is None else events[e])
    kind = c3.selectbox(_("Kind"), [None, *FeedbackKind], key="fb_kind", format_func=lambda k: _("All") if k is None else label(k, FeedbackKind))
    show_resolved = c4.toggle(_("Show resolved"), value=False, key="fb_resolved")
    return dict(campaign_id=campaign_id, event_id=event_id, kind=kind, show_resolved=show_resolved)


def _item(viewer, row, tz, expanded: bool = False) -> None:
    state = _("resolved") if row.resolved_at else _("answered") if row.answer else _("unanswered")
    about = " · ".join(md(x) for x in (row.campaign, row.event) if x) or _("general")
    # The brackets are markdown in a label: escape them in the template, escape the data values.
    title = _("[{state}] {kind} from {author} ({territory}) · {about} · {created_at}")
    with st.expander(title.replace("[", "\\[").replace("]", "\\]").format(
            state=state, kind=label(row.kind, FeedbackKind), author=md(row.author), territory=md(row.territory or "—"),
            about=about, created_at=when(row.created_at, tz)), expanded=expanded):
        st.markdown(md(row.body))          # a rep's text: shown as text
        if row.answer:
            st.markdown(_("**Answer** ({answered_at}):").format(answered_at=when(row.answered_at, tz)))
            show_markdown(row.answer)
        answer = st.text_area(_("Answer") if not row.answer else _("Change the answer"), value=row.answer or "",
                              key=f"fb_answer_{row.id}")
        c1, c2, c3 = st.columns(3)
        if c1.button(_("Send answer"), key=f"fb_send_{row.id}", type="primary"):
            run_write_then_rerun(lambda s: feedback_inbox.answer_feedback(viewer, row.id, answer, session=s),
                      _("Answer sent; the rep sees it with their feedback."))
        if not row.resolved_at and c2.button(_("Answer and resolve"), key=f"fb_send_resolve_{row.id}"):
            run_write_then_rerun(lambda s: feedback_inbox.answer_feedback(viewer, row.id, answer, session=s, resolve=True),
                      _("Answered and resolved."))
        resolved = row.resolved_at is not None
        if c3.button(_("Reopen") if resolved else _("Mark resolved"), key=f"fb_resolve_{row.id}"):
            run_write_then_rerun(lambda s: feedback_inbox.mark_resolved(viewer, row.id, session=s, resolved=not resolved),
                      _("Reopened.") if resolved else _("Marked resolved."))


def render() -> None:
    viewer = require_viewer(*MARKETING)
    st.title(_("Feedback inbox"))
    st.caption(_("Questions, objections, competitor intel and win stories from the field — unanswered first."))
    show_flash()
    tz = business_settings().tz
    filters = _filters(viewer)
    offset = page_offset("fb_page", tuple(filters.items()), INBOX_PAGE)
    page = fresh_read(marketing.feedback_inbox, viewer, limit=INBOX_PAGE, offset=offset, **filters)
    pager(page, "fb_page", noun=N_("items"))
    # Collapsed, except the first unanswered item (every open answer box made a 6,700-px page).
    first_open = next((r.id for r in page.rows if r.answer is None), None)
    for row in page.rows:
        _item(viewer, row, tz, expanded=row.id == first_open)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
