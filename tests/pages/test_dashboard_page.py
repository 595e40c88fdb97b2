"""The executive dashboard through AppTest on the real app.py: every filter, tiles that match
the KPI functions, definitions a click away, drill-downs and safe exports."""
import io
from datetime import date

import openpyxl
import pandas as pd
import pytest
from sqlmodel import Session, select

from models.db import get_engine
from models.enums import Role, Segment
from models.settings_store import load_settings
from models.tables import Campaign, Territory
from models.types import local_today, utcnow
from services.spreadsheet_export import frame_csv_bytes, frame_xlsx_bytes, safe_frame
from pages.dashboard import CHARTS_KEY, EARLIEST, PRESETS, preset_period
from queries.kpis import KPIS, KpiFilter, all_kpis
from queries.scope import Viewer
from tests.apptest_support import all_text, kpi_tiles, open_page, registered_titles, signed_in

EXECUTIVE, ADMIN, REP, MARKETER = "hyunwoo.jung", "admin", "minjun.kim", "jiwoo.choi"
PAGE = "Executive dashboard"
CHART_TABS = ("Funnel and revenue", "Territories", "Campaigns and response", "Lifetime value", "Scorecard")


def _dashboard(username=EXECUTIVE):
    at = open_page(signed_in(username), PAGE)
    assert not at.exception, at.exception
    return at


def _metric(at, label):
    return next(t for t in kpi_tiles(at) if t.label == label)


def _expected(url, start, end, **filters):
    viewer = Viewer(id=0, username="t", display_name="t", role=Role.executive, territory_id=None)
    with Session(get_engine(url)) as s:
        return all_kpis(viewer, KpiFilter(start, end, utcnow(), **filters), session=s)


def _today(url):
    with Session(get_engine(url)) as s:
        return local_today(load_settings(session=s).tz)


@pytest.mark.parametrize("username", [EXECUTIVE, ADMIN])
def test_leadership_sees_every_tile_with_its_definition(app, username):
    at = _dashboard(username)
    tiles = kpi_tiles(at)
    labels = {t.label for t in tiles}
    scalar_titles = {KPIS[k].label() for k in KPIS if k != "ltv_by_segment"}
    assert scalar_titles <= labels
    assert [t.key for t in tiles if t.key != "ltv_by_segment"] == [k for k in KPIS if k != "ltv_by_segment"]
    won = _metric(at, KPIS["won_revenue"].label())
    assert won.help.endswith(KPIS["won_revenue"].help()) and won.help.startswith("₩")  # exact amount, then definition
    # every section's tiles are one element: no st.metric on the dashboard
    assert not at.metric and sum('class="ov-tiles"' in el.value for el in at.get("html")) == 1
    # The charts are in tabs, only the open one drawn: the first shows two, all of them seven.
    assert [c.proto.id != "" for c in at.get("plotly_chart")] == [True, True]
    seen = set()
    for tab in CHART_TABS:
        at.session_state[CHARTS_KEY] = tab
        at.run()
        assert not at.exception, (tab, at.exception)
        seen |= {c.proto.spec for c in at.get("plotly_chart")}
        if tab == "Scorecard":
            assert len(at.dataframe) == 1 and not at.get("plotly_chart")
    assert len(seen) == 7


@pytest.mark.parametrize("username", [REP, MARKETER])
def test_the_dashboard_does_not_exist_for_other_roles(app, username):
    at = signed_in(username)
    assert PAGE not in registered_titles(at)


def test_every_period_preset_shows_the_numbers_of_that_period(app):
    at = _dashboard()
    today = _today(app)
    for preset in PRESETS[:-1]:
        at.selectbox(key="dash_preset").select(preset).run()
        assert not at.exception, (preset, at.exception)
        start, end = preset_period(preset, today)
        want = _expected(app, start, end)
        assert _metric(at, KPIS["won_deals"].label()).value == f"{want['won_deals']:,}", preset
        assert _metric(at, KPIS["leads_created"].label()).value == f"{want['leads_created']:,}", preset


def test_custom_period_reaches_back_to_2016(app):
    at = _dashboard()
    at.selectbox(key="dash_preset").select("Custom").run()
    picker = at.date_input(key="dash_range")
    assert picker.min == EARLIEST == date(2016, 1, 1)
    picker.set_value((date(2016, 1, 1), date(2016, 12, 31))).run()
    assert not at.exception
    assert _metric(at, KPIS["won_deals"].label()).value == "0"        # the demo starts long after 2016
    today = _today(app)
    start = today.replace(month=1, day=1)
    at.date_input(key="dash_range").set_value((start, today)).run()
    want = _expected(app, start, today)
    assert _metric(at, KPIS["won_deals"].label()).value == f"{want['won_deals']:,}"


def test_custom_period_waits_for_its_last_day(app):
    at = _dashboard()
    at.selectbox(key="dash_preset").select("Custom").run()
    at.date_input(key="dash_range").set_value((date(2025, 1, 1),)).run()
    assert not at.exception
    assert any("last day" in i.value for i in at.info)


