"""Executive dashboard: every KPI of KPIS.md with its definition, trends, charts and drill-downs.

A page file: app.py registers it with st.navigation (see ui/standalone.py). All SQL
lives in queries.kpis, queries.dashboard_series and queries.drilldown.
"""
from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from models.config import load_config
from models.types import local_today, utcnow
from models.enums import Role, Segment
from queries import dashboard_series as series
from queries.drilldown import drilldown, measure_value
from i18n import N_, _, current_language, use_language
from queries.kpis import CUSTOMERS, KPI_KEYS, KPIS, PERIOD_KEYS, SECTIONS, KpiFilter, all_kpis, lifetime_kpis
from queries.scope import Viewer
from services.spreadsheet_export import frame_csv_bytes, frame_xlsx_bytes, safe_frame
from ui import dashboard_charts, handoff_widgets
from ui.dashboard_charts import lifetime_filters
from ui.kpi_tiles import Section, Tile, delta_tone, tiles_html
from ui.reads import cached_read, kept, prefetch, spinner_unless_warm
from ui.field_widgets import business_settings, lazy_tabs
from ui.format import day, money, number, pct, short_money, when
from ui.labels import label, people_frame
from ui.session import require_viewer

EARLIEST = date(2016, 1, 1)
# The default ("Last 30 days") is never a single day, unlike "This month" on the 1st.
PRESETS = ("Last 30 days", "This month", "This quarter", "This year", "Last 12 months", "Custom")
PRESET_LABELS = {"Last 30 days": N_("Last 30 days"), "This month": N_("This month"),
                 "This quarter": N_("This quarter"), "This year": N_("This year"),
                 "Last 12 months": N_("Last 12 months"), "Custom": N_("Custom")}
# The tiles: ui/kpi_tiles.py (one element for all of them).
DRILL_ROWS = 20_000


# -- period and filters ------------------------------------------------------------------------

def preset_period(preset: str, today: date) -> tuple[date, date]:
    """Calendar periods up to today (this month, quarter, year), the last 30 days or the last 12 months."""
    if preset == "Last 30 days":
        return today - timedelta(days=29), today
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


def _filters(viewer: Viewer, tz) -> KpiFilter | None:
    today = local_today(tz)
    cols = st.columns([1.2, 1.6, 1.4, 1.6, 1.1])
    preset = cols[0].selectbox(_("Period"), PRESETS, key="dash_preset", format_func=lambda p: _(PRESET_LABELS[p]))
    if preset == "Custom":
        picked = cols[1].date_input(_("From – to"), value=(today.replace(day=1), today), min_value=EARLIEST,
                                    max_value=date(today.year + 5, 12, 31), key="dash_range", format="YYYY-MM-DD")
        if not isinstance(picked, (tuple, list)) or len(picked) != 2:
            st.info(_("Pick the last day of the period too."))
            return None
        start, end = picked
    else:
        start, end = preset_period(preset, today)
        cols[1].markdown(_("**From – to**  \n{start} – {end}").format(start=day(start), end=day(end)))
    territories = dict(cached_read(series.territory_choices, viewer))
    territory_id = cols[2].selectbox(_("Territory"), [None, *territories], key="dash_territory",
                                     format_func=lambda t: _("All territories") if t is None else territories[t])
    campaigns = dict(cached_read(series.campaign_choices, viewer, start=start, end=end))
    campaign_id = cols[3].selectbox(_("Campaign"), [None, *campaigns], key="dash_campaign",
                                    format_func=lambda c: _("All campaigns") if c is None else campaigns[c],
                                    help=_("Campaigns running during the period."))
    segment = cols[4].selectbox(_("Segment"), [None, *Segment], key="dash_segment",
                                format_func=lambda s: _("All segments") if s is None else label(s))
    # as_of to the minute, so reruns within a minute share cached numbers.
    as_of = utcnow().replace(second=0, microsecond=0)
    return KpiFilter(start, end, as_of, territory_id=territory_id, campaign_id=campaign_id, segment=segment)


