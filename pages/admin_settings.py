"""Admin: business settings and the monthly revenue targets and forecasts grid."""
from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st

from models.db import write_session
from i18n import _
from models.enums import SETTING_DEFAULTS, Role, SettingKey, SlaClock
from ui.labels import label
from models.types import local_today
from models.errors import ValidationFailed
from queries import admin as admin_queries
from services import admin
from services.markdown_safety import escape_markdown as md
from ui.reads import fresh_read
from ui.field_widgets import business_settings
from ui.session import app_engine, require_viewer
from i18n import ngettext


def _settings(viewer) -> None:
    current = business_settings()
    with st.form("as_settings"):
        c1, c2, c3 = st.columns(3)
        sla = c1.text_input(_("Response-time SLA (hours)"), value=f"{current.sla_hours:g}")
        tz = c2.text_input(_("Time zone (IANA)"), value=current.time_zone)
        currency = c3.text_input(_("Currency (ISO code)"), value=current.currency)
        if not st.form_submit_button(_("Save settings")):
            return
    try:
        with write_session(app_engine()) as session:
            for key, value in ((SettingKey.sla_hours, sla), (SettingKey.time_zone, tz), (SettingKey.currency, currency)):
                admin.update_setting(viewer, key.value, value, session=session)
        st.success(_("Settings saved."))
    except ValidationFailed as exc:
        for problem in exc.problems:
            st.error(md(problem))


POLICY_FIELDS = [SettingKey.sla_hours_enterprise, SettingKey.sla_hours_mid_market, SettingKey.sla_hours_smb,
                 SettingKey.business_hours, SettingKey.business_days, SettingKey.holiday_country,
                 SettingKey.warn_before_hours, SettingKey.reassign_after_hours]


def _sla_policy(viewer) -> None:
    """The SLA policy and the escalation ladder (DESIGN.md "Second round")."""
    stored = fresh_read(admin_queries.stored_settings, viewer)
    st.info(_("A change applies to leads handed over from now on: the deadline of a lead already handed "
              "over is kept, so past compliance never changes."))
    with st.form("as_sla_policy"):
        clocks = [c.value for c in SlaClock]
        current = stored.get(SettingKey.sla_clock.value, SETTING_DEFAULTS[SettingKey.sla_clock])
        clock = st.radio(label(SettingKey.sla_clock), clocks, horizontal=True,
                         index=clocks.index(current) if current in clocks else 0,
                         format_func=lambda c: label(c, SlaClock))
        cols = st.columns(2)
        values = {SettingKey.sla_clock: clock}
        for i, key in enumerate(POLICY_FIELDS):
            values[key] = cols[i % 2].text_input(label(key), value=stored.get(key.value, SETTING_DEFAULTS[key]),
                                                 key=f"as_policy_{key.value}")
        if not st.form_submit_button(_("Save SLA policy")):
            return
    try:
        with write_session(app_engine()) as session:
            for key, value in values.items():
                admin.update_setting(viewer, key.value, value, session=session)
        st.success(_("SLA policy saved; it applies to the next hand-overs."))
    except ValidationFailed as exc:
        for problem in exc.problems:
            st.error(problem)


def _targets(viewer) -> None:
    today = local_today(business_settings().tz)
    year = st.number_input(_("Year"), min_value=2000, max_value=2100, value=today.year, step=1)
    rows = fresh_read(admin_queries.targets_grid, viewer, start=date(int(year), 1, 1), months=12)
    # Text before pandas sees the numbers: a column of numbers with gaps would become floats with
    # NaN, shown as "nan" and "5.0" (what the grid showed for a year with unset months).
    text = ("revenue_target", "forecast", "lead_commitment")
    frame = pd.DataFrame([{k: (None if v is None else str(v)) if k in text else v for k, v in r.items()} for r in rows],
                         dtype=object)
    edited = st.data_editor(
        frame, hide_index=True, width="stretch", key=f"as_targets_{year}", disabled=["territory", "month"],
        column_config={"territory": st.column_config.Column(_("Territory")), "month": st.column_config.Column(_("Month")),
                       "revenue_target": st.column_config.TextColumn(_("Revenue target"), help=_("A decimal amount ≥ 0")),
                       "forecast": st.column_config.TextColumn(_("Forecast"), help=_("A decimal amount ≥ 0")),
                       "lead_commitment": st.column_config.TextColumn(
                           _("Lead commitment"), help=_("Leads marketing promises to hand over that month"))})
    if st.button(_("Save targets and forecasts"), key="as_targets_save"):
        changes = [admin.TargetRow(r["territory"], r["month"], r["revenue_target"], r["forecast"],
                                   r.get("lead_commitment"))
                   for r in edited.to_dict("records")]
        try:
            with write_session(app_engine()) as session:
                changed = admin.save_targets(viewer, changes, session=session)
            st.success(ngettext("Saved: {n} row changed.", "Saved: {n} rows changed.", changed).format(n=changed))
        except ValidationFailed as exc:
            for problem in exc.problems:
                st.error(md(problem))


def render() -> None:
    viewer = require_viewer(Role.admin)
    st.title(_("Settings, targets and forecasts"))
    st.subheader(_("Business settings"))
    _settings(viewer)
    st.subheader(_("Response-time SLA policy and escalation"))
    _sla_policy(viewer)
    st.subheader(_("Monthly revenue targets and forecasts"))
    _targets(viewer)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
