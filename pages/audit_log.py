"""Admin: the audit log, filtered and paged in the database; CSV export (formula-safe)."""
from __future__ import annotations

from datetime import timedelta

import streamlit as st

from models.types import local_today
from models.enums import Role
from models.timefmt import period_bounds_utc
from queries import admin as admin_queries
from services.spreadsheet_export import csv_bytes
from ui.format import when
from ui.reads import fresh_read
from ui.field_widgets import business_settings
from ui.session import require_viewer
from ui.tables import dataframe
from i18n import _, ngettext

PAGE_SIZE = 50
COLUMNS = ["at", "username", "action", "entity", "entity_key", "detail"]


def _audit_csv(viewer, f, tz, *, session) -> bytes:
    """The filtered log as CSV, streamed from the database in one read session."""
    return csv_bytes(COLUMNS, ([r.at.astimezone(tz).isoformat(), r.username, r.action, r.entity, r.entity_key, r.detail]
                               for r in admin_queries.iter_audit_entries(viewer, f, session=session)))


def render() -> None:
    viewer = require_viewer(Role.admin)
    st.title(_("Audit log"))
    settings = business_settings()
    choices = fresh_read(admin_queries.audit_choices, viewer)
    c1, c2, c3, c4 = st.columns(4)
    username = c1.text_input(_("User"), key="al_user").strip() or None
    all_or = lambda v: _("All") if v == "(all)" else v  # noqa: E731 - entity and action codes are the log's own
    entity = c2.selectbox(_("Entity"), ["(all)"] + choices["entity"], key="al_entity", format_func=all_or)
    action = c3.selectbox(_("Action"), ["(all)"] + choices["action"], key="al_action", format_func=all_or)
    today = local_today(settings.tz)
    period = c4.date_input(_("Dates"), value=(today - timedelta(days=30), today), key="al_dates")
    start, end = (period if isinstance(period, tuple) and len(period) == 2 else (today - timedelta(days=30), today))
    lo, hi = period_bounds_utc(start, end, settings.tz)
    f = admin_queries.AuditFilter(username=username, entity=None if entity == "(all)" else entity,
                                  action=None if action == "(all)" else action, start=lo, end=hi)
    page = st.number_input(_("Page"), min_value=1, value=1, step=1, key="al_page")
    rows, total = fresh_read(admin_queries.audit_entries, viewer, f, limit=PAGE_SIZE, offset=(int(page) - 1) * PAGE_SIZE)
    st.caption(ngettext("{n} entry · times in {time_zone} · append-only", "{n} entries · times in {time_zone} · append-only", total).format(
        n=total, time_zone=settings.time_zone))
    dataframe([{_("When"): when(r.at, settings.tz), _("User"): r.username or "", _("Action"): r.action, _("Entity"): r.entity,
                _("Key"): r.entity_key or "", _("Changes"): r.detail or ""} for r in rows],
              hide_index=True, width="stretch")
    if st.button(_("Prepare CSV export"), key="al_export"):
        data = fresh_read(_audit_csv, viewer, f, settings.tz)
        st.download_button(_("Download audit log (CSV)"), data, file_name=f"audit_{start}_{end}.csv",
                           mime="text/csv", key="al_download", on_click="ignore")


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
