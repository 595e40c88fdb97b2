"""Admin: territories — create, rename, merge (moving every record of one into another)."""
from __future__ import annotations

import streamlit as st

from models.db import read_session
from models.enums import Role
from queries import admin as admin_queries
from services import admin
from services.markdown_safety import escape_markdown as md
from ui.actions import run_write
from ui.session import app_engine, require_viewer


def _write(action, *args, **kwargs):
    """One service call in its own transaction (see ui.actions.run_write)."""
    return run_write(lambda session: action(*args, session=session, **kwargs))


def render() -> None:
    viewer = require_viewer(Role.admin)
    st.title("Territories")
    with read_session(app_engine()) as session:
        rows = admin_queries.territories_overview(viewer, session=session)
    st.dataframe([{"Code": r.code, "Name": r.name, "Users": r.users, "Accounts": r.accounts,
                   "Open leads": r.open_leads, "Opportunities": r.opportunities} for r in rows],
                 hide_index=True, width="stretch")
    codes = [r.code for r in rows]
    c1, c2, c3 = st.columns(3)
    with c1, st.form("at_create", clear_on_submit=True):
        st.markdown("**New territory**")
        code = st.text_input("Code")
        name = st.text_input("Name")
        if st.form_submit_button("Create") and _write(admin.create_territory, viewer, code, name):
            st.success(f"Territory {md(code)} created.")
    with c2, st.form("at_rename"):
        st.markdown("**Rename**")
        code = st.selectbox("Territory", codes, key="at_rename_code")
        name = st.text_input("New name")
        if st.form_submit_button("Rename") and _write(admin.rename_territory, viewer, code, name):
            st.success(f"{md(code)} renamed.")
    with c3, st.form("at_merge"):
        st.markdown("**Merge**")
        source = st.selectbox("Move everything from", codes, key="at_merge_source")
        target = st.selectbox("into", codes, key="at_merge_target")
        confirm = st.checkbox("I understand the first territory is deleted afterwards")
        if st.form_submit_button("Merge"):
            if not confirm:
                st.error("Tick the confirmation first.")
            else:
                moved = _write(admin.merge_territories, viewer, source, target)
                if moved is not None:
                    st.success(f"Merged {md(source)} into {md(target)}: " + ", ".join(f"{v} {k}" for k, v in moved.items()))


if __name__ == "__main__":  # run on its own by Streamlit: see ui/standalone.py
    from ui.standalone import send_to_app

    send_to_app()
