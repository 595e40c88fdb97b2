"""The sidebar's unread count, linking to the inbox."""
from __future__ import annotations

import streamlit as st

from i18n import _
from models.db import read_session
from queries import notifications as inbox_q
from ui.session import app_engine


def unread_badge(viewer, inbox_page) -> None:
    with read_session(app_engine()) as session:
        unread = inbox_q.unread_count(viewer, session=session)
    label = _("Inbox: {n} unread").format(n=unread) if unread else _("Inbox: nothing unread")
    st.page_link(inbox_page, label=label, icon=":material/notifications:")
