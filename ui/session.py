"""The sign-in gate, run by app.py at the top of every rerun.

Order of a rerun (app.py): ``resolve_viewer`` (session state or cookie, checked against the
database) → ``st.navigation`` for that viewer's role → nobody signed in: ``make_authenticator``
(draws the library's cookie component) and the sign-in form; signed in: the page.

The cookie component is drawn only while nobody is signed in (the sign-in run writes the cookie
with it, the run after a sign-out deletes it). A signed-in run never draws it: the component
answers the browser with a rerun when it mounts, and that rerun, arriving just after a page
loaded, interrupted the run of a click and lost the click (Streamlit drops a button's trigger
when the run that carried it is interrupted). The cookie is read from the request instead
(``ui.cookie.cookie_claims``), and signing out is a button callback, which runs before any
rerun can interrupt it.

streamlit-authenticator owns the re-authentication cookie (a JWT of username + expiry signed
with our key) and the session-state protocol (``authentication_status``, ``username``…). We
add what it lacks, all kept in the database so they hold across processes:
- credentials are looked up per user when needed, never a YAML file and never all users;
- the password check and the lockout are ``services.auth.sign_in``;
- every rerun re-reads the user: disabled, or a session older than the user's session epoch
  (sign-out, password/role change), and the session ends at once;
- a cookie issued before the epoch is refused.

One module per job: ``ui.engine`` (the engine, bootstrapped once per process), ``ui.cookie`` (the
cookie key and the token), ``ui.sign_in`` (the form), ``ui.guard`` (``require_viewer``, the page
guard); this module keeps the session itself (resolve, authenticator, end, sign out) and
re-exports the others' names, so ``from ui.session import app_engine, require_viewer`` works.
"""
from __future__ import annotations

import streamlit as st
import streamlit_authenticator as stauth

from i18n import _
from models.config import load_config
from models.db import write_session
from models.errors import ConfigurationError  # noqa: F401  (app.py catches it from here)
from queries.scope import Viewer
from services import auth
# The parts of the gate, one module per job; re-exported so pages and app.py import them from here.
from ui.cookie import COOKIE_NAME, MIN_COOKIE_KEY_LENGTH, cookie_claims, cookie_key, delete_cookie  # noqa: F401
from ui.engine import app_engine  # noqa: F401
from ui.guard import FORGET_COOKIE_KEY, ISSUED_KEY, MUST_CHANGE_KEY, VIEWER_KEY, require_viewer  # noqa: F401
from ui.sign_in import SIGN_IN_BUTTON_KEY, login_form  # noqa: F401


def _forget_session() -> None:
    """Drop the signed-in state; ``logout`` stops the library restoring it from the cookie."""
    st.session_state.update({"authentication_status": None, "username": None, "name": None, "logout": True})
    for key in (VIEWER_KEY, ISSUED_KEY, MUST_CHANGE_KEY):
        st.session_state.pop(key, None)


def resolve_viewer() -> Viewer | None:
    """Who is signed in for this rerun, decided before any widget or component is drawn.

    The session is restored from the cookie here, ahead of st.navigation: the cookie component
    that the library draws answers the browser with a value, and a rerun it triggers before the
    navigation exists would lose the page a deep link asked for.
    """
    engine = app_engine()
    state = st.session_state
    username = state.get("username") if state.get("authentication_status") else None
    if username is None and not state.get("logout"):
        cookie = cookie_claims(cookie_key())
        if cookie is not None:
            username, issued = cookie
            state[ISSUED_KEY] = issued
    if username is None:
        return None
    issued = state.get(ISSUED_KEY)
    if issued is None:
        viewer = None
    else:
        viewer, must_change = auth.served_gate(username, issued, engine=engine)
    if viewer is None:
        if state.get("authentication_status"):
            state["ov_notice"] = _("Your session has ended. Please sign in again.")
        _forget_session()
        return None
    state.update({"authentication_status": True, "username": viewer.username, "name": viewer.display_name,
                  VIEWER_KEY: viewer, MUST_CHANGE_KEY: must_change})
    return viewer


def must_change_password() -> bool:
    """The signed-in user must replace a one-time password first: read by this rerun's gate."""
    return bool(st.session_state.get(MUST_CHANGE_KEY))


def make_authenticator():
    """The library's Authenticate object, for a run with nobody signed in: it draws the cookie
    component, which the sign-in form writes the cookie through. A cookie a sign-out asked to
    delete is deleted here, in the first runs after it, until the browser confirms."""
    # No credentials: the password check is ours (ui.sign_in), the library only keeps the cookie.
    authenticator = stauth.Authenticate({"usernames": {}}, COOKIE_NAME, cookie_key(),
                                        load_config().cookie_expiry_days, login_sleep_time=0,
                                        # the placeholder password is never checked: do not bcrypt it every rerun
                                        auto_hash=False)
    # Not in the run that signs in again: the two components run in any order in the browser.
    if st.session_state.get(FORGET_COOKIE_KEY) and not st.session_state.get(SIGN_IN_BUTTON_KEY):
        if delete_cookie(authenticator):
            st.session_state.pop(FORGET_COOKIE_KEY, None)
    return authenticator


def end_session(notice: str) -> None:
    """End this session after a change that invalidated it (its own password change) and show
    ``notice`` above the sign-in form on the next run."""
    _forget_session()
    st.session_state["ov_notice"] = notice


def sign_out() -> None:
    """The Sign out button's callback: end this session and every cookie issued so far for the
    user (their session epoch); the browser's cookie is deleted by the next run's component."""
    viewer = st.session_state.get(VIEWER_KEY)
    if viewer is not None:
        with write_session(app_engine()) as session:
            auth.sign_out(viewer.username, session=session)
    _forget_session()
    st.session_state[FORGET_COOKIE_KEY] = True
