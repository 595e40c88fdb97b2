"""The sign-in gate, run by app.py at the top of every rerun, and the page-side accessors.

Order of a rerun (app.py): ``resolve_viewer`` (session state or cookie, checked against the
database) → ``st.navigation`` for that viewer's role → ``make_authenticator`` (draws the
library's cookie component) → the sign-in form when nobody is signed in → the page.

streamlit-authenticator owns the re-authentication cookie (a JWT of username + expiry signed
with our key) and the session-state protocol (``authentication_status``, ``username``…). We
add what it lacks, all kept in the database so they hold across processes:
- credentials are looked up per user when needed, never a YAML file and never all users;
- the password check and the lockout are ``services.auth.sign_in``;
- every rerun re-reads the user: disabled, or a session older than the user's session epoch
  (sign-out, password/role change), and the session ends at once;
- a cookie issued before the epoch is refused.
"""
from __future__ import annotations

import os
import secrets
from datetime import datetime, timedelta, timezone

import streamlit as st
import streamlit_authenticator as stauth
from streamlit_authenticator.utilities import LoginError

from models.config import load_config
from models.db import read_session, write_session
from models.enums import Role
from models.errors import ConfigurationError  # noqa: F401  (app.py catches it from here)
from queries.scope import Viewer, load_viewer
from services import auth, session_token
from services.markdown_safety import escape_markdown as md

COOKIE_NAME = "onevoice_session"
VIEWER_KEY = "ov_viewer"
ISSUED_KEY = "ov_session_issued_at"
MIN_COOKIE_KEY_LENGTH = 32


@st.cache_resource(show_spinner=False)
def _engine_for(url: str):
    from services.bootstrap import prepare_database

    return prepare_database(url)


def app_engine():
    """The engine of DATABASE_URL, prepared once per process (see models.bootstrap)."""
    return _engine_for(load_config().database_url)


def cookie_key() -> str:
    """ONEVOICE_COOKIE_KEY, else Streamlit secrets' ``cookie_key``, else a random key kept in data/."""
    configured = load_config().cookie_key
    key = configured.get_secret_value() if configured else None
    if not key:
        try:
            key = st.secrets.get("cookie_key")
        except Exception:  # noqa: BLE001 - no secrets file is the normal case
            key = None
    if not key:
        path = load_config().data_dir / "cookie_key"
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_urlsafe(48))
        key = path.read_text().strip()
    if len(key) < MIN_COOKIE_KEY_LENGTH:
        raise ConfigurationError(f"the cookie key must be at least {MIN_COOKIE_KEY_LENGTH} characters")
    return key


def _cookie_claims(key: str) -> tuple[str, datetime] | None:
    """(username, issued_at) of a well-signed, unexpired cookie that carries its issue time."""
    return session_token.decode(st.context.cookies.get(COOKIE_NAME), key)


def _write_cookie(authenticator, username: str, issued_at: datetime) -> None:
    """Our token (with its issue time) through the library's cookie component."""
    days = load_config().cookie_expiry_days
    token = session_token.encode(username, cookie_key(), issued_at=issued_at, lifetime_days=days)
    cookie_model = authenticator.cookie_controller.cookie_model
    cookie_model.cookie_manager.set(COOKIE_NAME, token, expires_at=issued_at + timedelta(days=days))


def _credentials_for(viewer: Viewer | None) -> dict:
    """The library's credentials dict: only the signed-in user, never the whole users table."""
    if viewer is None:
        return {"usernames": {}}
    return {"usernames": {viewer.username: {"name": viewer.display_name, "password": "unused", "email": None,
                                            "roles": [viewer.role.value]}}}


def _forget_session() -> None:
    """Drop the signed-in state; ``logout`` stops the library restoring it from the cookie."""
    st.session_state.update({"authentication_status": None, "username": None, "name": None, "logout": True})
    for key in (VIEWER_KEY, ISSUED_KEY):
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
        cookie = _cookie_claims(cookie_key())
        if cookie is not None:
            username, issued = cookie
            state[ISSUED_KEY] = issued
    if username is None:
        return None
    issued = state.get(ISSUED_KEY)
    with read_session(engine) as session:
        still_valid = issued is not None and auth.session_is_valid(username, issued, session=session)
        viewer = load_viewer(username, session=session) if still_valid else None
    if viewer is None:
        if state.get("authentication_status"):
            state["ov_notice"] = "Your session has ended. Please sign in again."
        _forget_session()
        return None
    state.update({"authentication_status": True, "username": viewer.username, "name": viewer.display_name,
                  VIEWER_KEY: viewer})
    return viewer


def make_authenticator(viewer: Viewer | None):
    """The one Authenticate object of this rerun (it draws the cookie component: call it after
    st.navigation). Its credentials hold only the signed-in user."""
    authenticator = stauth.Authenticate(_credentials_for(viewer), COOKIE_NAME, cookie_key(),
                                        load_config().cookie_expiry_days, login_sleep_time=0,
                                        # the placeholder password is never checked: do not bcrypt it every rerun
                                        auto_hash=False)
    if viewer is not None:
        try:
            authenticator.login(location="unrendered")  # keeps the library's own state in step
        except LoginError:
            pass
    return authenticator


def login_form(authenticator) -> Viewer | None:
    """Our sign-in form (the library's cannot use a database lockout). Returns the viewer on success."""
    engine = app_engine()
    notice = st.session_state.pop("ov_notice", None)
    box = st.empty()
    with box.container():
        st.title("OneVoice")
        st.caption("Marketing and sales, one portal.")
        if notice:
            st.info(md(notice))
        with st.form("ov_sign_in", clear_on_submit=False):
            username = st.text_input("Username", key="ov_login_username", autocomplete="username")
            password = st.text_input("Password", type="password", key="ov_login_password",
                                     autocomplete="current-password")
            submitted = st.form_submit_button("Sign in", type="primary")
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
    issued = datetime.now(timezone.utc)
    st.session_state.update({"authentication_status": True, "username": viewer.username,
                             "name": viewer.display_name, "logout": False,
                             ISSUED_KEY: issued,
                             VIEWER_KEY: viewer})
    # Write the cookie in this run: a st.rerun() here would drop the cookie component unrendered.
    _write_cookie(authenticator, viewer.username, issued)
    return viewer


def end_session(notice: str) -> None:
    """End this session after a change that invalidated it (its own password change) and show
    ``notice`` above the sign-in form on the next run."""
    _forget_session()
    st.session_state["ov_notice"] = notice


def sign_out(authenticator) -> None:
    """End this session and every cookie issued so far for the user (their session epoch)."""
    viewer = st.session_state.get(VIEWER_KEY)
    if viewer is not None:
        with write_session(app_engine()) as session:
            auth.sign_out(viewer.username, session=session)
    try:
        authenticator.logout(location="unrendered")  # deletes the cookie in the browser
    except Exception:  # noqa: BLE001 - the library refuses when it thinks nobody is signed in
        pass
    _forget_session()


def require_viewer(*roles: Role) -> Viewer:
    """The signed-in viewer, checked by app.py's gate in this rerun; stops the page otherwise."""
    viewer = st.session_state.get(VIEWER_KEY)
    if viewer is None or (roles and viewer.role not in roles):
        st.error("This page is not available to you.")
        st.stop()
    return viewer
