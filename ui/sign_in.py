"""The sign-in form. Ours, not streamlit-authenticator's: the password check and the lockout are
``services.auth.sign_in`` in the database, so they hold across processes."""
from __future__ import annotations

import streamlit as st

from i18n import _
from models.db import read_session, write_session
from models.types import utcnow
from queries.scope import Viewer, load_viewer
from services import auth
from services.markdown_safety import escape_markdown as md
from ui.cookie import write_cookie
from ui.engine import app_engine
from ui.guard import FORGET_COOKIE_KEY, ISSUED_KEY, VIEWER_KEY

SIGN_IN_BUTTON_KEY = "ov_login_submit"


def login_form(authenticator) -> Viewer | None:
    """Our sign-in form (the library's cannot use a database lockout). Returns the viewer on success."""
    engine = app_engine()
    notice = st.session_state.pop("ov_notice", None)
    box = st.empty()
    with box.container():
        st.title("OneVoice")
        st.caption(_("Marketing and sales, one portal."))
        if notice:
            st.info(md(notice))
        with st.form("ov_sign_in", clear_on_submit=False):
            username = st.text_input(_("Username"), key="ov_login_username", autocomplete="username")
            password = st.text_input(_("Password"), type="password", key="ov_login_password",
                                     autocomplete="current-password")
            submitted = st.form_submit_button(_("Sign in"), type="primary", key=SIGN_IN_BUTTON_KEY)
        if not submitted:
            return None
        with write_session(engine) as session:
            result = auth.sign_in(username, password, session=session)
        if not result.ok:
            st.error(md(result.message))
            return None
    box.empty()
    with read_session(engine) as session:
        viewer = load_viewer(result.username, session=session)
    issued = utcnow()   # the clock services.auth stamps session epochs with
    st.session_state.update({"authentication_status": True, "username": viewer.username,
                             "name": viewer.display_name, "logout": False,
                             ISSUED_KEY: issued,
                             VIEWER_KEY: viewer})
    st.session_state.pop(FORGET_COOKIE_KEY, None)   # a sign-out's cookie deletion is over
    # Write the cookie in this run: a st.rerun() here would drop the cookie component unrendered.
    write_cookie(authenticator, viewer.username, issued)
    return viewer
