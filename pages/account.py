"""My account: who I am, and changing my own password."""
from __future__ import annotations

import streamlit as st

from i18n import _
from models.db import read_session, write_session
from models.errors import ValidationFailed
from services.auth import MIN_DISTINCT_CHARACTERS, MIN_PASSWORD_LENGTH, change_own_password, password_change_required
from services.markdown_safety import escape_markdown as md
from ui.session import app_engine, end_session, require_viewer


def password_form(viewer, *, forced: bool = False) -> bool:
    """The change-password form; True once the password was changed in this run."""
    if forced:
        # New accounts and administrator resets both start with a one-time password.
        st.info(_("You signed in with a one-time password. Choose your own password to continue."))
    with st.form("ov_change_password", clear_on_submit=True):
        current = st.text_input("Current password", type="password")
        new = st.text_input("New password", type="password",
                            help=_("At least {n} characters (spaces at either end do not count) and {d} different ones, at most "
                                   "72 bytes (24 Korean characters), not your username.").format(
                                n=MIN_PASSWORD_LENGTH, d=MIN_DISTINCT_CHARACTERS))
        repeat = st.text_input("Repeat the new password", type="password")
        submitted = st.form_submit_button("Change password", type="primary")
    if not submitted:
        return False
    if new != repeat:
        st.error("The two new passwords differ.")
        return False
    try:
        with write_session(app_engine()) as session:
            change_own_password(viewer.username, current, new, session=session)
    except ValidationFailed as exc:
        for problem in exc.problems:
            st.error(md(problem))
        return False
    # The change ends every session of this user, this one too: go back to the sign-in form.
    end_session(_("Password changed. Sign in with your new password."))
    st.rerun()
    return True


def render() -> None:
    viewer = require_viewer()
    st.title("My account")
    st.write(f"**{md(viewer.display_name)}** ({md(viewer.username)}), role **{viewer.role.value}**")
    st.subheader("Change my password")
    password_form(viewer)


def must_change_password(viewer) -> bool:
    with read_session(app_engine()) as session:
        return password_change_required(viewer.username, session=session)


def render_forced_change() -> None:
    viewer = require_viewer()
    st.title("Choose a new password")
    password_form(viewer, forced=True)


if __name__ == "__main__":  # run on its own by Streamlit: see ui/standalone.py
    from ui.standalone import send_to_app

    send_to_app()
