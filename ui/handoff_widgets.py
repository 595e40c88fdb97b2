"""Pieces shared by the black-hole page and the dashboard: the field's verdict on campaigns
(rejection reasons per campaign) and the two-sided scorecard."""
from __future__ import annotations

from datetime import date

import plotly.graph_objects as go
import pyarrow as pa
import streamlit as st

from i18n import _, current_language, use_language
from models.config import load_config
from models.db import write_generation
from models.types import local_today
from queries import handoff_answers
from queries.reject_reasons import reason_label
from ui.figures import shared
from ui.reads import cached_read, kept, scope_key


def rejection_reasons_chart(viewer, *, key: str) -> None:
    st.markdown(_("**Rejections by campaign and reason** — the field's verdict on a campaign's leads"))
    fig = _rejections_figure(scope_key(viewer, scope_only=True), write_generation(), load_config().database_url, current_language(),
                             viewer)
    if fig is None:
        st.caption(_("No lead has been rejected yet."))
        return
    st.plotly_chart(fig, key=key)


# Built once per scope (role and territory: the query is scope_only), language and write
# generation and kept (``ui.reads.kept``: no copy per rerun; st.plotly_chart serialises a figure
# without changing it), as the dashboard's figures are; graph objects, not plotly express, which
# took ~70 ms per rerun to build these bars.
@kept(max_entries=500)
def _rejections_figure(scope: tuple, generation: int, database_url: str, language: str, _viewer) -> go.Figure | None:
    with use_language(language):
        return shared(rejection_reasons_figure(cached_read(handoff_answers.rejection_reasons_by_campaign, _viewer)))


def rejection_reasons_figure(frame) -> go.Figure | None:
    """Stacked bars: rejections per campaign, one colour per reason (None without rejections)."""
    if frame.empty:
        return None
    campaign, rejections = _("Campaign"), _("Rejections")
    fig = go.Figure(layout=go.Layout(barmode="relative", xaxis_title_text=campaign, yaxis_title_text=rejections,
                                     legend_title_text=_("Reason")))
    for reason, rows in frame.groupby("reason", sort=False):
        label = reason_label(reason)
        fig.add_trace(go.Bar(
            name=label, x=rows["campaign"], y=rows["rejections"],
            customdata=[[label, name] for name in rows["name"]],
            hovertemplate=f"%{{customdata[0]}}<br>{campaign}: %{{x}}<br>{rejections}: %{{y}}<br>"
                          "%{customdata[1]}<extra></extra>"))
    return fig


# The table as shown (headers in the reader's language), made once per scope, period, language and
# write generation: an Arrow table is immutable, so one object serves every rerun (``ui.reads.kept``,
# no copy), where the cached frame was unpickled, renamed and converted to Arrow on each (~1 ms for
# its 300 rows at large; the scorecard was a quarter of a black-hole rerun: bench/README.md).
@kept(max_entries=500)
def _scorecard_table(scope: tuple, filters: tuple, generation: int, database_url: str, language: str,
                     _viewer) -> pa.Table | None:
    with use_language(language):
        frame = cached_read(handoff_answers.scorecard, _viewer, **dict(filters))
        if frame.empty:
            return None
        return pa.Table.from_pandas(frame.rename(columns={
            "territory": _("Territory"), "code": _("Code"), "month": _("Month"), "promised": _("Promised"),
            "handed_over": _("Handed over"), "accepted": _("Accepted"), "rejected": _("Rejected"),
            "within_sla": _("Within SLA"), "overdue": _("Overdue")}), preserve_index=False)


def _month_starts(today: date, months: int) -> date:
    y, m = today.year, today.month - (months - 1)
    while m < 1:
        y, m = y - 1, m + 12
    return date(y, m, 1)


def scorecard_read(*, tz, months: int = 3) -> tuple:
    """The scorecard's cached read (for ``ui.reads.prefetch``), as ``scorecard`` makes it."""
    return handoff_answers.scorecard, {"start": _month_starts(local_today(tz), months), "months": months}


def scorecard(viewer, *, tz, key: str, months: int = 3) -> None:
    """Per territory and month: what marketing promised and handed over, how sales answered."""
    st.markdown(_("**Scorecard: marketing's promise and sales' answer**, per territory and month"))
    filters = scorecard_read(tz=tz, months=months)[1]
    table = _scorecard_table(scope_key(viewer, scope_only=True), tuple(sorted(filters.items())), write_generation(),
                             load_config().database_url, current_language(), viewer)
    if table is None:
        st.caption(_("No territory yet."))
        return
    st.dataframe(table, hide_index=True, width="stretch", key=key)
    st.caption(_("Promised = the month's lead commitment (admin: targets); handed over = leads assigned that month; "
                 "within SLA = first touch by the stored deadline; overdue = untouched past it."))
