"""Executive dashboard: every KPI of KPIS.md with its definition, trends, charts and drill-downs.

Page modules only define functions; app.py registers ``render`` with st.navigation. All SQL
lives in queries.kpis, queries.dashboard_series and queries.drilldown.
"""
from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from models.config import load_config
from models.types import local_today, utcnow
from models.db import read_session, write_generation
from models.enums import Role, Segment
from models.settings_store import load_settings
from queries import dashboard_series as series
from queries.drilldown import drilldown, measure_value
from queries.kpis import DEFINITIONS, KPI_KEYS, SECTIONS, TITLES, UNITS, KpiFilter, all_kpis
from queries.scope import Viewer
from services.spreadsheet_export import frame_csv_bytes, frame_xlsx_bytes, safe_frame
from ui.format import money, pct, short_money
from ui.session import app_engine, require_viewer

EARLIEST = date(2016, 1, 1)
PRESETS = ("This month", "This quarter", "This year", "Last 12 months", "Custom")
DRILL_ROWS = 20_000
# A lower value is the better one for these tiles (the delta arrow turns red when they rise).
LOWER_IS_BETTER = {"lost_deals", "avg_sales_cycle_days", "cost_per_lead", "median_first_touch_hours",
                   "untouched_leads"}


# -- period and filters ------------------------------------------------------------------------

def preset_period(preset: str, today: date) -> tuple[date, date]:
    """Calendar periods up to today (this month, quarter, year) or the last 12 months."""
    if preset == "This month":
        return today.replace(day=1), today
    if preset == "This quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if preset == "This year":
        return date(today.year, 1, 1), today
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return year_ago + timedelta(days=1), today


def _filters(viewer: Viewer, tz, session) -> KpiFilter | None:
    today = local_today(tz)
    cols = st.columns([1.2, 1.6, 1.4, 1.6, 1.1])
    preset = cols[0].selectbox("Period", PRESETS, key="dash_preset")
    if preset == "Custom":
        picked = cols[1].date_input("From – to", value=(today.replace(day=1), today), min_value=EARLIEST,
                                    max_value=date(today.year + 5, 12, 31), key="dash_range", format="YYYY-MM-DD")
        if not isinstance(picked, (tuple, list)) or len(picked) != 2:
            st.info("Pick the last day of the period too.")
            return None
        start, end = picked
    else:
        start, end = preset_period(preset, today)
        cols[1].markdown(f"**From – to**  \n{start} – {end}")
    territories = dict(series.territory_choices(viewer, session=session))
    territory_id = cols[2].selectbox("Territory", [None, *territories], key="dash_territory",
                                     format_func=lambda t: "All territories" if t is None else territories[t])
    campaigns = dict(series.campaign_choices(viewer, start, end, session=session))
    campaign_id = cols[3].selectbox("Campaign", [None, *campaigns], key="dash_campaign",
                                    format_func=lambda c: "All campaigns" if c is None else campaigns[c],
                                    help="Campaigns running during the period.")
    segment = cols[4].selectbox("Segment", [None, *Segment], key="dash_segment",
                                format_func=lambda s: "All segments" if s is None else s.value.replace("_", " "))
    # as_of to the minute, so reruns within a minute share cached numbers.
    as_of = utcnow().replace(second=0, microsecond=0)
    return KpiFilter(start, end, as_of, territory_id=territory_id, campaign_id=campaign_id, segment=segment)


# -- cached reads (keyed on every filter, the viewer's scope and this process's writes) ----------

def _viewer_for(role: str, territory_id: int | None) -> Viewer:
    return Viewer(id=0, username="dashboard", display_name="dashboard", role=Role(role), territory_id=territory_id)


@st.cache_data(ttl=load_config().cache_ttl_seconds, show_spinner="Computing KPIs…", max_entries=200)
def _kpis_cached(database_url, generation, role, scope_territory, f: KpiFilter) -> dict:
    viewer = _viewer_for(role, scope_territory)
    with read_session(app_engine()) as session:
        return {"now": all_kpis(viewer, f, session=session),
                "before": all_kpis(viewer, f.shifted_back(), session=session),
                "funnel": series.funnel(viewer, f, session=session),
                "monthly": series.monthly_revenue(viewer, f, session=session),
                "territories": series.territory_comparison(viewer, f, session=session),
                "campaigns": series.campaign_roi_points(viewer, f, session=session),
                "response": series.response_time_distribution(viewer, f, session=session),
                "ltv": series.ltv_by_segment(viewer, f, session=session),
                "sla_hours": series.sla_hours(viewer, f, session=session)}


