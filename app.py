"""OneVoice entry point: page config, the sign-in gate, and the navigation of the viewer's role.

Only the pages the signed-in role may see are registered, so another role's URL does not exist
for this user; without a session only the sign-in form is registered. The session is resolved
before st.navigation and the library's cookie component is drawn after it (see ui.session).

The same file defines the server (``app = st.App(...)``) that ``streamlit run app.py`` starts:
Streamlit's Starlette app with the extra HTTP routes of ``routes/`` (the calendar feed), whose
start-up turns Nagle's algorithm off on the listening socket (``routes/server_socket.py``).
"""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import streamlit as st

if __name__ == "__main__":
    # The portal's modules only in a script run: imported by the server before its runtime
    # exists, they would declare the sign-in library's cookie component and st.cache_* into a
    # registry the runtime then does not use.
    from i18n import _, current_language
    from models.config import load_config
    from models.db import DatabaseUnavailable
    from services.markdown_safety import escape_markdown as md
    from ui.background import start_background_sweep
    from ui.inbox_badge import unread_badge
    from ui.labels import label
    from ui.language import apply_language
    from ui.phone import close_sidebar_after_navigation, phone_style
    from ui.registry import CHANGE_PASSWORD, DEFAULT_URL_PATH, SIGN_IN, explain_unavailable_page, pages_for
    from ui.session import (ConfigurationError, login_form, make_authenticator, must_change_password, resolve_viewer,
                            sign_out)
    from ui.standalone import through_navigation

NAV_PAGES_KEY = "ov_nav_pages"   # ((role, language), sections, pages by address) of this session
_PAGES: dict[str, st.Page] = {}


def _page(spec, default: bool = False) -> st.Page:
    """A page *file* (pages/<module>.py): Streamlit runs it for its address, and its last line
    hands over to its render() only in a run that came through this navigation."""
    # The folder is resolved here, once per session's pages, not at the top of the file: this file
    # runs as __main__ on every rerun, and resolving the path was ~4% of the script's samples on a
    # rep's My day (bench/README.md, eleventh session).
    return st.Page(Path(__file__).resolve().parent / spec.script, title=_(spec.title), url_path=spec.url_path,
                   icon=spec.icon or None, default=default or spec.url_path == DEFAULT_URL_PATH)


def _role_pages(viewer) -> dict[str, list[st.Page]]:
    """The role's pages by section, in the reader's language: built once per session, role and
    language and kept in the session (a session runs one script at a time, and st.navigation
    marks the page it returns for that run), not again on every rerun."""
    key = (viewer.role, current_language())
    kept = st.session_state.get(NAV_PAGES_KEY)
    if kept is None or kept[0] != key:
        sections: dict[str, list[st.Page]] = {}
        pages: dict[str, st.Page] = {}
        for spec in pages_for(viewer.role):
            pages[spec.url_path] = _page(spec)
            sections.setdefault(_(spec.section), []).append(pages[spec.url_path])
        kept = st.session_state[NAV_PAGES_KEY] = (key, sections, pages)
    _PAGES.update(kept[2])
    return kept[1]


def _navigation_for(viewer):
    if viewer is None:   # the page is empty; the form itself is drawn by login_form
        return st.navigation([_page(SIGN_IN, default=True)], position="hidden")
    if must_change_password():
        return st.navigation([_page(CHANGE_PASSWORD, default=True)], position="hidden")
    return st.navigation(_role_pages(viewer), expanded=True)


def main() -> None:
    # The icon is an emoji, drawn by the browser: a Material icon here is fetched from Google's
    # font server, which fails (console errors) on a network without Internet access. "auto" keeps
    # the sidebar closed on phones at first; ui.phone closes it again after each navigation.
    st.set_page_config(page_title="OneVoice", page_icon="📣", layout="wide", initial_sidebar_state="auto")
    try:
        viewer = resolve_viewer()
        apply_language(viewer)
        nav = _navigation_for(viewer)
        if viewer is None:
            phone_style()    # signed in, the sidebar's script element carries the style
            viewer = login_form(make_authenticator())
            if viewer is None:
                st.stop()
            # Signed in during this run. The cookie component answers the browser in a moment and
            # that reruns the app with this role's navigation; until then show the landing page.
            importlib.import_module("pages.home").render()
            return
    except (DatabaseUnavailable, ConfigurationError) as exc:
        phone_style()
        st.error(_("OneVoice cannot start: {problem}").format(problem=exc))
        st.stop()

    start_background_sweep(load_config().database_url)
    with st.sidebar:
        st.markdown(f"**{md(viewer.display_name)}**  \n{label(viewer.role)}")
        if "my-inbox" in _PAGES:
            unread_badge(viewer, _PAGES["my-inbox"])
        # A callback: it runs before the script, so no rerun arriving meanwhile can lose the click.
        st.button(_("Sign out"), key="ov_signout", icon=":material/logout:", on_click=sign_out)
        close_sidebar_after_navigation()
    explain_unavailable_page(viewer, nav.url_path)
    with through_navigation():
        nav.run()


if __name__ == "__main__":
    # Streamlit runs this file as ``__main__`` for every rerun of the portal.
    main()
else:
    # ``streamlit run app.py`` finds this st.App and serves it with uvicorn: the portal (this
    # script) plus the routes of routes/ (the calendar feed) in the same server process.
    from streamlit.runtime.pages_manager import PagesManager

    from routes import portal_routes
    from routes.server_socket import lifespan

    # The portal registers its pages with st.navigation. Until a process's first st.navigation
    # call, the pages/ folder beside this file would make Streamlit run each new session's script
    # in its old folder-based multipage mode: glob pages/, send a navigation of the file names and
    # a "page not found" for a deep link (a toast in the browser), then run this script
    # (tests/test_server_first_runs.py). The flag is what that first call sets; set it before any.
    PagesManager.uses_pages_directory = False
    # The data layer (no Streamlit in it) is imported here, once, on the server's thread: imported
    # first by two script threads at once after a start, its circular package imports met Python's
    # import-lock deadlock check (_DeadlockError in queries.kpis, seen under the 200-user load).
    for package in ("i18n", "models", "queries", "services"):
        for module in pkgutil.walk_packages(importlib.import_module(package).__path__, package + "."):
            importlib.import_module(module.name)
    app = st.App(__file__, routes=portal_routes(), lifespan=lifespan)
