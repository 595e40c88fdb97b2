"""Phone-sized screens: Streamlit keeps the sidebar open after a navigation link is followed,
and on a 390-px phone it then covers most of the page. This closes it after each navigation
link is followed on a narrow screen (Streamlit's overlay-sidebar breakpoint, 768 px).

The script is a constant written here (no user input reaches it). It installs one click
listener per browser tab (a flag on the window keeps it to one).
"""
from __future__ import annotations

import streamlit as st

NARROW_PX = 768
_SCRIPT = """<script>
(function () {
  const doc = window.parent ? window.parent.document : document;
  const view = doc.defaultView || window;
  if (view.__ovNavCloser) { return; }
  view.__ovNavCloser = true;
  const close = function () {
    const bar = doc.querySelector('[data-testid="stSidebar"]');
    if (!bar || bar.getAttribute('data-collapsed') === 'true') { return true; }
    const button = doc.querySelector('[data-testid="stSidebarCollapseButton"] button')
      || doc.querySelector('[data-testid="stSidebarCollapseButton"]');
    if (!button) { return false; }
    button.click();
    return true;
  };
  doc.addEventListener('click', function (event) {
    if (view.innerWidth >= %(narrow)d) { return; }
    const link = event.target.closest && event.target.closest('[data-testid="stSidebarNav"] a');
    if (!link) { return; }
    let tries = 0;
    const timer = view.setInterval(function () { if (close() || ++tries > 30) { view.clearInterval(timer); } }, 100);
  }, true);
})();
</script>"""


# A metric's title wraps onto a second line rather than being cut (st.metric truncates its label
# with an ellipsis, and a translation may be longer than the English). Narrow screens: less empty
# space above the title, a smaller title and smaller metric numbers, so the first screen shows
# content rather than padding. (The dashboard's tiles have their own style: ui/kpi_tiles.py.)
_STYLE = """<style>
[data-testid="stMetricLabel"], [data-testid="stMetricLabel"] * {
  white-space: normal !important; overflow: visible !important; text-overflow: clip !important;
}
[data-testid="stMetricLabel"] { height: auto !important; min-height: 1.5rem; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding-top: 3.5rem; padding-left: 0.75rem; padding-right: 0.75rem; }
  [data-testid="stMain"] h1 { font-size: 1.9rem; }
  [data-testid="stMetricValue"] { font-size: 1.6rem; }
}
</style>"""


def close_sidebar_after_navigation() -> None:
    """Call once per run of a signed-in page, inside ``st.sidebar``: the script, with the portal's
    style (``phone_style``) in the same element — every element is a message on every rerun."""
    st.html(_STYLE + _SCRIPT % {"narrow": NARROW_PX}, unsafe_allow_javascript=True)


def phone_style() -> None:
    """The portal's style alone, for a run without the sidebar (signed out): the style goes to
    Streamlit's event container and takes no space."""
    st.html(_STYLE)
