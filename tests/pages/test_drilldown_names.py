"""Issue 17, item 4: the executive dashboard's drill-down shows what people read — territory names
in the reader's language, campaign names, the rep's display name — and keeps the record's own
code as its key; the CSV/XLSX exports follow the screen."""
from __future__ import annotations

import pandas as pd
from sqlmodel import Session, select

from i18n import use_language
from i18n.labels import name_in_language
from models.db import get_engine
from models.enums import Language, Role
from models.tables import Campaign, Lead, Territory, User
from queries.drilldown import drilldown, measure_value, with_names
from queries.kpis import KPI_KEYS, KpiFilter, all_kpis
from queries.scope import Viewer
from tests import kpi_scenario as sc
from tests.apptest_support import open_page, signed_in

EXEC = Viewer(id=0, username="exec", display_name="Exec", role=Role.executive, territory_id=None)


def test_a_bilingual_name_is_shown_in_the_readers_language():
    assert name_in_language("Seoul 서울", "en") == "Seoul"
    assert name_in_language("Seoul 서울", "ko") == "서울"
    assert name_in_language("New York 뉴욕", "ko") == "뉴욕"
    for plain in ("Seoul", "서울", "SEL", "지역 3 Region", "", None):
        assert name_in_language(plain, "ko") == plain and name_in_language(plain, "en") == plain
    with use_language("ko"):
        assert name_in_language("Busan 부산") == "부산"


def _named_scenario(engine):
    ids = sc.build(engine)
    with Session(engine) as s:
        for t in s.exec(select(Territory)).all():
            t.name = {"SEL": "Seoul 서울", "BSN": "Busan 부산"}.get(t.code, t.name)
        for c in s.exec(select(Campaign)).all():
            c.name = f"Campaign {c.code} 캠페인"
        s.commit()
    return ids


def test_names_replace_the_codes_of_other_records_and_the_rows_still_add_up(engine):
    _named_scenario(engine)
    f = KpiFilter(sc.START, sc.END, sc.AS_OF)
    with Session(engine) as s:
        tiles = all_kpis(EXEC, f, session=s)
        plain = drilldown(EXEC, f, "leads_created", session=s).frame
        with use_language("en"):
            named = drilldown(EXEC, f, "leads_created", session=s, names=True).frame
        with use_language("ko"):
            korean = drilldown(EXEC, f, "leads_created", session=s, names=True).frame
        for key in KPI_KEYS:
            dd = drilldown(EXEC, f, key, session=s, names=True)
            sc.assert_value(measure_value(dd), tiles[key], key=key)
    assert list(named["code"]) == list(plain["code"])                 # the record key stays the code
    assert set(plain["territory"].dropna()) <= {"SEL", "BSN", "ICN"}
    by_code = dict(zip(plain["territory"], named["territory"]))
    assert by_code.get("SEL") == "Seoul" and by_code.get("BSN", "Busan") == "Busan"
    assert dict(zip(plain["territory"], korean["territory"])).get("SEL") == "서울"
    assert set(named["campaign"]) == {f"Campaign {c} 캠페인" for c in plain["campaign"]}


def test_rejections_show_the_reps_display_name(engine):
    _named_scenario(engine)
    frame = pd.DataFrame({"code": ["L1"], "territory": ["SEL"], "campaign": ["C1"], "rep": ["rep_sel1"],
                          "source_campaign": [None]})
    with Session(engine) as s, use_language("en"):
        named = with_names(frame, session=s)
    assert named.to_dict("records") == [{"code": "L1", "territory": "Seoul", "campaign": "Campaign C1 캠페인",
                                         "rep": "Rep_Sel1", "source_campaign": None}]
    assert list(frame["territory"]) == ["SEL"]                        # the input is not changed


def test_the_dashboard_drilldown_shows_names_in_english_and_korean(app):
    """On the demo: the leads behind "Leads created" list territory and campaign names, in English
    and in Korean (the user's language); the record's own code stays the first column. The
    downloads are built from this same frame (the browser test reads the CSV)."""
    engine = get_engine(app)
    with Session(engine) as s:
        codes = set(s.execute(select(Territory.code)).scalars())
        campaign_codes = set(s.execute(select(Campaign.code)).scalars())
        campaign_names = set(s.execute(select(Campaign.name)).scalars())
        lead_codes = set(s.execute(select(Lead.code)).scalars())
    for language, title, seoul, territory_header, campaign_header in (
            ("en", "Executive dashboard", "Seoul", "Territory", "Campaign"),
            ("ko", "경영 대시보드", "서울", "지역", "캠페인")):
        with Session(engine) as s:
            user = s.exec(select(User).where(User.username == "hyunwoo.jung")).one()
            user.language = Language(language)
            s.commit()
        # The test process formats the select boxes' options too: in the page's language.
        with use_language(language):
            at = open_page(signed_in("hyunwoo.jung"), title)
            assert not at.exception, at.exception
            at.selectbox(key="dash_preset").select_index(4).run()   # Last 12 months
            at.selectbox(key="dash_drill").select_index(KPI_KEYS.index("leads_created")).run()
            assert not at.exception, at.exception
        frame = at.dataframe[-1].value
        assert territory_header in frame.columns and campaign_header in frame.columns, list(frame.columns)
        territories = set(frame[territory_header]) - {""}
        assert territories and not territories & codes, territories
        assert seoul in territories, territories
        shown = set(frame[campaign_header])
        assert shown <= campaign_names and not shown & campaign_codes
        assert set(frame[frame.columns[0]]) <= lead_codes               # the record's own code is the key
