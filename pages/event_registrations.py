"""Event registrations (marketing): per event registered, attended, no-show, attendance rate,
leads, their pipeline and won revenue; import an event's registration list (CSV/XLSX, preview
and de-duplication as the lead import) or add one by hand.

A page file: app.py registers it with st.navigation (see ui/standalone.py)."""
from __future__ import annotations

import streamlit as st

from i18n import N_, _, ngettext
from models.enums import RegistrationStatus, Role
from queries import marketing
from queries import registrations as reg_q
from services import registrations as reg
from services.lead_import_parsing import auto_mapping, open_lead_file, read_header
from ui.actions import reported_errors, run_write, show_flash
from ui.campaign_picker import pick_campaign
from ui.field_widgets import business_settings, page_offset, pager
from ui.format import money, pct, when
from ui.labels import label
from ui.reads import fresh_read
from ui.session import require_viewer
from ui.tables import dataframe

MARKETING = (Role.marketer, Role.admin)
PREVIEW_KEY = "reg_preview"
MAPPED = ("company", "email", "contact_name", "phone")
LIST_PAGE = 50


def _field_label(field: str) -> str:
    return {"company": _("Company"), "email": _("E-mail"), "contact_name": _("Name"), "phone": _("Phone")}[field]


def _results(viewer, campaign_id, settings) -> None:
    rows = fresh_read(reg_q.event_results, viewer, campaign_id=campaign_id)
    if not rows:
        st.caption(_("This campaign has no events yet."))
        return
    dataframe([{_("Event"): r.title, _("Code"): r.code, _("Territory"): r.territory,
                _("Starts"): when(r.starts_at, settings.tz), _("Registered"): r.registered,
                _("Attended"): r.attended, _("No-show"): r.no_show,
                _("Attendance rate"): pct(r.attendance_rate) if r.attendance_rate is not None else "—",
                _("Leads"): r.leads, _("Pipeline"): money(r.pipeline, settings.currency),
                _("Won revenue"): money(r.won_revenue, settings.currency)} for r in rows],
              hide_index=True, width="stretch")


def _import(viewer, event_id: int) -> None:
    uploaded = st.file_uploader(_("Registration list (CSV or XLSX with a header row)"), type=["csv", "xlsx"],
                                key="reg_file")
    if uploaded is None:
        return
    with reported_errors():
        lead_file = open_lead_file(uploaded.name, uploaded.getvalue())
        headers = read_header(lead_file)
        guessed = auto_mapping(headers)
        options = [None, *range(len(headers))]
        cols = st.columns(len(MAPPED))
        mapping = {f: col.selectbox(_field_label(f), options, index=options.index(guessed[f]),
                                    format_func=lambda i: _("— not in the file —") if i is None else headers[i],
                                    key=f"reg_map_{f}_{uploaded.file_id}") for f, col in zip(MAPPED, cols)}
        signature = (uploaded.file_id, tuple(mapping.items()), event_id)
        if st.button(_("Check the file"), key="reg_check"):
            st.session_state[PREVIEW_KEY] = (signature, fresh_read(
                reg.preview_registrations, viewer, lead_file, mapping, event_id=event_id))
        stored = st.session_state.get(PREVIEW_KEY)
        if not stored or stored[0] != signature:
            return
        report = stored[1]
        c1, c2, c3 = st.columns(3)
        c1.metric(_("Rows in the file"), report.total_rows)
        c2.metric(_("Ready to import"), report.good_rows)
        c3.metric(_("Rows with problems"), report.rejected_rows)
        if report.problems:
            dataframe([{_("Row"): p.row_no, _("Problem"): "; ".join(p.reasons), _("E-mail"): p.values["email"],
                        _("Company"): p.values["company"]} for p in report.problems],
                      hide_index=True, width="stretch")
        if st.button(ngettext("Import {n} registration", "Import {n} registrations",
                              report.good_rows).format(n=report.good_rows), type="primary",
                     disabled=report.good_rows == 0, key="reg_confirm"):
            st.session_state.pop(PREVIEW_KEY, None)
            run_write(lambda s: reg.import_registrations(viewer, lead_file, mapping, event_id=event_id, session=s),
                      lambda r: ngettext("Imported {n} registration.", "Imported {n} registrations.",
                                         r.good_rows).format(n=r.good_rows), rerun=True)


def _add_by_hand(viewer, event_id: int) -> None:
    with st.form("reg_add", clear_on_submit=True):
        cols = st.columns(4)
        email = cols[0].text_input(_("E-mail"), key="reg_add_email")
        company = cols[1].text_input(_("Company"), key="reg_add_company")
        name = cols[2].text_input(_("Name"), key="reg_add_name")
        phone = cols[3].text_input(_("Phone"), key="reg_add_phone")
        if st.form_submit_button(_("Add registration")):
            data = reg.RegistrationInput(email=email, company=company, contact_name=name, phone=phone)
            run_write(lambda s: reg.add_registration(viewer, event_id, data, session=s),
                      _("{email} registered.").format(email=email.strip()), rerun=True)


def _list(viewer, event_id: int, tz) -> None:
    search = st.text_input(_("Search name, company or e-mail"), key="reg_list_search")
    offset = page_offset("reg_list_page", (event_id, search), LIST_PAGE)
    page = fresh_read(reg_q.event_registrations, viewer, event_id, search=search, limit=LIST_PAGE, offset=offset)
    dataframe([{_("Name"): r.contact_name or "", _("Company"): r.company, _("E-mail"): r.email,
                _("Status"): label(r.status, RegistrationStatus), _("Registered"): when(r.registered_at, tz),
                _("Checked in"): when(r.checked_in_at, tz), _("Lead"): r.lead_code or ""} for r in page.rows],
              hide_index=True, width="stretch")
    pager(page, "reg_list_page", N_("registrations"))


def render() -> None:
    viewer = require_viewer(*MARKETING)
    st.title(_("Event registrations"))
    show_flash()
    settings = business_settings()
    campaign_id = pick_campaign(viewer, key="reg")
    if campaign_id is None:
        return
    _results(viewer, campaign_id, settings)
    events = dict(fresh_read(marketing.event_choices, viewer, campaign_id))
    if not events:
        return
    event_id = st.selectbox(_("Event"), list(events), format_func=events.get, key="reg_event")
    tab_list, tab_import, tab_add = st.tabs([_("Registrations"), _("Import a list"), _("Add by hand")])
    with tab_list:
        _list(viewer, event_id, settings.tz)
    with tab_import:
        _import(viewer, event_id)
    with tab_add:
        _add_by_hand(viewer, event_id)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
