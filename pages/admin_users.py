"""Admin: users — create, edit role/territory/manager, disable with handover, one-time passwords."""
from __future__ import annotations

import streamlit as st

from models.enums import Role
from queries import admin as admin_queries
from services import admin
from services.markdown_safety import escape_markdown as md
from ui.actions import run_write
from ui.reads import fresh_read
from ui.session import require_viewer
from ui.labels import label, labeller
from i18n import _, ngettext
from ui.format import yes_no
from ui.tables import dataframe

PAGE_SIZE = 25


def _write(action, *args, **kwargs):
    """One service call in its own transaction (see ui.actions.run_write)."""
    return run_write(lambda session: action(*args, session=session, **kwargs))


def _user_list(viewer, territories):
    c1, c2, c3 = st.columns([2, 1, 1])
    search = c1.text_input(_("Search username or name"), key="au_search")
    role = c2.selectbox(_("Role"), ["(all)"] + [r.value for r in Role], key="au_role",
                        format_func=lambda r: _("All") if r == "(all)" else label(r, Role))
    territory = c3.selectbox(_("Territory"), ["(all)"] + territories, key="au_territory",
                             format_func=lambda t: _("All") if t == "(all)" else t)
    page = st.session_state.get("au_page", 0)
    rows, total = fresh_read(admin_queries.list_users, viewer, search=search, role=None if role == "(all)" else role,
                             territory_code=None if territory == "(all)" else territory,
                             limit=PAGE_SIZE, offset=page * PAGE_SIZE)
    dataframe([{_("Username"): r.username, _("Name"): r.display_name, _("Role"): label(r.role, Role), _("Territory"): r.territory or "",
                _("Manager"): r.manager or "", _("Active"): yes_no(r.active), _("Must change password"): yes_no(r.must_change_password),
                _("Locked out"): yes_no(r.locked)} for r in rows], hide_index=True, width="stretch")
    pages = max(1, -(-total // PAGE_SIZE))
    c1, c2, c3 = st.columns([1, 1, 4])
    if c1.button(_("◀ Previous"), disabled=page == 0, key="au_prev"):
        st.session_state["au_page"] = page - 1
        st.rerun()
    if c2.button(_("Next ▶"), disabled=page + 1 >= pages, key="au_next"):
        st.session_state["au_page"] = page + 1
        st.rerun()
    c3.caption(ngettext("{n} user · page {page} of {pages}", "{n} users · page {page} of {pages}", total).format(n=total, page=page + 1, pages=pages))


def _create_form(viewer, territories):
    with st.form("au_create", clear_on_submit=False):
        st.markdown(_("**New user**"))
        c1, c2, c3 = st.columns(3)
        username = c1.text_input(_("Username"))
        display_name = c2.text_input(_("Display name"))
        email = c3.text_input(_("E-mail"))
        c1, c2, c3 = st.columns(3)
        role = c1.selectbox(_("Role"), [r.value for r in Role], format_func=labeller(Role))
        territory = c2.selectbox(_("Territory"), ["(none)"] + territories,
                                 format_func=lambda t: _("— none —") if t == "(none)" else t)
        manager = c3.text_input(_("Manager (username)"))
        submitted = st.form_submit_button(_("Create user with a one-time password"))
    if not submitted:
        return
    created = _write(admin.create_user, viewer, username=username.strip(), role=role,
                     territory_code=None if territory == "(none)" else territory,
                     display_name=display_name.strip() or None, email=email.strip() or None,
                     manager_username=manager.strip() or None)
    if created is not None:
        one_time = created[1]
        st.success(_("Created {username}. One-time password (shown once; they must change it at sign-in):").format(username=md(username)))
        st.code(one_time, language=None)


def _edit_form(viewer, territories):
    username = st.text_input(_("Username of the user to change"), key="au_edit_username").strip()
    if not username:
        return
    rows, _total = fresh_read(admin_queries.list_users, viewer, search=username, limit=50)
    user = next((r for r in rows if r.username == username), None)
    if user is None:
        st.warning(_("No user named {username}.").format(username=md(repr(username))))
        return
    with st.form("au_edit"):
        c1, c2 = st.columns(2)
        display_name = c1.text_input(_("Display name"), value=user.display_name)
        email = c2.text_input(_("E-mail"), value=user.email or "")
        c1, c2, c3 = st.columns(3)
        roles = [r.value for r in Role]
        role = c1.selectbox(_("Role"), roles, index=roles.index(user.role), format_func=labeller(Role))
        options = ["(none)"] + territories
        territory = c2.selectbox(_("Territory"), options, index=options.index(user.territory) if user.territory in options else 0,
                                 format_func=lambda t: _("— none —") if t == "(none)" else t)
        manager = c3.text_input(_("Manager (username)"), value=user.manager or "")
        if st.form_submit_button(_("Save changes")):
            if _write(admin.update_user, viewer, username, display_name=display_name, email=email.strip() or None,
                      role=role, territory_code=None if territory == "(none)" else territory,
                      manager_username=manager.strip() or None) is not None:
                st.success(_("Saved. A role or territory change signs the user out everywhere."))
    c1, c2 = st.columns(2)
    with c1:
        st.markdown(_("**Disable**") if user.active else _("**Enable**"))
        if user.active:
            reps = [r for r in fresh_read(admin_queries.active_reps_of, viewer, user.territory)
                    if r != username] if user.territory else []
            handover = st.selectbox(_("Hand open leads and deals to"), ["(nobody)"] + reps, key="au_handover",
                                    format_func=lambda r: _("— nobody —") if r == "(nobody)" else r)
            if st.button(_("Disable user"), key="au_disable", type="primary"):
                moved = _write(admin.disable_user, viewer, username,
                               handover_to=None if handover == "(nobody)" else handover)
                if moved is not None:
                    st.success(_("{username} disabled; handed over: {leads}, {deals}.").format(
                        username=md(username), leads=ngettext("{n} open lead", "{n} open leads", moved.leads).format(n=moved.leads),
                        deals=ngettext("{n} open deal", "{n} open deals", moved.opportunities).format(n=moved.opportunities)))
        elif st.button(_("Enable user"), key="au_enable"):
            if _write(admin.enable_user, viewer, username) is not None:
                st.success(_("{username} enabled.").format(username=md(username)))
    with c2:
        st.markdown(_("**Reset password**"))
        if st.button(_("Issue a one-time password"), key="au_reset"):
            one_time = _write(admin.reset_password, viewer, username)
            if one_time:
                st.success(_("One-time password (shown once; it must be changed at the next sign-in):"))
                st.code(one_time, language=None)


def render() -> None:
    viewer = require_viewer(Role.admin)
    st.title(_("Users"))
    territories = fresh_read(admin_queries.territory_codes, viewer)
    tab_list, tab_new, tab_edit = st.tabs([_("All users"), _("Create"), _("Edit / disable / reset")])
    with tab_list:
        _user_list(viewer, territories)
    with tab_new:
        _create_form(viewer, territories)
    with tab_edit:
        _edit_form(viewer, territories)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
