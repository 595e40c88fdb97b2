"""Widgets shared by the marketing pages: the campaign picker, people-friendly errors, flash messages."""
from __future__ import annotations

import streamlit as st

from queries import marketing
from queries.scope import Viewer
from ui.reads import cached_read
from i18n import N_, _


def pick_campaign(viewer: Viewer, *, key: str, label: str = N_("Campaign"),
                  include_cancelled: bool = True, started_by=None) -> int | None:
    """A search box and a select box of the matching campaigns (newest first); the chosen id."""
    search = st.text_input(_("Find a campaign"), key=f"{key}_search", placeholder=_("name or code"))
    choices = cached_read(marketing.campaign_choices, viewer, search=search, include_cancelled=include_cancelled,
                          started_by=started_by)
    if not choices:
        st.info(_("No campaign matches. Create one on the Campaigns page."))
        return None
    labels = dict(choices)
    return st.selectbox(_(label), list(labels), format_func=labels.get, key=f"{key}_campaign")
