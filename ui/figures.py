"""Figures built once and shown by many reruns.

``st.plotly_chart`` turns a figure into its dict form on every call (``Figure.to_dict``: a deep
copy of every trace and the layout, numpy arrays re-encoded as base64), then serialises that. The
portal's figures are built once per data and language and kept (``ui.reads.kept``)
(``ui/dashboard_charts.py``, ``ui/handoff_widgets.py``) and never changed afterwards, so their
dict form is computed once too: the rejection chart's was 13% of a black-hole rerun
(bench/README.md, eleventh session).
"""
from __future__ import annotations

import plotly.graph_objects as go


class SharedFigure(go.Figure):
    """A finished figure whose ``to_dict()`` is computed on its first call and returned from then on
    (the same dict: Streamlit and plotly only read it). Not for a figure still being built."""

    def to_dict(self):
        cached = getattr(self, "_shared_dict", None)
        if cached is None:
            cached = super().to_dict()
            self._shared_dict = cached
        return cached


def shared(fig: go.Figure | None) -> SharedFigure | None:
    """``fig``, finished, as a SharedFigure (None stays None: a chart without data)."""
    return None if fig is None else SharedFigure(fig)