# -- the numbers (through the pages' one cached read: keyed on the viewer, every filter, writes) --

def _numbers(viewer: Viewer, f: KpiFilter) -> dict:
    """The period's KPIs, the previous period's, and the lifetime ones once for both (a lifetime
    KPI is the same for every period: KPIS.md), as two dicts in KPIS.md's keys."""
    reads = [(all_kpis, {"f": f, "keys": PERIOD_KEYS}), (all_kpis, {"f": f.shifted_back(), "keys": PERIOD_KEYS}),
             (lifetime_kpis, lifetime_filters(f))]
    with spinner_unless_warm(_("Computing KPIs…"), reads, viewer):
        now, before, lifetime = (cached_read(query, viewer, **filters) for query, filters in reads)
    return {"now": {k: now[k] if k in now else lifetime[k] for k in KPI_KEYS},
            "before": {k: before[k] if k in before else lifetime[k] for k in KPI_KEYS}}


# -- tiles ------------------------------------------------------------------------------------

def fmt_value(key: str, value, currency: str) -> str:
    unit = KPIS[key].unit
    if value is None:
        return "—"
    if unit == "money":
        return short_money(value, currency)
    if unit == "ratio":
        return pct(value)
    if unit == "count":
        return f"{value:,}"
    return number(value, 1) + {"days": _(" d"), "hours": _(" h")}.get(unit, "")


def fmt_delta(key: str, now, before, currency: str) -> str | None:
    if now is None or before is None:
        return None
    diff = float(now) - float(before)
    if diff == 0:
        return None
    unit = KPIS[key].unit
    # Streamlit draws the arrow from a leading ASCII "-": keep the sign plain.
    if unit == "ratio":
        return f"{diff * 100:+.1f} pp"
    if unit == "money":
        return ("+" if diff > 0 else "-") + short_money(abs(diff), currency)
    if unit == "count":
        return f"{int(diff):+,}"
    return f"{diff:+,.1f}"


NO_EARLIER_DATA = N_("no earlier data")


def tile_delta(key: str, now, before, currency: str) -> dict:
    """st.metric's delta arguments. A previous period with nothing in it (None, or 0 where now
    is not) is no baseline: "+₩9.6B" against nothing says "no earlier data" instead."""
    empty_before = before is None or (not isinstance(before, dict) and float(before) == 0)
    if empty_before and now not in (None, 0):
        return {"delta": _(NO_EARLIER_DATA), "delta_color": "off", "delta_arrow": "off"}
    return {"delta": fmt_delta(key, now, before, currency),
            "delta_color": "inverse" if KPIS[key].lower_is_better else "normal"}


def _tiles(data: dict, f: KpiFilter, currency: str) -> None:
    """Every section's tiles as one element (ui/kpi_tiles.py), made once per numbers and language."""
    st.html(_tiles_html(f, current_language(), currency, _frozen(data), data))


def _frozen(value):
    """The numbers as a key: every value by its type and repr (Decimal("1.0") is not Decimal("1.00")),
    dicts as sorted pairs: hashable, so the key is a lookup, not a pickling of the whole dict."""
    if isinstance(value, dict):
        return tuple(sorted(((str(k), _frozen(v)) for k, v in value.items()), key=lambda kv: kv[0]))
    return type(value).__name__, repr(value)


@kept(max_entries=500)
def _tiles_html(f: KpiFilter, language: str, currency: str, numbers: tuple, _data: dict) -> str:
    """A pure function of the period, language, currency and numbers (``numbers`` is ``_data`` as
    a key), kept per all of them, so the tiles always show the numbers this rerun read."""
    data = _data
    with use_language(language):
        before = f.shifted_back()
        note = _("Change against the previous {value} days ({start} – {end}). Click or tap a tile for its "
                 "definition.").format(value=(f.end - f.start).days + 1, start=day(before.start), end=day(before.end))
        sections = []
        for section, keys in SECTIONS.items():
            if section == CUSTOMERS:
                sections.append(_ltv_section(data, currency))
                continue
            sections.append(Section(_(section), tuple(
                _tile(key, KPIS[key].label(), data["now"][key], data["before"][key],
                      fmt_value(key, data["now"][key], currency), _exact_help(key, data["now"][key], currency),
                      currency) for key in keys)))
        return tiles_html(note, sections)


