"""Admin: users — create, edit role/territory/manager, disable with handover, one-time passwords."""
from __future__ import annotations

import streamlit as st

from models.db import read_session
from models.enums import Role
from queries import admin as admin_queries
from services import admin
from services.markdown_safety import escape_markdown as md
from ui.actions import run_write
from ui.session import app_engine, require_viewer

PAGE_SIZE = 25


def _write(action, *args, **kwargs):
    """One service call in its own transaction (see ui.actions.run_write)."""
    return run_write(lambda session: action(*args, session=session, **kwargs))


def _user_list(viewer, territories):
    c1, c2, c3 = st.columns([2, 1, 1])
    search = c1.text_input("Search username or name", key="au_search")
    role = c2.selectbox("Role", ["(all)"] + [r.value for r in Role], key="au_role")
    territory = c3.selectbox("Territory", ["(all)"] + territories, key="au_territory")
    page = st.session_state.get("au_page", 0)
    with read_session(app_engine()) as session:
        rows, total = admin_queries.list_users(viewer, session=session, search=search,
                                               role=None if role == "(all)" else role,
                                               territory_code=None if territory == "(all)" else territory,
                                               limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    st.dataframe([{"Username": r.username, "Name": r.display_name, "Role": r.role, "Territory": r.territory or "",
                   "Manager": r.manager or "", "Active": r.active, "Must change password": r.must_change_password,
                   "Locked out": r.locked} for r in rows], hide_index=True, width="stretch")
    pages = max(1, -(-total // PAGE_SIZE))
    c1, c2, c3 = st.columns([1, 1, 4])
    if c1.button("◀ Previous", disabled=page == 0, key="au_prev"):
        st.session_state["au_page"] = page - 1
        st.rerun()
    if c2.button("Next ▶", disabled=page + 1 >= pages, key="au_next"):
        st.session_state["au_page"] = page + 1
        st.rerun()
    c3.caption(f"{total} users · page {page + 1} of {pages}")


def _create_form(viewer, territories):
    with st.form("au_create", clear_on_submit=False):
        st.markdown("**New user**")
        c1, c2, c3 = st.columns(3)
        username = c1.text_input("Username")
        display_name = c2.text_input("Display name")
        email = c3.text_input("E-mail")
        c1, c2, c3 = st.columns(3)
        role = c1.selectbox("Role", [r.value for r in Role])
        territory = c2.selectbox("Territory", ["(none)"] + territories)
        manager = c3.text_input("Manager (username)")
        submitted = st.form_submit_button("Create user with a one-time password")
    if not submitted:
        return
    created = _write(admin.create_user, viewer, username=username.strip(), role=role,
                     territory_code=None if territory == "(none)" else territory,
                     display_name=display_name.strip() or None, email=email.strip() or None,
                     manager_username=manager.strip() or None)
    if created is not None:
        one_time = created[1]
        st.success(f"Created {md(username)}. One-time password (shown once; they must change it at sign-in):")
        st.code(one_time, language=None)


def _edit_form(viewer, territories):
    username = st.text_input("Username of the user to change", key="au_edit_username").strip()
    if not username:
        return
    with read_session(app_engine()) as session:
        rows, _ = admin_queries.list_users(viewer, session=session, search=username, limit=50)
    user = next((r for r in rows if r.username == username), None)
    if user is None:
        st.warning(f"No user named {md(repr(username))}.")
        return
    with st.form("au_edit"):
        c1, c2 = st.columns(2)
        display_name = c1.text_input("Display name", value=user.display_name)
        email = c2.text_input("E-mail", value=user.email or "")
        c1, c2, c3 = st.columns(3)
        roles = [r.value for r in Role]
        role = c1.selectbox("Role", roles, index=roles.index(user.role))
        options = ["(none)"] + territories
        territory = c2.selectbox("Territory", options, index=options.index(user.territory) if user.territory in options else 0)
        manager = c3.text_input("Manager (username)", value=user.manager or "")
        if st.form_submit_button("Save changes"):
            if _write(admin.update_user, viewer, username, display_name=display_name, email=email.strip() or None,
                      role=role, territory_code=None if territory == "(none)" else territory,
                      manager_username=manager.strip() or None) is not None:
                st.success("Saved. A role or territory change signs the user out everywhere.")
    c1, c2 = st.columns(2)
    with c1:
        st.markdown("**Disable**" if user.active else "**Enable**")
        if user.active:
            with read_session(app_engine()) as session:
                reps = [r for r in admin_queries.active_reps_of(viewer, user.territory, session=session)
                        if r != username] if user.territory else []
            handover = st.selectbox("Hand open leads and deals to", ["(nobody)"] + reps, key="au_handover")
            if st.button("Disable user", key="au_disable", type="primary"):
                moved = _write(admin.disable_user, viewer, username,
                               handover_to=None if handover == "(nobody)" else handover)
                if moved is not None:
                    st.success(f"{md(username)} disabled; {moved.leads} open leads and {moved.opportunities} open deals "
                               f"handed over.")
        elif st.button("Enable user", key="au_enable"):
            if _write(admin.enable_user, viewer, username) is not None:
                st.success(f"{md(username)} enabled.")
    with c2:
        st.markdown("**Reset password**")
        if st.button("Issue a one-time password", key="au_reset"):
            one_time = _write(admin.reset_password, viewer, username)
            if one_time:
                st.success("One-time password (shown once; it must be changed at the next sign-in):")
                st.code(one_time, language=None)


def render() -> None:
    viewer = require_viewer(Role.admin)
    st.title("Users")
    with read_session(app_engine()) as session:
        territories = admin_queries.territory_codes(viewer, session=session)
    tab_list, tab_new, tab_edit = st.tabs(["All users", "Create", "Edit / disable / reset"])
    with tab_list:
        _user_list(viewer, territories)
    with tab_new:
        _create_form(viewer, territories)
    with tab_edit:
        _edit_form(viewer, territories)


if __name__ == "__main__":  # run on its own by Streamlit: see ui/standalone.py
    from ui.standalone import send_to_app

    send_to_app()
