"""The routing page's "rejected by sales" queue: a rep's reason, and marketing's three answers —
re-route (a new hand-over), recycle to nurture, disqualify."""
from __future__ import annotations

import streamlit as st

from i18n import _
from queries import handoff_answers, marketing
from queries.reject_reasons import reason_label
from services import acceptance
from ui.actions import run_write_then_rerun
from ui.format import when
from ui.reads import fresh_read
from ui.tables import dataframe


def _reason(row) -> str:
    return reason_label(row.reason)


def rejected_section(viewer, territories, tz) -> None:
    st.subheader(_("Rejected by sales"))
    page = fresh_read(handoff_answers.rejected_queue, viewer, page_size=100)
    linked = st.query_params.get("lead")
    rows = page.rows
    if linked and all(r.code != linked for r in rows):
        # a notification's link (?lead=CODE) brings its lead to the top, wherever it is in the queue
        rows = [*fresh_read(handoff_answers.rejected_queue, viewer, code=linked).rows, *rows]
    st.metric(_("Leads handed back"), f"{page.total:,}")
    if not rows:
        st.caption(_("No lead is waiting: sales accepted every lead handed over, or marketing has answered."))
        return
    dataframe([{_("Lead"): r.code, _("Company"): r.company, _("Campaign"): r.campaign,
                _("Territory"): r.territory or "—", _("Rejected by"): r.rep or "—", _("Reason"): _reason(r),
                _("Note"): r.note or "", _("Rejected"): when(r.rejected_at, tz)} for r in rows],
              hide_index=True, width="stretch", key="rj_table")
    labels = {r.id: f"{r.code} · {r.company} · {_reason(r)}" for r in rows}
    ids = list(labels)
    preselect = next((i for i, r in enumerate(rows) if r.code == linked), 0)
    lead_id = st.selectbox(_("Rejected lead"), ids, index=preselect, format_func=labels.get, key="rj_lead")
    lead = next(r for r in rows if r.id == lead_id)
    route, recycle, drop = st.tabs([_("Re-route"), _("Recycle to nurture"), _("Disqualify")])
    names = {t.id: t.name for t in territories}
    with route:
        territory_ids = list(names)
        territory_id = st.selectbox(_("Territory"), territory_ids, format_func=names.get, key=f"rj_terr_{lead_id}",
                                    index=territory_ids.index(lead.territory_id) if lead.territory_id in names else 0)
        reps = fresh_read(marketing.routable_reps, viewer, territory_id)
        rep_names = {r[0]: _("{name} ({n} open leads)").format(name=r[1], n=r[2]) for r in reps}
        if not reps:
            st.warning(_("{territory} has no active rep.").format(territory=names[territory_id]))
        rep_id = st.selectbox(_("Rep"), list(rep_names), format_func=rep_names.get, key=f"rj_rep_{lead_id}_{territory_id}")
        if st.button(_("Re-route lead"), type="primary", key="rj_route", disabled=not reps):
            run_write_then_rerun(
                lambda s: acceptance.reroute_lead(viewer, lead_id, territory_id=territory_id, rep_id=rep_id, session=s,
                                                  expected_version=lead.version),
                _("Lead {code} re-routed: a new hand-over with a new deadline.").format(code=lead.code))
    with recycle:
        st.caption(_("Not ready for sales: the lead goes to nurture; the rejection stays in its history."))
        if st.button(_("Recycle to nurture"), key="rj_recycle"):
            run_write_then_rerun(
                lambda s: acceptance.recycle_lead(viewer, lead_id, session=s, expected_version=lead.version),
                _("Lead {code} recycled to nurture.").format(code=lead.code))
    with drop:
        reason = st.text_input(_("Why it is disqualified"), max_chars=500, key=f"rj_dq_{lead_id}")
        if st.button(_("Disqualify lead"), key="rj_disqualify"):
            run_write_then_rerun(
                lambda s: acceptance.disqualify_returned_lead(viewer, lead_id, reason=reason, session=s,
                                                              expected_version=lead.version),
                _("Lead {code} disqualified.").format(code=lead.code))
