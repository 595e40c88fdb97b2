"""The black hole: per campaign and territory, what sales did with the leads marketing handed over.

The numbers are the executive KPIs (queries.kpis) taken with the campaign and territory filter.
Page modules only define functions; app.py registers ``render`` with st.navigation.
"""
from __future__ import annotations

from datetime import date

import streamlit as st

from models.db import read_session
from models.types import local_today
from models.enums import Role
from models.settings_store import load_settings
from models.timefmt import fmt_duration
from queries import black_hole
from ui.campaign_picker import pick_campaign
from ui.format import money, pct, when
from ui.session import app_engine, require_viewer

MARKETING = (Role.marketer, Role.admin)


def _row_dict(r, currency: str) -> dict:
    return {"Territory": r.territory, "Handed over": r.leads_assigned, "Touched within SLA": r.touched_within_sla,
            "SLA compliance": pct(r.sla_compliance), "Overdue untouched": r.untouched_leads,
            "Median first touch (h)": "—" if r.median_first_touch_hours is None else f"{r.median_first_touch_hours:.1f}",
            "Created": r.leads_created, "Converted": r.converted, "Conversion": pct(r.lead_conversion_rate),
            "Disqualified": r.disqualified, "Open deals": r.open_deals, "Open pipeline": money(r.open_pipeline, currency),
            "Won deals": r.won_deals, "Won revenue": money(r.won_revenue, currency)}


def _tiles(view, currency: str) -> None:
    t = view.total
    cols = st.columns(6)
    cols[0].metric("Leads handed over", f"{t.leads_assigned:,}")
    cols[1].metric(f"Touched within {view.sla_hours:g} h", f"{t.touched_within_sla:,}",
                   help=f"SLA compliance {pct(t.sla_compliance)}")
    cols[2].metric("Overdue, never touched", f"{t.untouched_leads:,}",
                   help="Past the response deadline with no first touch, not disqualified: the black hole.")
    cols[3].metric("Converted", f"{t.converted:,}", help=f"Conversion rate {pct(t.lead_conversion_rate)}")
    cols[4].metric("Disqualified", f"{t.disqualified:,}")
    cols[5].metric("Won revenue", money(t.won_revenue, currency), help=f"{t.won_deals} won deals from this campaign")


def _period(viewer, campaign_id, session) -> tuple[date, date]:
    start, end = black_hole.default_period(viewer, campaign_id, session=session)
    picked = st.date_input("Period (leads handed over / created, deals closed)", value=(start, end),
                           key=f"bh_period_{campaign_id}", format="YYYY-MM-DD")
    if isinstance(picked, (tuple, list)) and len(picked) == 2:
        return picked[0], picked[1]
    return start, end


def _lead_lists(viewer, campaign_id, view, session, tz) -> None:
    territories = {r.territory_id: r.territory for r in view.by_territory}
    territory_id = st.selectbox("Lists for territory", [None, *territories], key="bh_list_territory",
                                format_func=lambda t: "All territories" if t is None else territories[t])
    args = dict(session=session, start=view.start, end=view.end, territory_id=territory_id, as_of=view.as_of)
    overdue = black_hole.overdue_untouched(viewer, campaign_id, page_size=100, **args)
    st.markdown(f"**Overdue untouched leads: {overdue.total:,}**")
    if overdue.rows:
        st.dataframe([{"Lead": r.code, "Company": r.company, "Contact": r.contact_name or "",
                       "Territory": r.territory or "", "Rep": r.rep or "", "Handed over": when(r.assigned_at, tz),
                       "Waiting for": fmt_duration(r.age) if r.age is not None else ""} for r in overdue.rows],
                     hide_index=True, width="stretch")
    disqualified = black_hole.disqualified_leads(viewer, campaign_id, page_size=100, **args)
    st.markdown(f"**Disqualified leads: {disqualified.total:,}**")
    if disqualified.rows:
        st.dataframe([{"Lead": r.code, "Company": r.company, "Territory": r.territory or "", "Rep": r.rep or "",
                       "Reason": r.disqualify_reason or ""} for r in disqualified.rows],
                     hide_index=True, width="stretch")


def render() -> None:
    viewer = require_viewer(*MARKETING)
    st.title("Black hole")
    st.caption("What happened to a campaign's leads once they reached sales — from spend to revenue.")
    with read_session(app_engine()) as session:
        settings = load_settings(session=session)
        # Campaigns that have started come first: an upcoming one has no leads to follow yet.
        campaign_id = pick_campaign(viewer, session=session, key="bh",
                                    started_by=local_today(settings.tz))
        if campaign_id is None:
            return
        start, end = _period(viewer, campaign_id, session)
        view = black_hole.black_hole(viewer, campaign_id, session=session, start=start, end=end)
        st.subheader(f"{view.campaign_code} · {view.campaign_name}")
        _tiles(view, settings.currency)
        st.dataframe([_row_dict(r, settings.currency) for r in [*view.by_territory, view.total]],
                     hide_index=True, width="stretch")
        if view.without_territory:
            st.warning(f"{view.without_territory} leads of this campaign have no territory yet: "
                       "route them on the Lead routing page.")
        if view.disqualify_reasons:
            st.markdown("**Disqualified, by reason**")
            st.dataframe([{"Reason": reason, "Leads": n} for reason, n in view.disqualify_reasons],
                         hide_index=True, width="stretch")
        _lead_lists(viewer, campaign_id, view, session, settings.tz)


if __name__ == "__main__":  # run on its own by Streamlit: see ui/standalone.py
    from ui.standalone import send_to_app

    send_to_app()
