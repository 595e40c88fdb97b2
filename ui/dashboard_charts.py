"""The executive dashboard's figures, built once per (viewer scope, filters, data generation,
language, currency) and shared by every rerun and session that asks for the same.

Building the seven Plotly figures (then with plotly.express, its validators and deep copies) was
~68% of a warm dashboard rerun (bench/README.md "Where a click goes") although they depend only on
data that was already cached. They are graph objects now (express took ~10× as long to build the
same bars and bubbles: ~0.5 s of a cold paint at large), and are kept with ``ui.reads.kept`` (no copy per rerun:
``st.plotly_chart`` serialises a figure without changing it) and expire with the data cache's TTL,
so other processes' writes show as soon as in the numbers.
"""
from __future__ import annotations

from dataclasses import replace

import pandas as pd
import plotly.graph_objects as go

from i18n import _, current_language, use_language
from models.config import load_config
from models.db import write_generation
from models.enums import Segment
from queries import dashboard_series as series
from queries.kpis import KPIS, KpiFilter, lifetime_kpis
from queries.scope import Viewer
from ui.figures import shared
from ui.reads import cached_read, kept, scope_key
from ui.labels import label


def _floats(frame: pd.DataFrame, *columns) -> pd.DataFrame:
    frame = frame.copy()
    for column in columns:
        frame[column] = [None if v is None else float(v) for v in frame[column]]
    return frame


def lifetime_filters(f: KpiFilter) -> dict:
    return {"territory_id": f.territory_id, "campaign_id": f.campaign_id, "segment": f.segment}


def lifetime_read(viewer: Viewer, f: KpiFilter) -> dict:
    """The lifetime KPIs for the filters other than the period (one cached read per filter set)."""
    return cached_read(lifetime_kpis, viewer, **lifetime_filters(f))


def comparison_filter(viewer: Viewer, f: KpiFilter) -> KpiFilter:
    """The territory comparison ignores the territory filter for company-wide viewers: read it
    without one, so choosing a territory reuses the comparison already read for all of them."""
    return replace(f, territory_id=None) if viewer.is_company_wide else f


def chart_reads(viewer: Viewer, f: KpiFilter) -> list[tuple]:
    """The cached reads the figures are built from (for ``ui.reads.prefetch``), as ``_build`` makes them."""
    return [(series.funnel, {"f": f}), (series.monthly_revenue, {"f": f}),
            (series.territory_comparison, {"f": comparison_filter(viewer, f)}),
            (series.campaign_roi_points, {"f": f}), (series.sla_hours, {"f": f}),
            (series.response_time_distribution, {"f": f})]


def figures(viewer: Viewer, f: KpiFilter, currency: str) -> dict:
    """The dashboard's figures by chart key (a value is None where the chart has no data),
    plus ``sla_hours`` for the response-time caption."""
    # Built only from scope_only reads: shared by every viewer of the same role and territory.
    return _figures(scope_key(viewer, scope_only=True), f, write_generation(), load_config().database_url, current_language(),
                    currency, viewer)


