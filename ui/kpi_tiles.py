"""The executive dashboard's KPI tiles, drawn as one HTML element.

They were 33 ``st.metric`` elements in six wrapping rows, each section under its own subheader:
~45 of the page's 79 elements, every one a message built, serialised and sent on every rerun, and
st.metric's own work (its help text dedented, its delta parsed) on top — the dashboard's rerun was
5-6x the trivial app's (bench/README.md, thirteenth session). One ``st.html`` element of a few
kilobytes replaces them, as the month calendar replaced ~100 containers (ui/month_calendar.py).

A tile is a ``<details>`` element: its summary is the title, the number and the change against
the previous period (an arrow, green when the change is good news, red when it is bad: a KPI where
lower is better reads the other way round, grey when there is nothing to compare with); clicking
or tapping the tile opens its definition, with the exact amount behind a short one (₩6.7억 =
₩667,000,000). It works with a mouse, a keyboard and a finger alike, where a hover tooltip does
not work on a phone. Wide screens get four tiles to a row on the dashboard's main column; a phone,
one to a line.

Everything taken from the data or the catalogs is HTML-escaped here; Streamlit also sanitises
``st.html`` (DOMPurify), and no script runs in it. ``data-kpi`` names each tile's KPI (tests and
people inspecting the page find a tile by it).
"""
from __future__ import annotations

import html
from dataclasses import dataclass

TILE_MIN_PX = 190

STYLE = """<style>
.ov-tiles { margin: 0 0 0.5rem; }
.ov-tiles .ov-note { font-size: 0.875rem; opacity: 0.65; margin: 0 0 0.5rem; }
.ov-tiles h3 { font-size: 1.5rem; font-weight: 600; line-height: 1.2; margin: 1.25rem 0 0.6rem; padding: 0; }
.ov-tiles .ov-grid { display: grid; grid-template-columns: repeat(auto-fill, minmax(MINpx, 1fr)); gap: 0.5rem;
  align-items: start; }
.ov-tiles details { border: 1px solid rgba(128, 128, 128, 0.3); border-radius: 0.5rem; padding: 0.75rem 1rem;
  overflow-wrap: anywhere; }
.ov-tiles details[open] { border-color: rgba(31, 111, 235, 0.6); }
.ov-tiles summary { display: block; list-style: none; cursor: pointer; }
.ov-tiles summary::-webkit-details-marker { display: none; }
.ov-tiles summary:focus-visible { outline: 2px solid #1f6feb; outline-offset: 2px; border-radius: 0.25rem; }
.ov-tiles .ov-label { display: block; font-size: 0.875rem; line-height: 1.4; }
.ov-tiles .ov-i { opacity: 0.55; margin-left: 0.2rem; font-size: 0.8rem; }
.ov-tiles .ov-value { display: block; font-size: 2.25rem; line-height: 1.3; padding: 0.2rem 0 0.1rem; }
.ov-tiles .ov-delta { display: inline-block; font-size: 0.8rem; line-height: 1.5; border-radius: 1rem;
  padding: 0 0.5rem; margin-top: 0.15rem; }
.ov-tiles .ov-good { color: rgb(21, 130, 60); background: rgba(33, 195, 84, 0.13); }
.ov-tiles .ov-bad { color: rgb(200, 35, 35); background: rgba(255, 43, 43, 0.11); }
.ov-tiles .ov-off { opacity: 0.75; background: rgba(128, 128, 128, 0.14); }
.ov-tiles .ov-def { font-size: 0.8rem; line-height: 1.45; opacity: 0.85; margin-top: 0.5rem; white-space: pre-line; }
@media (max-width: 640px) {
  .ov-tiles .ov-grid { grid-template-columns: 1fr; }
  .ov-tiles .ov-value { font-size: 1.6rem; }
}
</style>""".replace("MIN", str(TILE_MIN_PX))


@dataclass(frozen=True)
class Tile:
    """One KPI as shown. ``tone``: "good", "bad" or "off" (the delta's colour); ``arrow``: whether
    the delta shows ↑/↓ (it follows the delta's sign)."""
    key: str
    label: str
    value: str
    delta: str | None
    tone: str
    arrow: bool
    definition: str


@dataclass(frozen=True)
class Section:
    title: str
    tiles: tuple[Tile, ...]
    empty: str | None = None      # said instead of tiles when there are none


def delta_tone(delta: str | None, *, lower_is_better: bool, off: bool = False) -> str:
    """Good or bad news, as st.metric tells it: a leading "-" is a fall."""
    if off or not delta:
        return "off"
    rising = not delta.startswith("-")
    return "good" if rising != lower_is_better else "bad"


def _tile(tile: Tile) -> str:
    e = html.escape
    delta = ""
    if tile.delta:
        arrow = ("↓ " if tile.delta.startswith("-") else "↑ ") if tile.arrow else ""
        delta = f'<span class="ov-delta ov-{tile.tone}">{arrow}{e(tile.delta)}</span>'
    return (f'<details data-kpi="{e(tile.key)}"><summary>'
            f'<span class="ov-label">{e(tile.label)}<span class="ov-i" aria-hidden="true">ⓘ</span></span>'
            f'<span class="ov-value">{e(tile.value)}</span>{delta}</summary>'
            f'<div class="ov-def">{e(tile.definition)}</div></details>')


def tiles_html(note: str, sections: list[Section]) -> str:
    """The tiles of every section under its title, after ``note`` (what the changes compare with)."""
    parts = [STYLE, '<div class="ov-tiles">', f'<p class="ov-note">{html.escape(note)}</p>']
    for section in sections:
        parts.append(f"<h3>{html.escape(section.title)}</h3>")
        if section.tiles:
            parts.append('<div class="ov-grid">' + "".join(_tile(t) for t in section.tiles) + "</div>")
        elif section.empty:
            parts.append(f'<p class="ov-note">{html.escape(section.empty)}</p>')
    parts.append("</div>")
    return "".join(parts)
