"""Admin: business settings and the monthly revenue targets and forecasts grid."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from models.db import read_session, write_session
from models.types import local_today
from models.enums import Role, SettingKey
from models.settings_store import load_settings
from queries import admin as admin_queries
from services import admin
from services.errors import ValidationFailed
from ui.session import app_engine, require_viewer


def _settings(viewer) -> None:
    with read_session(app_engine()) as session:
        current = load_settings(session=session)
    with st.form("as_settings"):
        c1, c2, c3 = st.columns(3)
        sla = c1.text_input("Response-time SLA (hours)", value=f"{current.sla_hours:g}")
        tz = c2.text_input("Time zone (IANA)", value=current.time_zone)
        currency = c3.text_input("Currency (ISO code)", value=current.currency)
        if not st.form_submit_button("Save settings"):
            return
    try:
        with write_session(app_engine()) as session:
            for key, value in ((SettingKey.sla_hours, sla), (SettingKey.time_zone, tz), (SettingKey.currency, currency)):
                admin.update_setting(viewer, key.value, value, session=session)
        st.success("Settings saved.")
    except ValidationFailed as exc:
        for problem in exc.problems:
            st.error(problem)


def _targets(viewer) -> None:
    with read_session(app_engine()) as session:
        today = local_today(load_settings(session=session).tz)
    year = st.number_input("Year", min_value=2000, max_value=2100, value=today.year, step=1)
    with read_session(app_engine()) as session:
        rows = admin_queries.targets_grid(viewer, session=session, start=date(int(year), 1, 1), months=12)
    frame = pd.DataFrame(rows)
    for column in ("revenue_target", "forecast"):
        frame[column] = frame[column].map(lambda v: None if v is None else str(v))
    edited = st.data_editor(
        frame, hide_index=True, width="stretch", key=f"as_targets_{year}", disabled=["territory", "month"],
        column_config={"revenue_target": st.column_config.TextColumn("Revenue target", help="A decimal amount ≥ 0"),
                       "forecast": st.column_config.TextColumn("Forecast", help="A decimal amount ≥ 0")})
    if st.button("Save targets and forecasts", key="as_targets_save"):
        changes = [admin.TargetRow(r["territory"], r["month"], r["revenue_target"], r["forecast"])
                   for r in edited.to_dict("records")]
        try:
            with write_session(app_engine()) as session:
                changed = admin.save_targets(viewer, changes, session=session)
            st.success(f"Saved: {changed} rows changed.")
        except ValidationFailed as exc:
            for problem in exc.problems:
                st.error(problem)


def render() -> None:
    viewer = require_viewer(Role.admin)
    st.title("Settings, targets and forecasts")
    st.subheader("Business settings")
    _settings(viewer)
    st.subheader("Monthly revenue targets and forecasts")
    _targets(viewer)


if __name__ == "__main__":  # run on its own by Streamlit: see ui/standalone.py
    from ui.standalone import send_to_app

    send_to_app()
