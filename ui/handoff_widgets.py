"""Pieces shared by the black-hole page and the dashboard: the field's verdict on campaigns
(rejection reasons per campaign) and the two-sided scorecard."""
from __future__ import annotations

from datetime import date

import plotly.express as px
import streamlit as st

from i18n import _
from models.types import local_today
from queries import handoff_answers
from queries.reject_reasons import reason_label
from ui.reads import cached_read


def rejection_reasons_chart(viewer, *, key: str) -> None:
    st.markdown(_("**Rejections by campaign and reason** — the field's verdict on a campaign's leads"))
    frame = cached_read(handoff_answers.rejection_reasons_by_campaign, viewer)
    if frame.empty:
        st.caption(_("No lead has been rejected yet."))
        return
    frame["reason"] = [reason_label(r) for r in frame["reason"]]
    fig = px.bar(frame, x="campaign", y="rejections", color="reason", hover_data=["name"],
                 labels={"campaign": _("Campaign"), "rejections": _("Rejections"), "reason": _("Reason")})
    st.plotly_chart(fig, key=key)


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
    query, filters = scorecard_read(tz=tz, months=months)
    frame = cached_read(query, viewer, **filters)
    if frame.empty:
        st.caption(_("No territory yet."))
        return
    st.dataframe(frame.rename(columns={
        "territory": _("Territory"), "code": _("Code"), "month": _("Month"), "promised": _("Promised"),
        "handed_over": _("Handed over"), "accepted": _("Accepted"), "rejected": _("Rejected"),
        "within_sla": _("Within SLA"), "overdue": _("Overdue")}), hide_index=True, width="stretch", key=key)
    st.caption(_("Promised = the month's lead commitment (admin: targets); handed over = leads assigned that month; "
                 "within SLA = first touch by the stored deadline; overdue = untouched past it."))