def _tile(key: str, title: str, now, before, value: str, definition: str, currency: str) -> Tile:
    delta = tile_delta(key, now, before, currency)
    return Tile(key, title, value, delta["delta"],
                delta_tone(delta["delta"], lower_is_better=KPIS[key].lower_is_better,
                           off=delta["delta_color"] == "off"),
                delta.get("delta_arrow") != "off", definition)


def _exact_help(key: str, value, currency: str) -> str:
    """A tile's definition: the exact amount behind a short one (₩6.7억 = ₩667,000,000), then the definition."""
    definition = KPIS[key].help()
    if KPIS[key].unit == "money" and value is not None:
        return money(value, currency) + "\n\n" + definition
    return definition


def _ltv_section(data: dict, currency: str) -> Section:
    now, before = data["now"]["ltv_by_segment"], data["before"]["ltv_by_segment"]
    title = _(CUSTOMERS)
    if not now:
        return Section(title, (), _("No account with a segment has a won deal yet."))
    return Section(title, tuple(
        _tile("ltv_by_segment", _("LTV — {segment}").format(segment=label(segment, Segment)), value,
              before.get(segment), short_money(value, currency),
              money(value, currency) + "\n\n" + KPIS["ltv_by_segment"].help(), currency)
        for segment, value in now.items()))


# -- charts -----------------------------------------------------------------------------------

CHARTS_KEY = "dash_charts"


def _charts(viewer: Viewer, f: KpiFilter, currency: str, tz) -> None:
    """The charts and the scorecard in tabs of which only the open one is drawn and sent (a tab click
    reruns the page): all of them on every rerun were 7 charts, a 300-row table and ~20 more
    elements that most reruns (a filter change, a drill-down) do not look at (bench/README.md,
    eleventh session). The figures are built once per data and language, whichever tab is open."""
    figs = dashboard_charts.figures(viewer, f, currency)
    lazy_tabs(CHARTS_KEY, {
        _("Funnel and revenue"): lambda: _funnel_and_revenue(figs),
        _("Territories"): lambda: _territories(figs),
        _("Campaigns and response"): lambda: _campaigns_and_response(figs),
        _("Lifetime value"): lambda: _lifetime_value(figs),
        _("Scorecard"): lambda: handoff_widgets.scorecard(viewer, tz=tz, key="dash_scorecard")})


def _funnel_and_revenue(figs: dict) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown(_("**Funnel** — leads created in the period, followed down"))
        st.plotly_chart(figs["chart_funnel"], key="chart_funnel")
    with right:
        st.markdown(_("**Won revenue vs target vs forecast** — per month"))
        st.plotly_chart(figs["chart_monthly"], key="chart_monthly")


def _territories(figs: dict) -> None:
    st.markdown(_("**Territory comparison** — the territory filter is ignored here; the others apply"))
    left, right = st.columns([2, 1])
    left.plotly_chart(figs["chart_territories"], key="chart_territories")
    right.plotly_chart(figs["chart_untouched"], key="chart_untouched")


def _campaigns_and_response(figs: dict) -> None:
    left, right = st.columns(2)
    with left:
        st.markdown(_("**Campaign ROI** — cost vs attributed won revenue, bubble = leads"))
        if figs["chart_roi"] is None:
            st.caption(_("No campaign started in the period."))
        else:
            st.plotly_chart(figs["chart_roi"], key="chart_roi")
    with right:
        st.markdown(_("**Response time** — assigned → first touch, SLA {sla:g} h").format(sla=figs["sla_hours"]))
        st.plotly_chart(figs["chart_response"], key="chart_response")


def _lifetime_value(figs: dict) -> None:
    st.markdown(_("**Lifetime value by segment**"))
    if figs["chart_ltv"] is None:
        st.caption(_("No account with a segment has a won deal."))
    else:
        st.plotly_chart(figs["chart_ltv"], key="chart_ltv")