@kept(max_entries=500)
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
    # numeric months (no English month names on the axis), one tick per month: with two or three months
    # plotly put a tick every two weeks, so "2026-11" stood under the axis three times
    fig.update_xaxes(tickformat="%Y-%m", dtick="M1")
    figs["chart_monthly"] = fig

    terr = _floats(cached_read(series.territory_comparison, viewer, f=comparison_filter(viewer, f)),
                   "target_attainment", "win_rate", "sla_compliance")
    figs["chart_territories"] = go.Figure(
        [go.Bar(x=terr["territory"], y=terr[key], name=KPIS[key].label(),
                hovertemplate=_hover(KPIS[key].label(), "%{x}", "%{y:.1%}"))
         for key in ("target_attainment", "win_rate", "sla_compliance")],
        layout=_layout(_("Territory"), _("Share"), barmode="group", yaxis_tickformat=".0%",
                       legend_title_text=_("Measure")))
    figs["chart_untouched"] = go.Figure(
        go.Bar(x=terr["territory"], y=terr["untouched_leads"], hovertemplate=_hover(None, "%{x}", "%{y:,}")),
        layout=_layout(_("Territory"), _("Leads"), title_text=_("Untouched leads past deadline")))

    camp = _floats(cached_read(series.campaign_roi_points, viewer, f=f), "attributed_cost", "attributed_won_revenue")
    if camp.empty:
        figs["chart_roi"] = None
    else:
        bubble = [max(int(n), 1) for n in camp["leads"]]
        cost = _("Cost ({currency})").format(currency=currency)
        won = _("Won revenue ({currency})").format(currency=currency)
        top = max([*camp["attributed_cost"], *camp["attributed_won_revenue"], 1])
        figs["chart_roi"] = go.Figure(
            [go.Scatter(x=camp["attributed_cost"], y=camp["attributed_won_revenue"], mode="markers", name="",
                        showlegend=False,
                        # Bubble area ∝ leads, the largest BUBBLE_PX across (what plotly express's size does).
                        marker={"size": bubble, "sizemode": "area", "sizemin": 0,
                                "sizeref": 2.0 * max(bubble) / BUBBLE_PX ** 2},
                        customdata=list(zip(camp["name"], camp["code"], camp["leads"])),
                        hovertemplate="<b>%{customdata[0]}</b><br>" + _("Code") + ": %{customdata[1]}<br>"
                        + cost + ": %{x:,}<br>" + won + ": %{y:,}<br>" + _("Leads") + ": %{customdata[2]:,}"
                        + "<extra></extra>"),
             go.Scatter(x=[0, top], y=[0, top], mode="lines", name=_("break-even"), line={"dash": "dash"})],
            layout=_layout(cost, won))

    sla = cached_read(series.sla_hours, viewer, f=f)
    figs["sla_hours"] = sla
    resp = cached_read(series.response_time_distribution, viewer, f=f)
    fig = go.Figure([go.Bar(x=resp["bucket"][resp["within_sla"] == within], y=resp["leads"][resp["within_sla"] == within],
                            name=name, hovertemplate=_hover(name, "%{x}", "%{y:,}"))
                     for within, name in ((True, _("within SLA")), (False, _("over SLA")))
                     if (resp["within_sla"] == within).any()],
                    layout=_layout(_("Time to first touch"), _("Leads"), legend_title_text=_("Response"),
                                   barmode="relative", xaxis_categoryorder="array",
                                   xaxis_categoryarray=list(resp["bucket"])))
    fig.add_vline(x=int(resp["within_sla"].sum()) - 0.5, line_dash="dash",
                  annotation_text=_("SLA {sla:g} h").format(sla=sla))
    figs["chart_response"] = fig

    values = lifetime_read(viewer, f)["ltv_by_segment"]      # the tiles' own read: computed once
    ltv = _floats(pd.DataFrame({"segment": list(values), "ltv": list(values.values())}), "ltv")
    if ltv.empty:
        figs["chart_ltv"] = None
    else:
        ltv["segment"] = [label(s, Segment) for s in ltv["segment"]]
        figs["chart_ltv"] = go.Figure(
            go.Bar(x=ltv["segment"], y=ltv["ltv"], hovertemplate=_hover(None, "%{x}", "%{y:,}")),
            layout=_layout(_("Segment"), _("LTV ({currency})").format(currency=currency)))
    # Finished: each figure's dict form is computed once, not on every rerun (ui/figures.py).
    return {key: shared(value) if isinstance(value, go.Figure) else value for key, value in figs.items()}


# Plotly graph objects, not plotly express: express built the same bars and bubbles in ~10× the
# time (its make_figure: ~0.5 s of a cold dashboard paint at large, bench/README.md "sixth session").
BUBBLE_PX = 20     # plotly express's default size_max


def _layout(x_title: str, y_title: str, **more) -> go.Layout:
    return go.Layout(xaxis_title_text=x_title, yaxis_title_text=y_title, **more)


def _hover(name: str | None, x: str, y: str) -> str:
    return (f"{name}<br>" if name else "") + f"{x}: {y}<extra></extra>"
