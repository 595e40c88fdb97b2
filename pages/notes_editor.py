"""Campaign notes: Markdown editor with a live preview, drafts, publishing versions, diffs, readers.

Page modules only define functions; app.py registers ``render`` with st.navigation.
"""
from __future__ import annotations

import streamlit as st

from i18n import _

from models.db import read_session
from models.enums import NoteStatus, Role
from models.settings_store import load_settings
from queries import marketing
from services import notes
from services.markdown_safety import escape_markdown as md
from ui.actions import reported_errors, run_write_then_rerun, show_flash
from ui.campaign_picker import pick_campaign
from ui.format import pct, when
from ui.markdown import show_markdown
from ui.session import app_engine, require_viewer

MARKETING = (Role.marketer, Role.admin)


def _editor(viewer, campaign_id: int, versions) -> None:
    draft = next((n for n in versions if n.status == NoteStatus.draft), None)
    latest = draft or (versions[0] if versions else None)
    next_version = draft.version if draft else (versions[0].version + 1 if versions else 1)
    # Widget keys per campaign and base version, so switching campaigns loads that campaign's text.
    key = f"note_{campaign_id}_{latest.id if latest else 0}_{latest.version if latest else 0}"
    st.caption(f"Editing {'the draft of ' if draft else 'a new '}version v{next_version}"
               + ("" if draft or not latest else f", starting from v{latest.version}"))
    left, right = st.columns(2)
    with left:
        title = st.text_input("Title", value=latest.title if latest else "Key messages", key=f"{key}_title")
        body = st.text_area("Markdown", value=latest.body_md if latest else "", height=360, key=f"{key}_body",
                            help="Key messages, the offer, objection handling. Markdown; raw HTML is shown as text.")
        # A text area sends its text on blur or Ctrl+Enter only; say so and offer a button.
        st.button(_("Update the preview"), key=f"{key}_preview", icon=":material/refresh:",
                  help=_("The preview follows the text when you press Ctrl+Enter, leave the box, or click here."))
    with right:
        st.markdown("**Preview**")
        with st.container(border=True):
            show_markdown(f"### {md(title)}\n\n{body}" if title else body)
    c1, c2, _spare = st.columns([1, 1, 3])
    if c1.button("Save draft", key=f"{key}_save"):
        run_write_then_rerun(lambda s: notes.save_draft(viewer, campaign_id, title, body, session=s),
                  lambda n: f"Draft v{n.version} saved.")
    if c2.button(f"Publish v{next_version}", type="primary", key=f"{key}_publish"):
        run_write_then_rerun(lambda s: notes.publish_note(viewer, campaign_id, title, body, session=s),
                  lambda n: f"Version v{n.version} published; reps of the target territories see it now.")


def _diff(viewer, campaign_id: int, versions, session) -> None:
    if len(versions) < 2:
        st.caption("A diff needs two versions.")
        return
    numbers = [n.version for n in versions]
    c1, c2 = st.columns(2)
    old = c1.selectbox("From", numbers, index=1, format_func=lambda v: f"v{v}", key=f"diff_old_{campaign_id}")
    new = c2.selectbox("To", numbers, index=0, format_func=lambda v: f"v{v}", key=f"diff_new_{campaign_id}")
    with reported_errors():
        lines = notes.diff_versions(viewer, campaign_id, old, new, session=session)
        st.code("\n".join(lines) or "(no differences)", language="diff")


def _readers(viewer, published, session, tz) -> None:
    if not published:
        st.caption("Nothing published yet.")
        return
    labels = {n.id: f"v{n.version} — {n.title} ({when(n.published_at, tz)})" for n in published}
    note_id = st.selectbox("Version", list(labels), format_func=labels.get, key="note_readers_version")
    rates = marketing.note_read_rate_by_territory(viewer, note_id, session=session)
    st.dataframe([{"Territory": r.territory, "Target reps": r.target_reps, "Read": r.read, "Read rate": pct(r.rate)}
                  for r in rates], hide_index=True, width="stretch")
    unread = marketing.unread_reps(viewer, note_id, session=session)
    st.markdown(f"**Target reps who have not read it: {len(unread)}**")
    if unread:
        st.dataframe([{"Rep": u[0], "Username": u[1], "Territory": u[2]} for u in unread],
                     hide_index=True, width="stretch")
    with st.expander("Show this version"):
        note = next(n for n in published if n.id == note_id)
        show_markdown(f"### {md(note.title)}\n\n{note.body_md}")


def render() -> None:
    viewer = require_viewer(*MARKETING)
    st.title("Notes editor")
    show_flash()
    with read_session(app_engine()) as session:
        tz = load_settings(session=session).tz
        campaign_id = pick_campaign(viewer, session=session, key="notes", include_cancelled=False)
        if campaign_id is None:
            return
        versions = marketing.notes_of_campaign(viewer, campaign_id, session=session)
        published = [n for n in versions if n.status == NoteStatus.published]
        if versions:
            st.dataframe([{"Version": f"v{n.version}", "Title": n.title, "Status": n.status,
                           "Published": when(n.published_at, tz), "Author": n.author or ""} for n in versions],
                         hide_index=True, width="stretch")
        edit_tab, diff_tab, read_tab = st.tabs(["Write", "Compare versions", "Who has read it"])
        with edit_tab:
            _editor(viewer, campaign_id, versions)
        with diff_tab:
            _diff(viewer, campaign_id, versions, session)
        with read_tab:
            _readers(viewer, published, session, tz)


if __name__ == "__main__":  # run on its own by Streamlit: see ui/standalone.py
    from ui.standalone import send_to_app

    send_to_app()
