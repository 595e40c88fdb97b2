"""The executive dashboard's figures, built once per (viewer scope, filters, data generation,
language, currency) and shared by every rerun and session that asks for the same.

Building the seven Plotly figures (plotly.express, its validators and deep copies) was ~68% of
a warm dashboard rerun (bench/README.md "Where a click goes") although they depend only on data
that was already cached. The figures are kept with ``st.cache_resource`` (no copy per rerun:
``st.plotly_chart`` serialises a figure without changing it) and expire with the data cache's TTL,
so other processes' writes show as soon as in the numbers.
"""
from __future__ import annotations

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from i18n import _, current_language, use_language
from models.config import load_config
from models.db import write_generation
from models.enums import Segment
from queries import dashboard_series as series
from queries.kpis import KPIS, KpiFilter, lifetime_kpis
from queries.scope import Viewer
from ui.reads import cached_read, scope_key
from ui.labels import label


def _floats(frame: pd.DataFrame, *columns) -> pd.DataFrame:
    frame = frame.copy()
    for column in columns:
        frame[column] = [None if v is None else float(v) for v in frame[column]]
    return frame


def lifetime_read(viewer: Viewer, f: KpiFilter) -> dict:
    """The lifetime KPIs for the filters other than the period (one cached read per filter set)."""
    return cached_read(lifetime_kpis, viewer, territory_id=f.territory_id, campaign_id=f.campaign_id,
                       segment=f.segment)


def figures(viewer: Viewer, f: KpiFilter, currency: str) -> dict:
    """The dashboard's figures by chart key (a value is None where the chart has no data),
    plus ``sla_hours`` for the response-time caption."""
    return _figures(scope_key(viewer), f, write_generation(), load_config().database_url, current_language(),
                    currency, viewer)


@st.cache_resource(ttl=load_config().cache_ttl_seconds, max_entries=500, show_spinner=False)
def _figures(scope: tuple, f: KpiFilter, generation: int, database_url: str, language: str, currency: str,
             _viewer: Viewer) -> dict:
    with use_language(language):
        return _build(_viewer, f, currency)


def _build(viewer: Viewer, f: KpiFilter, currency: str) -> dict:
    figs: dict = {}
    fun = cached_read(series.funnel, viewer, f=f)
    figs["chart_funnel"] = go.Figure(go.Funnel(y=[_(step) for step in fun["step"]], x=fun["count"],
                                               textinfo="value+percent initial"))

    monthly = _floats(cached_read(series.monthly_revenue, viewer, f=f), "won_revenue", "revenue_target", "forecast")
    fig = go.Figure([go.Bar(x=monthly["month"], y=monthly["won_revenue"], name=_("Won revenue")),
                     go.Scatter(x=monthly["month"], y=monthly["revenue_target"], name=_("Target"),
                                mode="lines+markers"),
                     go.Scatter(x=monthly["month"], y=monthly["forecast"], name=_("Forecast"), mode="lines+markers",
                                line={"dash": "dot"})])
    fig.update_layout(yaxis_title=currency)
    fig.update_xaxes(tickformat="%Y-%m")  # numeric months: no English month names on the axis
    figs["chart_monthly"] = fig

    terr = _floats(cached_read(series.territory_comparison, viewer, f=f),
                   "target_attainment", "win_rate", "sla_compliance")
    ratios = terr.melt(id_vars="territory", value_vars=["target_attainment", "win_rate", "sla_compliance"],
                       var_name="KPI", value_name="value")
    ratios["KPI"] = ratios["KPI"].map(lambda k: KPIS[k].label())
    figs["chart_territories"] = px.bar(
        ratios, x="territory", y="value", color="KPI", barmode="group",
        labels={"territory": _("Territory"), "value": _("Share"), "KPI": _("Measure")}).update_layout(
        yaxis_tickformat=".0%")
    figs["chart_untouched"] = px.bar(terr, x="territory", y="untouched_leads",
                                     title=_("Untouched leads past deadline"),
                                     labels={"territory": _("Territory"), "untouched_leads": _("Leads")})

    camp = _floats(cached_read(series.campaign_roi_points, viewer, f=f), "attributed_cost", "attributed_won_revenue")
    if camp.empty:
        figs["chart_roi"] = None
    else:
        camp["bubble"] = [max(int(n), 1) for n in camp["leads"]]
        fig = px.scatter(camp, x="attributed_cost", y="attributed_won_revenue", size="bubble",
                         hover_name="name", hover_data=["code", "leads"],
                         labels={"attributed_cost": _("Cost ({currency})").format(currency=currency),
                                 "attributed_won_revenue": _("Won revenue ({currency})").format(currency=currency),
                                 "bubble": _("Leads"), "code": _("Code"), "leads": _("Leads")})
        top = max([*camp["attributed_cost"], *camp["attributed_won_revenue"], 1])
        fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", name=_("break-even"), line={"dash": "dash"}))
        figs["chart_roi"] = fig

    sla = cached_read(series.sla_hours, viewer, f=f)
    figs["sla_hours"] = sla
    resp = cached_read(series.response_time_distribution, viewer, f=f)
    fig = px.bar(resp, x="bucket", y="leads",
                 color=resp["within_sla"].map({True: _("within SLA"), False: _("over SLA")}),
                 labels={"bucket": _("Time to first touch"), "leads": _("Leads"), "color": _("Response")})
    fig.add_vline(x=int(resp["within_sla"].sum()) - 0.5, line_dash="dash",
                  annotation_text=_("SLA {sla:g} h").format(sla=sla))
    figs["chart_response"] = fig

    values = lifetime_read(viewer, f)["ltv_by_segment"]      # the tiles' own read: computed once
    ltv = _floats(pd.DataFrame({"segment": list(values), "ltv": list(values.values())}), "ltv")
    if ltv.empty:
        figs["chart_ltv"] = None
    else:
        ltv["segment"] = [label(s, Segment) for s in ltv["segment"]]
        figs["chart_ltv"] = px.bar(ltv, x="segment", y="ltv",
                                   labels={"ltv": _("LTV ({currency})").format(currency=currency),
                                           "segment": _("Segment")})
    return figs
