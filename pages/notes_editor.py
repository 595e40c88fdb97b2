"""Campaign notes: Markdown editor with a live preview, drafts, publishing versions, diffs, readers.

A page file: app.py registers it with st.navigation (see ui/standalone.py).
"""
from __future__ import annotations

import streamlit as st

from i18n import _

from models.enums import NoteStatus, Role
from queries import marketing
from services import notes
from services.markdown_safety import escape_markdown as md
from ui.actions import reported_errors, run_write_then_rerun, show_flash
from ui.campaign_picker import pick_campaign
from ui.format import pct, when
from ui.markdown import show_markdown
from ui.field_widgets import business_settings
from ui.reads import fresh_read
from ui.session import require_viewer
from ui.labels import label
from ui.tables import dataframe

MARKETING = (Role.marketer, Role.admin)


def _editor(viewer, campaign_id: int, versions) -> None:
    draft = next((n for n in versions if n.status == NoteStatus.draft), None)
    latest = draft or (versions[0] if versions else None)
    next_version = draft.version if draft else (versions[0].version + 1 if versions else 1)
    # Widget keys per campaign and base version, so switching campaigns loads that campaign's text.
    key = f"note_{campaign_id}_{latest.id if latest else 0}_{latest.version if latest else 0}"
    if draft:
        st.caption(_("Editing the draft of version v{version}").format(version=next_version))
    elif latest:
        st.caption(_("Editing a new version v{version}, starting from v{base}").format(version=next_version, base=latest.version))
    else:
        st.caption(_("Editing a new version v{version}").format(version=next_version))
    left, right = st.columns(2)
    with left:
        title = st.text_input(_("Title"), value=latest.title if latest else _("Key messages"), key=f"{key}_title")
        body = st.text_area(_("Markdown"), value=latest.body_md if latest else "", height=360, key=f"{key}_body",
                            help=_("Key messages, the offer, objection handling. Markdown; raw HTML is shown as text."))
        # A text area sends its text on blur or Ctrl+Enter only; say so and offer a button.
        st.button(_("Update the preview"), key=f"{key}_preview", icon=":material/refresh:",
                  help=_("The preview follows the text when you press Ctrl+Enter, leave the box, or click here."))
    with right:
        st.markdown(_("**Preview**"))
        with st.container(border=True):
            show_markdown(f"### {md(title)}\n\n{body}" if title else body)
    c1, c2, _spare = st.columns([1, 1, 3])
    if c1.button(_("Save draft"), key=f"{key}_save"):
        run_write_then_rerun(lambda s: notes.save_draft(viewer, campaign_id, title, body, session=s),
                  lambda n: _("Draft v{version} saved.").format(version=n.version))
    if c2.button(_("Publish v{next_version}").format(next_version=next_version), type="primary", key=f"{key}_publish"):
        run_write_then_rerun(lambda s: notes.publish_note(viewer, campaign_id, title, body, session=s),
                  lambda n: _("Version v{version} published; reps of the target territories see it now.").format(version=n.version))


def _diff(viewer, campaign_id: int, versions) -> None:
    if len(versions) < 2:
        st.caption(_("A diff needs two versions."))
        return
    numbers = [n.version for n in versions]
    c1, c2 = st.columns(2)
    old = c1.selectbox(_("From"), numbers, index=1, format_func=lambda v: f"v{v}", key=f"diff_old_{campaign_id}")
    new = c2.selectbox(_("To"), numbers, index=0, format_func=lambda v: f"v{v}", key=f"diff_new_{campaign_id}")
    with reported_errors():
        lines = fresh_read(notes.diff_versions, viewer, campaign_id, old, new)
        st.code("\n".join(lines) or _("(no differences)"), language="diff")


def _readers(viewer, published, tz) -> None:
    if not published:
        st.caption(_("Nothing published yet."))
        return
    labels = {n.id: f"v{n.version} — {n.title} ({when(n.published_at, tz)})" for n in published}
    note_id = st.selectbox(_("Version"), list(labels), format_func=labels.get, key="note_readers_version")
    rates = fresh_read(marketing.note_read_rate_by_territory, viewer, note_id)
    dataframe([{_("Territory"): r.territory, _("Target reps"): r.target_reps, _("Read"): r.read, _("Read rate"): pct(r.rate)}
               for r in rates], hide_index=True, width="stretch")
    unread = fresh_read(marketing.unread_reps, viewer, note_id)
    st.markdown(_("**Target reps who have not read it: {len}**").format(len=len(unread)))
    if unread:
        dataframe([{_("Rep"): u[0], _("Username"): u[1], _("Territory"): u[2]} for u in unread],
                  hide_index=True, width="stretch")
    with st.expander(_("Show this version")):
        note = next(n for n in published if n.id == note_id)
        show_markdown(f"### {md(note.title)}\n\n{note.body_md}")


def render() -> None:
    viewer = require_viewer(*MARKETING)
    st.title(_("Notes editor"))
    show_flash()
    tz = business_settings().tz
    campaign_id = pick_campaign(viewer, key="notes", include_cancelled=False)
    if campaign_id is None:
        return
    # Fresh, not cached: the editor starts from the latest version and saves against it.
    versions = fresh_read(marketing.notes_of_campaign, viewer, campaign_id)
    published = [n for n in versions if n.status == NoteStatus.published]
    if versions:
        dataframe([{_("Version"): f"v{n.version}", _("Title"): n.title, _("Status"): label(n.status, NoteStatus),
                    _("Published"): when(n.published_at, tz), _("Author"): n.author or ""} for n in versions],
                  hide_index=True, width="stretch")
    edit_tab, diff_tab, read_tab = st.tabs([_("Write"), _("Compare versions"), _("Who has read it")])
    with edit_tab:
        _editor(viewer, campaign_id, versions)
    with diff_tab:
        _diff(viewer, campaign_id, versions)
    with read_tab:
        _readers(viewer, published, tz)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