@st.cache_data(ttl=load_config().cache_ttl_seconds, show_spinner="Loading records…", max_entries=50)
def _drill_cached(database_url, generation, role, scope_territory, f: KpiFilter, key: str):
    with read_session(app_engine()) as session:
        dd = drilldown(_viewer_for(role, scope_territory), f, key, session=session, limit=DRILL_ROWS)
    return dd.records, dd.frame, dd.truncated, (None if dd.truncated else measure_value(dd))


def _cache_key(viewer: Viewer) -> tuple:
    return load_config().database_url, write_generation(), viewer.role.value, viewer.territory_id


# -- tiles ------------------------------------------------------------------------------------

def fmt_value(key: str, value, currency: str) -> str:
    unit = UNITS[key]
    if value is None:
        return "—"
    if unit == "money":
        return short_money(value, currency)
    if unit == "ratio":
        return pct(value)
    if unit == "count":
        return f"{value:,}"
    return f"{float(value):,.1f}" + {"days": " d", "hours": " h"}.get(unit, "")


def fmt_delta(key: str, now, before, currency: str) -> str | None:
    if now is None or before is None:
        return None
    diff = float(now) - float(before)
    if diff == 0:
        return None
    unit = UNITS[key]
    # Streamlit draws the arrow from a leading ASCII "-": keep the sign plain.
    if unit == "ratio":
        return f"{diff * 100:+.1f} pp"
    if unit == "money":
        return ("+" if diff > 0 else "-") + short_money(abs(diff), currency)
    if unit == "count":
        return f"{int(diff):+,}"
    return f"{diff:+,.1f}"


def _tiles(data: dict, f: KpiFilter, currency: str) -> None:
    before = f.shifted_back()
    st.caption(f"Change against the previous {(f.end - f.start).days + 1} days ({before.start} – {before.end}). "
               "Hover a tile's ⓘ for its definition.")
    for section, keys in SECTIONS.items():
        st.subheader(section)
        if section == "Customers":
            _ltv_tiles(data, currency)
            continue
        for row_start in range(0, len(keys), 6):
            cols = st.columns(6)
            for col, key in zip(cols, keys[row_start:row_start + 6]):
                col.metric(TITLES[key], fmt_value(key, data["now"][key], currency),
                           delta=fmt_delta(key, data["now"][key], data["before"][key], currency),
                           delta_color="inverse" if key in LOWER_IS_BETTER else "normal",
                           help=DEFINITIONS[key], border=True)


def _ltv_tiles(data: dict, currency: str) -> None:
    now, before = data["now"]["ltv_by_segment"], data["before"]["ltv_by_segment"]
    if not now:
        st.caption("No account with a segment has a won deal yet.")
        return
    cols = st.columns(max(len(now), 3))
    for col, (segment, value) in zip(cols, now.items()):
        col.metric(f"LTV — {segment.replace('_', ' ')}", short_money(value, currency),
                   delta=fmt_delta("ltv_by_segment", value, before.get(segment), currency),
                   help=DEFINITIONS["ltv_by_segment"], border=True)


# -- charts -----------------------------------------------------------------------------------

def _floats(frame: pd.DataFrame, *columns) -> pd.DataFrame:
    frame = frame.copy()
    for column in columns:
        frame[column] = [None if v is None else float(v) for v in frame[column]]
    return frame


