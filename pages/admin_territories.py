"""Admin: territories — create, rename, merge (moving every record of one into another)."""
from __future__ import annotations

import streamlit as st

from models.enums import Role
from queries import admin as admin_queries
from services import admin
from services.markdown_safety import escape_markdown as md
from ui.actions import run_write
from ui.reads import fresh_read
from ui.session import require_viewer
from ui.tables import dataframe
from i18n import _


def _write(action, *args, **kwargs):
    """One service call in its own transaction (see ui.actions.run_write)."""
    return run_write(lambda session: action(*args, session=session, **kwargs))


def render() -> None:
    viewer = require_viewer(Role.admin)
    st.title(_("Territories"))
    rows = fresh_read(admin_queries.territories_overview, viewer)
    dataframe([{_("Code"): r.code, _("Name"): r.name, _("Users"): r.users, _("Accounts"): r.accounts,
                _("Open leads"): r.open_leads, _("Opportunities"): r.opportunities} for r in rows],
              hide_index=True, width="stretch")
    codes = [r.code for r in rows]
    c1, c2, c3 = st.columns(3)
    with c1, st.form("at_create", clear_on_submit=True):
        st.markdown(_("**New territory**"))
        code = st.text_input(_("Code"))
        name = st.text_input(_("Name"))
        if st.form_submit_button(_("Create")) and _write(admin.create_territory, viewer, code, name):
            st.success(_("Territory {code} created.").format(code=md(code)))
    with c2, st.form("at_rename"):
        st.markdown(_("**Rename**"))
        code = st.selectbox(_("Territory"), codes, key="at_rename_code")
        name = st.text_input(_("New name"))
        if st.form_submit_button(_("Rename")) and _write(admin.rename_territory, viewer, code, name):
            st.success(_("{code} renamed.").format(code=md(code)))
    with c3, st.form("at_merge"):
        st.markdown(_("**Merge**"))
        source = st.selectbox(_("Move everything from"), codes, key="at_merge_source")
        target = st.selectbox(_("into"), codes, key="at_merge_target")
        confirm = st.checkbox(_("I understand the first territory is deleted afterwards"))
        if st.form_submit_button(_("Merge")):
            if not confirm:
                st.error(_("Tick the confirmation first."))
            else:
                moved = _write(admin.merge_territories, viewer, source, target)
                if moved is not None:
                    st.success(_("Merged {source} into {target}: {moved}").format(
                        source=md(source), target=md(target), moved=", ".join(f"{v:,} {k}" for k, v in moved.items())))


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
