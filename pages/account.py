"""My account: who I am, my language, how I hear of notifications, and changing my own password."""
from __future__ import annotations

import streamlit as st

from i18n import _
from models.db import write_session
from models.enums import Language, NotifyPreference
from models.errors import ValidationFailed
from services import users
from services.auth import MIN_DISTINCT_CHARACTERS, MIN_PASSWORD_LENGTH, change_own_password
from services.markdown_safety import escape_markdown as md
from ui.actions import run_write
from ui.labels import label
from ui.reads import fresh_read
from ui.session import app_engine, end_session, require_viewer


def password_form(viewer, *, forced: bool = False) -> bool:
    """The change-password form; True once the password was changed in this run."""
    if forced:
        # New accounts and administrator resets both start with a one-time password.
        st.info(_("You signed in with a one-time password. Choose your own password to continue."))
    with st.form("ov_change_password", clear_on_submit=True):
        current = st.text_input(_("Current password"), type="password")
        new = st.text_input(_("New password"), type="password",
                            help=_("At least {n} characters (spaces at either end do not count) and {d} different ones, at most "
                                   "72 bytes (24 Korean characters), not your username.").format(
                                n=MIN_PASSWORD_LENGTH, d=MIN_DISTINCT_CHARACTERS))
        repeat = st.text_input(_("Repeat the new password"), type="password")
        submitted = st.form_submit_button(_("Change password"), type="primary")
    if not submitted:
        return False
    if new != repeat:
        st.error(_("The two new passwords differ."))
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


BROWSER = ""


def language_form(viewer) -> None:
    """The interface language: Korean, English, or the browser's (saved on the user, audited)."""
    st.subheader(_("Language"))
    options = [BROWSER, *(lang.value for lang in Language)]
    current = viewer.language or BROWSER
    chosen = st.selectbox(
        _("Language of the portal"), options, index=options.index(current), key="acc_language",
        format_func=lambda code: label(code, Language) if code else _("The browser's language"),
        help=_("Until you choose, the portal speaks your browser's language."))
    if chosen != current and st.button(_("Save language"), key="acc_language_save", type="primary"):
        run_write(lambda s: users.set_own_language(viewer, session=s, language=chosen or None),
                  success=lambda _user: _("Language saved."), rerun=True)


def notify_form(viewer) -> None:
    """How I hear of my notifications besides the inbox: not by mail, each at once, or one digest a day."""
    st.subheader(_("Notifications"))
    mine = fresh_read(users.own_mail_preference, viewer)
    current, email = NotifyPreference(mine.notify), mine.email
    options = list(NotifyPreference)
    chosen = st.radio(
        _("Besides the inbox, tell me by e-mail"), options, index=options.index(current), key="acc_notify",
        format_func=lambda code: label(code, NotifyPreference),
        help=_("The digest is one e-mail a day (company time zone) with what you have not been mailed yet."))
    st.caption(_("E-mail goes to {email}.").format(email=md(email)) if email
               else _("Your account has no e-mail address; an administrator adds one."))
    if chosen != current and st.button(_("Save notifications"), key="acc_notify_save", type="primary"):
        run_write(lambda s: users.set_own_notify(viewer, session=s, notify=chosen),
                  success=lambda _user: _("Notification choice saved."), rerun=True)


def render() -> None:
    viewer = require_viewer()
    st.title(_("My account"))
    st.write(_("**{name}** ({username}), role **{role}**").format(
        name=md(viewer.display_name), username=md(viewer.username), role=label(viewer.role)))
    language_form(viewer)
    notify_form(viewer)
    st.subheader(_("Change my password"))
    password_form(viewer)


def render_forced_change() -> None:
    viewer = require_viewer()
    st.title(_("Choose a new password"))
    password_form(viewer, forced=True)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
