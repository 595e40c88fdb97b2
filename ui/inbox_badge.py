"""The sidebar's unread count, linking to the inbox."""
from __future__ import annotations

import streamlit as st

from i18n import _
from queries import notifications as inbox_q
from ui.reads import cached_read


def unread_badge(viewer, inbox_page) -> None:
    """Drawn on every rerun of every page, so cached like the pages' lists: the reader's own
    reads and writes in this process show at once, a notification from another process within
    the cache's TTL (the inbox page itself reads fresh)."""
    unread = cached_read(inbox_q.unread_count, viewer)
    label = _("Inbox: {n} unread").format(n=unread) if unread else _("Inbox: nothing unread")
    st.page_link(inbox_page, label=label, icon=":material/notifications:")
