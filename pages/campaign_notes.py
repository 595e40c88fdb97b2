"""Campaign notes: what to say about each campaign targeting my territory — newest first, unread
marked, rendered safely, "I've read this" once per version, and what changed since the previous
published version."""
from __future__ import annotations

import html

import streamlit as st

from models.enums import Role
from queries import notes_feed
from queries.territory_events import territory_campaigns
from services.markdown_safety import escape_markdown as md
from services.note_reads import acknowledge_note
from ui.reads import cached_read
from ui.actions import run_write, show_flash
from ui.field_widgets import business_settings, page_offset, pager
from ui.format import when
from ui.markdown import show_markdown
from ui.session import require_viewer
from i18n import N_, _

PAGE_SIZE = 5
ALL_CAMPAIGNS = N_("All campaigns")


CHANGE_STYLE = {"added": "background:#e6f4ea;color:#0d652d", "removed": "background:#fce8e6;color:#a50e0e;"
                "text-decoration:line-through"}


def _lines_html(text: str, kind: str) -> str:
    return "<br>".join(f'<span style="{CHANGE_STYLE[kind]}">{html.escape(line)}</span>' for line in text.splitlines())


def _changes(changes) -> None:
    """What changed in words and colour (never a raw diff); the note text is escaped."""
    if not changes:
        st.caption(_("No change in the text."))
        return
    words = {"added": _("Added"), "removed": _("Removed"), "changed": _("Changed")}
    parts = []
    for change in changes:
        body = []
        if change.before:
            body.append(_lines_html(change.before, "removed"))
        if change.after:
            body.append(_lines_html(change.after, "added"))
        parts.append(f"<p><b>{html.escape(words[change.kind])}</b><br>{'<br>'.join(body)}</p>")
    st.html("".join(parts))


def _note_card(viewer, note, tz) -> None:
    with st.container(border=True):
        head = st.columns([5, 2])
        unread = _("Unread")
        mark = f":blue-badge[{unread}] " if note.unread else ""
        head[0].markdown(f"{mark}**{md(note.title)}**")
        head[0].caption(_("{campaign_name} ({campaign_code}) · version {version} · published {published_at}").format(
            campaign_name=md(note.campaign_name), campaign_code=md(note.campaign_code), version=note.version,
            published_at=when(note.published_at, tz)))
        if note.unread:
            if head[1].button(_("I've read this"), key=f"note_read_{note.id}", type="primary", width="stretch"):
                written = run_write(lambda s: acknowledge_note(viewer, note.id, session=s),
                                    success=_("Marked “{title}” (v{version}) as read.").format(
                                        title=md(note.title), version=note.version))
                if written is not None:
                    st.rerun()
        else:
            head[1].caption(_("Read {read_at}").format(read_at=when(note.read_at, tz)))
        if note.previous_version is not None:
            with st.expander(_("What changed since version {previous_version}").format(
                    previous_version=note.previous_version), expanded=note.unread):
                _changes(notes_feed.note_change_lines(note.previous_body_md, note.body_md))
        show_markdown(note.body_md)


def render() -> None:
    viewer = require_viewer(Role.rep, Role.manager)
    tz = business_settings().tz
    st.title(_("Campaign notes"))
    unread = cached_read(notes_feed.unread_count, viewer)
    st.caption(_("Talking points of the campaigns targeting your territory · {unread} unread").format(unread=unread))
    show_flash()
    campaigns = cached_read(territory_campaigns, viewer, since_days=365)
    labels = {_(ALL_CAMPAIGNS): None} | {f"{c.name} ({c.code})": c.id for c in campaigns}
    cols = st.columns([2, 1, 1])
    campaign_id = labels[cols[0].selectbox(_("Campaign"), list(labels), key="notes_campaign")]
    unread_only = cols[1].toggle(_("Unread only"), key="notes_unread")
    earlier = cols[2].toggle(_("Earlier versions too"), key="notes_earlier")
    offset = page_offset("notes_page", (campaign_id, unread_only, earlier), PAGE_SIZE)
    result = cached_read(notes_feed.notes_for, viewer, unread_only=unread_only, latest_only=not earlier,
                         campaign_id=campaign_id, limit=PAGE_SIZE, offset=offset)
    if not result.rows:
        st.info(_("Nothing unread — you are up to date.") if unread_only else _("No published notes for your territory."))
        return
    for note in result.rows:
        _note_card(viewer, note, tz)
    pager(result, "notes_page", N_("notes"))


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
