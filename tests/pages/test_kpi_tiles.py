"""The dashboard's tiles as one HTML element (ui/kpi_tiles.py): the colour of a change says good
or bad news the way each KPI reads, every text is escaped, and the page draws them from its numbers."""
from ui.kpi_tiles import Section, Tile, delta_tone, tiles_html
from tests.apptest_support import ShownTile, _TileParser


def _parsed(body: str) -> list[dict]:
    parser = _TileParser()
    parser.feed(body)
    return parser.tiles


def test_a_rise_is_good_news_unless_lower_is_better_and_nothing_to_compare_is_grey():
    assert delta_tone("+10", lower_is_better=False) == "good"
    assert delta_tone("-2.2 pp", lower_is_better=False) == "bad"
    assert delta_tone("+14", lower_is_better=True) == "bad"           # more lost deals
    assert delta_tone("-₩49.7M", lower_is_better=True) == "good"      # cheaper leads
    assert delta_tone("no earlier data", lower_is_better=False, off=True) == "off"
    assert delta_tone(None, lower_is_better=False) == "off"


def test_every_text_is_escaped_and_each_tile_names_its_kpi():
    evil = '<img src=x onerror="alert(1)">'
    body = tiles_html(f"note {evil}", [
        Section(f"Sales {evil}", (Tile("won_deals", f"Won {evil}", "22", "+10", "good", True, f"def {evil}"),
                                  Tile("lost_deals", "Lost deals", "28", "no earlier data", "off", False, "d"))),
        Section("Customers", (), f"none {evil}")])
    assert "<img" not in body and body.count("&lt;img") == 5
    tiles = _parsed(body)
    assert [t["key"] for t in tiles] == ["won_deals", "lost_deals"]
    assert tiles[0]["label"].strip() == f"Won {evil}" and tiles[0]["value"] == "22"
    assert tiles[0]["delta"] == "↑ +10" and tiles[0]["tone"] == "good" and tiles[0]["help"] == f"def {evil}"
    assert tiles[1]["delta"] == "no earlier data" and tiles[1]["tone"] == "off"    # no arrow drawn
    assert ShownTile.__dataclass_fields__.keys() >= {"label", "value", "delta", "tone", "help"}


def test_the_dashboard_colours_each_change_by_its_kpi(app):
    from queries.kpis import KPIS
    from tests.apptest_support import kpi_tiles, open_page, signed_in
    at = open_page(signed_in("hyunwoo.jung"), "Executive dashboard")
    assert not at.exception, at.exception
    tiles = [t for t in kpi_tiles(at) if t.delta and t.delta != "no earlier data"]
    assert tiles
    for t in tiles:
        rising = not t.delta.startswith("-")
        assert t.arrow == ("↑" if rising else "↓"), t
        lower_is_better = KPIS[t.key].lower_is_better
        assert t.tone == ("good" if rising != lower_is_better else "bad"), t
