"""OneVoice entry point: page config, the sign-in gate, and the navigation of the viewer's role.

Only the pages the signed-in role may see are registered, so another role's URL does not exist
for this user; without a session only the sign-in form is registered.
"""
from __future__ import annotations

import importlib

import streamlit as st

from models.db import DatabaseUnavailable, read_session
from models.tables import User
from ui.registry import DEFAULT_URL_PATH, pages_for
from ui.session import ConfigurationError, app_engine, gate, login_form, sign_out

st.set_page_config(page_title="OneVoice", page_icon=":material/campaign:", layout="wide")


def _signed_out_placeholder() -> None:
    """The only page without a session; the form itself is drawn by login_form."""


def _page(spec) -> st.Page:
    module = importlib.import_module(f"pages.{spec.module}")
    return st.Page(getattr(module, spec.function), title=spec.title, url_path=spec.url_path,
                   icon=spec.icon or None, default=spec.url_path == DEFAULT_URL_PATH)


def _must_change_password(username: str) -> bool:
    with read_session(app_engine()) as session:
        from sqlmodel import select

        user = session.exec(select(User).where(User.username == username)).first()
        return bool(user and user.must_change_password)


def main() -> None:
    try:
        viewer, authenticator = gate()
        if viewer is None:
            viewer = login_form(authenticator)
    except (DatabaseUnavailable, ConfigurationError) as exc:
        st.error(f"OneVoice cannot start: {exc}")
        st.stop()
    if viewer is None:
        st.navigation([st.Page(_signed_out_placeholder, title="Sign in", url_path="sign-in")],
                      position="hidden").run()
        st.stop()

    with st.sidebar:
        st.markdown(f"**{viewer.display_name}**  \n{viewer.role.value}")
        if st.button("Sign out", key="ov_signout", icon=":material/logout:"):
            sign_out(authenticator)
            st.rerun()

    if _must_change_password(viewer.username):
        from pages.account import render_forced_change

        st.navigation([st.Page(render_forced_change, title="Choose a new password", url_path="change-password")],
                      position="hidden").run()
        return

    sections: dict[str, list[st.Page]] = {}
    for spec in pages_for(viewer.role):
        sections.setdefault(spec.section, []).append(_page(spec))
    st.navigation(sections).run()


main()