def _charts(data: dict, currency: str) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown("**Funnel** — leads created in the period, followed down")
        fun = data["funnel"]
        st.plotly_chart(go.Figure(go.Funnel(y=fun["step"], x=fun["count"], textinfo="value+percent initial")),
                        key="chart_funnel")
    with right:
        st.markdown("**Won revenue vs target vs forecast** — per month")
        monthly = _floats(data["monthly"], "won_revenue", "revenue_target", "forecast")
        fig = go.Figure([go.Bar(x=monthly["month"], y=monthly["won_revenue"], name="Won revenue"),
                         go.Scatter(x=monthly["month"], y=monthly["revenue_target"], name="Target", mode="lines+markers"),
                         go.Scatter(x=monthly["month"], y=monthly["forecast"], name="Forecast", mode="lines+markers",
                                    line={"dash": "dot"})])
        fig.update_layout(yaxis_title=currency)
        st.plotly_chart(fig, key="chart_monthly")
    st.markdown("**Territory comparison** — the territory filter is ignored here; the others apply")
    terr = _floats(data["territories"], "target_attainment", "win_rate", "sla_compliance")
    left, right = st.columns([2, 1])
    ratios = terr.melt(id_vars="territory", value_vars=["target_attainment", "win_rate", "sla_compliance"],
                       var_name="KPI", value_name="value")
    left.plotly_chart(px.bar(ratios, x="territory", y="value", color="KPI", barmode="group")
                      .update_layout(yaxis_tickformat=".0%"), key="chart_territories")
    right.plotly_chart(px.bar(terr, x="territory", y="untouched_leads", title="Untouched leads past deadline"),
                       key="chart_untouched")
    left, right = st.columns(2)
    with left:
        st.markdown("**Campaign ROI** — cost vs attributed won revenue, bubble = leads")
        camp = _floats(data["campaigns"], "attributed_cost", "attributed_won_revenue")
        if camp.empty:
            st.caption("No campaign started in the period.")
        else:
            camp["bubble"] = [max(int(n), 1) for n in camp["leads"]]
            fig = px.scatter(camp, x="attributed_cost", y="attributed_won_revenue", size="bubble",
                             hover_name="name", hover_data=["code", "leads"])
            top = max([*camp["attributed_cost"], *camp["attributed_won_revenue"], 1])
            fig.add_trace(go.Scatter(x=[0, top], y=[0, top], mode="lines", name="break-even", line={"dash": "dash"}))
            st.plotly_chart(fig, key="chart_roi")
    with right:
        sla = data["sla_hours"]
        st.markdown(f"**Response time** — assigned → first touch, SLA {sla:g} h")
        resp = data["response"]
        fig = px.bar(resp, x="bucket", y="leads", color=resp["within_sla"].map({True: "within SLA", False: "over SLA"}))
        fig.add_vline(x=int(resp["within_sla"].sum()) - 0.5, line_dash="dash", annotation_text=f"SLA {sla:g} h")
        st.plotly_chart(fig, key="chart_response")
    st.markdown("**Lifetime value by segment**")
    ltv = _floats(data["ltv"], "ltv")
    if ltv.empty:
        st.caption("No account with a segment has a won deal.")
    else:
        st.plotly_chart(px.bar(ltv, x="segment", y="ltv", labels={"ltv": f"LTV ({currency})"}), key="chart_ltv")


# -- drill-down and export ----------------------------------------------------------------------

def _exact_text(key: str, value, currency: str) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{segment}: {money(v, currency)}" for segment, v in value.items()) or "—"
    if value is None:
        return "—"
    if UNITS[key] == "money":
        return money(value, currency)
    if UNITS[key] == "ratio":
        return f"{pct(value)} ({float(value):.6g})"
    return f"{value:,}" if isinstance(value, int) else f"{float(value):,.4g}"


def _drilldown(viewer: Viewer, f: KpiFilter, data: dict, currency: str) -> None:
    st.subheader("Drill down")
    key = st.selectbox("Records behind", KPI_KEYS, key="dash_drill", format_func=lambda k: TITLES[k])
    records, frame, truncated, total = _drill_cached(*_cache_key(viewer), f, key)
    shown = _exact_text(key, data["now"][key], currency)
    st.caption(f"{len(frame):,} {records}. Tile: {shown}"
               + ("" if truncated else f" — recomputed from these rows: {_exact_text(key, total, currency)}")
               + ". " + DEFINITIONS[key])
    if truncated:
        st.warning(f"Only the first {DRILL_ROWS:,} records are listed and exported; narrow the filters for all.")
    st.dataframe(safe_frame(frame).map(lambda v: "" if v is None else str(v)), hide_index=True,
                 width="stretch")
    name = f"onevoice_{key}_{f.start}_{f.end}"
    left, right = st.columns(2)
    left.download_button("Download CSV", lambda: frame_csv_bytes(frame), f"{name}.csv", "text/csv", key="dash_csv")
    right.download_button("Download XLSX", lambda: frame_xlsx_bytes(frame, key), f"{name}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="dash_xlsx")


def render() -> None:
    viewer = require_viewer(Role.executive, Role.admin)
    engine = app_engine()
    st.title("Executive dashboard")
    with read_session(engine) as session:
        settings = load_settings(session=session)
        f = _filters(viewer, settings.tz, session)
    if f is None:
        return
    st.caption(f"{f.start} – {f.end} in {settings.time_zone} · numbers as of "
               f"{f.as_of.astimezone(settings.tz):%Y-%m-%d %H:%M} · refreshed at least every "
               f"{load_config().cache_ttl_seconds} s")
    data = _kpis_cached(*_cache_key(viewer), f)
    _tiles(data, f, settings.currency)
    st.divider()
    _charts(data, settings.currency)
    st.divider()
    _drilldown(viewer, f, data, settings.currency)


if __name__ == "__main__":  # run on its own by Streamlit: see ui/standalone.py
    from ui.standalone import send_to_app

    send_to_app()
