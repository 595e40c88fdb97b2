"""OneVoice entry point: page config, the sign-in gate, and the navigation of the viewer's role.

Only the pages the signed-in role may see are registered, so another role's URL does not exist
for this user; without a session only the sign-in form is registered. The session is resolved
before st.navigation and the library's cookie component is drawn after it (see ui.session).

The same file defines the server (``app = st.App(...)``) that ``streamlit run app.py`` starts:
Streamlit's Starlette app with the extra HTTP routes of ``routes/`` (the calendar feed).
"""
from __future__ import annotations

import importlib

import streamlit as st

if __name__ == "__main__":
    # The portal's modules only in a script run: imported by the server before its runtime
    # exists, they would declare the sign-in library's cookie component and st.cache_* into a
    # registry the runtime then does not use.
    from i18n import _
    from models.db import DatabaseUnavailable
    from pages.account import must_change_password, render_forced_change
    from ui.language import apply_language
    from ui.registry import DEFAULT_URL_PATH, pages_for
    from ui.session import ConfigurationError, login_form, make_authenticator, resolve_viewer, sign_out


def _signed_out_placeholder() -> None:
    """The only page without a session; the form itself is drawn by login_form."""


def _page(spec) -> st.Page:
    module = importlib.import_module(f"pages.{spec.module}")
    return st.Page(getattr(module, spec.function), title=spec.title, url_path=spec.url_path,
                   icon=spec.icon or None, default=spec.url_path == DEFAULT_URL_PATH)


def _navigation_for(viewer):
    if viewer is None:
        return st.navigation([st.Page(_signed_out_placeholder, title="Sign in", url_path="sign-in")],
                             position="hidden")
    if must_change_password(viewer):
        return st.navigation([st.Page(render_forced_change, title="Choose a new password",
                                      url_path="change-password")], position="hidden")
    sections: dict[str, list[st.Page]] = {}
    for spec in pages_for(viewer.role):
        sections.setdefault(spec.section, []).append(_page(spec))
    return st.navigation(sections, expanded=True)


def main() -> None:
    st.set_page_config(page_title="OneVoice", page_icon=":material/campaign:", layout="wide")
    try:
        viewer = resolve_viewer()
        apply_language(viewer)
        nav = _navigation_for(viewer)
        authenticator = make_authenticator(viewer)
        if viewer is None:
            viewer = login_form(authenticator)
            if viewer is None:
                st.stop()
            # Signed in during this run. The cookie component answers the browser in a moment and
            # that reruns the app with this role's navigation; until then show the landing page.
            importlib.import_module("pages.home").render()
            return
    except (DatabaseUnavailable, ConfigurationError) as exc:
        st.error(_("OneVoice cannot start: {problem}").format(problem=exc))
        st.stop()

    with st.sidebar:
        st.markdown(f"**{viewer.display_name}**  \n{viewer.role.value}")
        if st.button(_("Sign out"), key="ov_signout", icon=":material/logout:"):
            sign_out(authenticator)
            st.rerun()
    nav.run()


if __name__ == "__main__":
    # Streamlit runs this file as ``__main__`` for every rerun of the portal.
    main()
else:
    # ``streamlit run app.py`` finds this st.App and serves it with uvicorn: the portal (this
    # script) plus the routes of routes/ (the calendar feed) in the same server process.
    from routes import portal_routes

    app = st.App(__file__, routes=portal_routes())
