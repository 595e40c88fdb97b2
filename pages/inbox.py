"""Inbox: my notifications, newest first; mark read; open the record each one is about."""
from __future__ import annotations

import streamlit as st

from i18n import _
from queries import notifications as inbox_q
from services import inbox
from ui.actions import run_write, show_flash
from ui.format import when
from ui.reads import fresh_read
from ui.field_widgets import business_settings
from ui.session import require_viewer

PAGE_SIZE = 50


def render() -> None:
    viewer = require_viewer()
    st.title(_("Inbox"))
    show_flash()
    only_unread = st.toggle(_("Unread only"), key="ib_unread")
    tz = business_settings().tz
    items = fresh_read(inbox_q.inbox, viewer, unread_only=only_unread, limit=PAGE_SIZE)
    unread = fresh_read(inbox_q.unread_count, viewer)
    st.caption(_("{n} unread").format(n=unread))
    if unread and st.button(_("Mark all read"), key="ib_all"):
        run_write(lambda s: inbox.mark_read(viewer, session=s), success=_("All notifications marked read."),
                  rerun=True)
    if not items:
        st.info(_("Nothing here yet."))
        return
    for item in items:
        with st.container(border=True):
            left, mid, right = st.columns([6, 2, 2])
            marker = "" if item.read_at else "● "
            left.markdown(f"{marker}**{inbox_q.kind_label(item.kind)}** · {when(item.created_at, tz)}  \n{item.text}")
            mid.link_button(_("Open"), item.link, key=f"ib_open_{item.id}")
            if item.read_at is None and right.button(_("Mark read"), key=f"ib_read_{item.id}"):
                run_write(lambda s, i=item.id: inbox.mark_read(viewer, [i], session=s), rerun=True)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
