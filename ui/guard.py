"""The page guard: every page function starts from ``require_viewer``, which hands it the viewer
that app.py's gate (ui.session) put in this session's state for this rerun."""
from __future__ import annotations

import streamlit as st

from i18n import _
from models.enums import Role
from queries.scope import Viewer

VIEWER_KEY = "ov_viewer"                 # the signed-in Viewer, set by the gate each rerun
ISSUED_KEY = "ov_session_issued_at"      # when this session's cookie was issued
MUST_CHANGE_KEY = "ov_must_change_password"   # the gate's read: a one-time password to replace first
FORGET_COOKIE_KEY = "ov_forget_cookie"   # set by a sign-out until the browser has deleted the cookie


def require_viewer(*roles: Role) -> Viewer:
    """The signed-in viewer, checked by app.py's gate in this rerun; stops the page otherwise."""
    viewer = st.session_state.get(VIEWER_KEY)
    if viewer is None or (roles and viewer.role not in roles):
        st.error(_("This page is not available to you."))
        st.stop()
    return viewer