def test_territory_campaign_and_segment_filters(app):
    at = _dashboard()
    at.selectbox(key="dash_preset").select("Last 12 months").run()
    today = _today(app)
    start, end = preset_period("Last 12 months", today)
    with Session(get_engine(app)) as s:
        sel = s.execute(select(Territory.id).where(Territory.code == "SEL")).scalar_one()
        campaign = s.execute(select(Campaign.id).where(Campaign.start_date >= start, Campaign.start_date <= end)
                             .order_by(Campaign.start_date.desc())).scalars().first()
    at.selectbox(key="dash_territory").set_value(sel).run()
    assert not at.exception
    assert _metric(at, KPIS["won_deals"].label()).value == f"{_expected(app, start, end, territory_id=sel)['won_deals']:,}"
    at.selectbox(key="dash_campaign").set_value(campaign).run()
    assert not at.exception
    want = _expected(app, start, end, territory_id=sel, campaign_id=campaign)
    assert _metric(at, KPIS["leads_created"].label()).value == f"{want['leads_created']:,}"
    for segment in Segment:
        at.selectbox(key="dash_segment").set_value(segment).run()
        assert not at.exception, segment
        want = _expected(app, start, end, territory_id=sel, campaign_id=campaign, segment=segment)
        assert _metric(at, KPIS["won_deals"].label()).value == f"{want['won_deals']:,}", segment


def test_drill_down_lists_the_records_and_offers_both_downloads(app):
    at = _dashboard()
    # Nothing is listed (or read) before a KPI is chosen (the scorecard's table is in its closed tab).
    assert at.selectbox(key="dash_drill").value is None and len(at.dataframe) == 0
    assert not at.get("download_button")
    at.selectbox(key="dash_preset").select("Last 12 months").run()
    for key in ("won_revenue", "untouched_leads", "marketing_spend", "note_read_rate", "ltv_by_segment"):
        at.selectbox(key="dash_drill").set_value(key).run()
        assert not at.exception, key
        assert len(at.dataframe) == 1
        assert "recomputed from these rows" in all_text(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download CSV", "Download XLSX"]


def test_exports_neutralise_formula_injection():
    frame = pd.DataFrame({"company": ["=HYPERLINK(\"http://x\")", "+1", "-2", "@SUM(A1)", "서울 Foods", "\tx"],
                          "amount": [1, -2, 3, 4, 5, 6]})
    safe = safe_frame(frame)
    assert list(safe["company"]) == ["'=HYPERLINK(\"http://x\")", "'+1", "'-2", "'@SUM(A1)", "서울 Foods", "'\tx"]
    assert list(safe["amount"]) == [1, -2, 3, 4, 5, 6]          # numbers stay numbers
    book = openpyxl.load_workbook(io.BytesIO(frame_xlsx_bytes(frame)))
    cells = [c.value for c in book.active["A"]][1:]
    assert cells[0] == "'=HYPERLINK(\"http://x\")" and cells[4] == "서울 Foods"
    assert book.active["B3"].value == -2
    csv = frame_csv_bytes(frame).decode("utf-8-sig")
    assert "'=HYPERLINK" in csv and "서울 Foods" in csv


def test_presets_are_calendar_periods_to_date():
    today = date(2026, 5, 20)
    assert preset_period("This month", today) == (date(2026, 5, 1), today)
    assert preset_period("This quarter", today) == (date(2026, 4, 1), today)
    assert preset_period("This year", today) == (date(2026, 1, 1), today)
    assert preset_period("Last 12 months", today) == (date(2025, 5, 21), today)
    assert preset_period("Last 12 months", date(2028, 2, 29)) == (date(2027, 3, 1), date(2028, 2, 29))


def test_the_prefetch_reads_only_what_the_page_reads_and_nothing_twice(app, monkeypatch):
    """Issue 18: the dashboard starts its charts' and previous period's reads on the
    prefetch threads while it computes the tiles. A cold run with the prefetch issues exactly the
    statements a cold run without it issues (a prefetched read the page never makes, or a read made
    twice, would add some) and shows the same numbers."""
    from concurrent.futures import wait

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    from ui import dashboard_charts, reads

    seen = []

    def count(*_args):
        seen.append(1)

    def cold_run(at):
        reads.clear_caches()
        dashboard_charts._figures.clear()
        seen.clear()
        event.listen(Engine, "before_cursor_execute", count)
        try:
            at.run()
            wait(list(reads._RECENT), timeout=60)
        finally:
            event.remove(Engine, "before_cursor_execute", count)
        assert not at.exception, at.exception
        return len(seen), [(t.label, t.value) for t in kpi_tiles(at)]

    at = _dashboard()
    cold_run(at)                                        # the first run after sign-in: settles the session
    with_prefetch, tiles = cold_run(at)
    assert len(reads._RECENT) >= 8                      # the page did prefetch
    reads._RECENT.clear()
    monkeypatch.setattr(reads, "_prefetch_one", lambda *args: None)
    without, tiles_without = cold_run(at)
    assert with_prefetch == without, (with_prefetch, without)
    assert tiles == tiles_without and len(tiles) > 30