# -- drill-down and export ----------------------------------------------------------------------

def _exact_text(key: str, value, currency: str) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{segment}: {money(v, currency)}" for segment, v in value.items()) or "—"
    if value is None:
        return "—"
    if KPIS[key].unit == "money":
        return money(value, currency)
    if KPIS[key].unit == "ratio":
        return f"{pct(value)} ({float(value):.6g})"
    return f"{value:,}" if isinstance(value, int) else f"{float(value):,.4g}"


def _drilldown(viewer: Viewer, f: KpiFilter, data: dict, currency: str) -> None:
    st.subheader(_("Drill down"))
    # Nothing is read until a KPI is chosen: the records behind a tile (up to DRILL_ROWS of them)
    # cost a query and a table sent to the browser on every first paint, for a question not asked yet.
    key = st.selectbox(_("Records behind"), KPI_KEYS, key="dash_drill", format_func=lambda k: KPIS[k].label(),
                       index=None, placeholder=_("Choose a KPI to list its records"))
    if key is None:
        st.caption(_("The records behind any tile, with CSV and XLSX downloads."))
        return
    with spinner_unless_warm(_("Loading records…"), [(drilldown, {"f": f, "key": key, "limit": DRILL_ROWS, "names": True})],
                             viewer):
        dd = cached_read(drilldown, viewer, f=f, key=key, limit=DRILL_ROWS, names=True)
    records, frame, truncated = dd.records, dd.frame, dd.truncated
    total = None if truncated else measure_value(dd)
    shown = _exact_text(key, data["now"][key], currency)
    summary = _("{n:,} {records}. Tile: {tile}").format(n=len(frame), records=_(records), tile=shown)
    if not truncated:
        summary += _(" — recomputed from these rows: {value}").format(value=_exact_text(key, total, currency))
    st.caption(summary + ". " + KPIS[key].help())
    # People read names (territories, campaigns, reps), labels and their language's column headers,
    # on screen and in the exports; the values stay exact (the bundle export keeps the machine format).
    frame = people_frame(frame)
    if truncated:
        st.warning(_("Only the first {DRILL_ROWS:,} records are listed and exported; narrow the filters for all.").format(DRILL_ROWS=DRILL_ROWS))
    st.dataframe(safe_frame(frame).map(lambda v: "" if v is None or v != v else str(v)), hide_index=True,  # v != v: NaN
                 width="stretch")
    name = f"onevoice_{key}_{f.start}_{f.end}"
    left, right = st.columns(2)
    left.download_button(_("Download CSV"), lambda: frame_csv_bytes(frame), f"{name}.csv", "text/csv", key="dash_csv",
                         on_click="ignore")
    right.download_button(_("Download XLSX"), lambda: frame_xlsx_bytes(frame, key), f"{name}.xlsx",
                          "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="dash_xlsx", on_click="ignore")


def render() -> None:
    viewer = require_viewer(Role.executive, Role.admin)
    st.title(_("Executive dashboard"))
    settings = business_settings()
    f = _filters(viewer, settings.tz)
    if f is None:
        return
    st.caption(_("{start} – {end} in {time_zone} · numbers as of {as_of} · refreshed at least every {seconds} s").format(
        start=day(f.start), end=day(f.end), time_zone=settings.time_zone, as_of=when(f.as_of, settings.tz),
        seconds=load_config().cache_ttl_seconds))
    # Everything below the first KPI set is independent of it: read it on the prefetch threads while
    # this run computes the period's KPIs and draws the tiles (ui.reads.prefetch).
    prefetch(viewer, [(all_kpis, {"f": f.shifted_back(), "keys": PERIOD_KEYS}), (lifetime_kpis, lifetime_filters(f)),
                      *dashboard_charts.chart_reads(viewer, f)])
    data = _numbers(viewer, f)
    _tiles(data, f, settings.currency)
    st.divider()
    _charts(viewer, f, settings.currency, settings.tz)
    st.divider()
    _drilldown(viewer, f, data, settings.currency)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
