"""The black hole: per campaign and territory, what sales did with the leads marketing handed over.

The numbers are the executive KPIs (queries.kpis) taken with the campaign and territory filter.
A page file: app.py registers it with st.navigation (see ui/standalone.py).
"""
from __future__ import annotations

from datetime import date

import streamlit as st

from i18n import _, ngettext
from models.types import local_today
from models.enums import Role
from models.timefmt import fmt_duration
from queries import black_hole, marketing
from ui import handoff_widgets
from services.markdown_safety import escape_markdown as md
from ui.campaign_picker import pick_campaign
from ui.reads import cached_read
from ui.field_widgets import business_settings
from ui.format import money, number, pct, short_money, when
from ui.labels import reason_text
from ui.session import require_viewer
from ui.tables import dataframe

MARKETING = (Role.marketer, Role.admin)


def _row_dict(r, currency: str) -> dict:
    """Outcome first (revenue, pipeline, deals), then the handoff: the wide table used to hide
    the revenue columns off to the right."""
    return {_("Territory"): r.territory, _("Won revenue"): money(r.won_revenue, currency), _("Won deals"): r.won_deals,
            _("Open pipeline"): money(r.open_pipeline, currency), _("Open deals"): r.open_deals,
            _("Converted"): r.converted, _("Conversion"): pct(r.lead_conversion_rate),
            _("Handed over"): r.leads_assigned, _("Touched within SLA"): r.touched_within_sla,
            _("SLA compliance"): pct(r.sla_compliance), _("Overdue untouched"): r.untouched_leads,
            _("Median first touch (h)"): "—" if r.median_first_touch_hours is None else number(r.median_first_touch_hours, 1),
            _("Created"): r.leads_created, _("Disqualified"): r.disqualified}


def _tiles(view, campaign, currency: str) -> None:
    """From spend to revenue, left to right; a wrapping row, so no tile is cut to "₩36,00…"."""
    t = view.total
    spend = campaign.actual_cost if campaign.actual_cost is not None else campaign.budget
    with st.container(horizontal=True, gap="medium"):
        st.metric(_("Spend") if campaign.actual_cost is not None else _("Budget (no actual cost yet)"),
                  "—" if spend is None else short_money(spend, currency), width="content", border=True,
                  help=_("Actual cost {cost} · budget {budget}").format(
                      cost=money(campaign.actual_cost, currency) or "—", budget=money(campaign.budget, currency) or "—"))
        st.metric(_("Leads handed over"), f"{t.leads_assigned:,}", width="content", border=True)
        st.metric(_("Touched within {sla_hours:g} h").format(sla_hours=view.sla_hours), f"{t.touched_within_sla:,}",
                  width="content", border=True,
                  help=_("SLA compliance {sla_compliance}").format(sla_compliance=pct(t.sla_compliance)))
        st.metric(_("Overdue, never touched"), f"{t.untouched_leads:,}", width="content", border=True,
                  help=_("Past the response deadline with no first touch, not disqualified: the black hole."))
        st.metric(_("Converted"), f"{t.converted:,}", width="content", border=True,
                  help=_("Conversion rate {lead_conversion_rate}").format(lead_conversion_rate=pct(t.lead_conversion_rate)))
        st.metric(_("Disqualified"), f"{t.disqualified:,}", width="content", border=True)
        st.metric(_("Won revenue"), short_money(t.won_revenue, currency), width="content", border=True,
                  help=ngettext("{exact} · {n} won deal from this campaign", "{exact} · {n} won deals from this campaign",
                                t.won_deals).format(exact=money(t.won_revenue, currency), n=t.won_deals))


def _period(viewer, campaign_id) -> tuple[date, date]:
    start, end = cached_read(black_hole.default_period, viewer, campaign_id=campaign_id)
    picked = st.date_input(_("Period (leads handed over / created, deals closed)"), value=(start, end),
                           key=f"bh_period_{campaign_id}", format="YYYY-MM-DD")
    if isinstance(picked, (tuple, list)) and len(picked) == 2:
        return picked[0], picked[1]
    return start, end


def _lead_lists(viewer, campaign_id, view, tz) -> None:
    territories = {r.territory_id: r.territory for r in view.by_territory}
    territory_id = st.selectbox(_("Lists for territory"), [None, *territories], key="bh_list_territory",
                                format_func=lambda t: _("All territories") if t is None else territories[t])
    args = dict(campaign_id=campaign_id, start=view.start, end=view.end, territory_id=territory_id,
                as_of=view.as_of, limit=100)
    overdue = cached_read(black_hole.overdue_untouched, viewer, **args)
    st.markdown(_("**Overdue untouched leads: {total:,}**").format(total=overdue.total))
    if overdue.rows:
        dataframe([{_("Lead"): r.code, _("Company"): r.company, _("Contact"): r.contact_name or "",
                    _("Territory"): r.territory or "", _("Rep"): r.rep or "", _("Handed over"): when(r.assigned_at, tz),
                    _("Waiting for"): fmt_duration(r.age) if r.age is not None else ""} for r in overdue.rows],
                  hide_index=True, width="stretch")
    disqualified = cached_read(black_hole.disqualified_leads, viewer, **args)
    st.markdown(_("**Disqualified leads: {total:,}**").format(total=disqualified.total))
    if disqualified.rows:
        dataframe([{_("Lead"): r.code, _("Company"): r.company, _("Territory"): r.territory or "", _("Rep"): r.rep or "",
                    _("Reason"): reason_text(r.disqualify_reason)} for r in disqualified.rows],
                  hide_index=True, width="stretch")


def render() -> None:
    viewer = require_viewer(*MARKETING)
    st.title(_("Black hole"))
    st.caption(_("What happened to a campaign's leads once they reached sales — from spend to revenue."))
    settings = business_settings()
    # Campaigns that have started come first: an upcoming one has no leads to follow yet.
    # Every read goes through the pages' one cache (keyed on the viewer, the filters and writes).
    campaign_id = pick_campaign(viewer, key="bh", started_by=local_today(settings.tz))
    if campaign_id is None:
        return
    start, end = _period(viewer, campaign_id)
    view = cached_read(black_hole.black_hole, viewer, campaign_id=campaign_id, start=start, end=end)
    st.subheader(f"{md(view.campaign_code)} · {md(view.campaign_name)}")
    _tiles(view, cached_read(marketing.campaign_row, viewer, campaign_id=campaign_id), settings.currency)
    dataframe([_row_dict(r, settings.currency) for r in [*view.by_territory, view.total]],
              hide_index=True, width="stretch",
              column_config={_("Territory"): st.column_config.TextColumn(pinned=True)})
    if view.without_territory:
        st.warning(ngettext("{n} lead of this campaign has no territory yet: route it on the Lead routing page.",
                            "{n} leads of this campaign have no territory yet: route them on the Lead routing page.",
                            view.without_territory).format(n=view.without_territory))
    if view.disqualify_reasons:
        st.markdown(_("**Disqualified, by reason**"))
        dataframe([{_("Reason"): reason_text(reason), _("Leads"): n} for reason, n in view.disqualify_reasons],
                  hide_index=True, width="stretch")
    _lead_lists(viewer, campaign_id, view, settings.tz)
    st.divider()
    handoff_widgets.rejection_reasons_chart(viewer, key="bh_rejections")
    handoff_widgets.scorecard(viewer, tz=settings.tz, key="bh_scorecard")


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
