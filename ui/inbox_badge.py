"""The sidebar's unread count, linking to the inbox."""
from __future__ import annotations

import streamlit as st

from i18n import _
from queries import notifications as inbox_q
from ui.reads import fresh_read


def unread_badge(viewer, inbox_page) -> None:
    unread = fresh_read(inbox_q.unread_count, viewer)
    label = _("Inbox: {n} unread").format(n=unread) if unread else _("Inbox: nothing unread")
    st.page_link(inbox_page, label=label, icon=":material/notifications:")
