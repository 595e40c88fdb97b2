"""My accounts: my territory's accounts plus the company-wide accounts I have deals with,
searchable and paged; and one account's deals, leads, recent activity, and the campaigns and
events that touched it — what to read before a visit."""
from __future__ import annotations

import streamlit as st

from models.enums import Role
from queries import accounts as accounts_q
from services.markdown_safety import escape_markdown as md
from ui.reads import cached_read
from ui.field_widgets import business_settings, page_offset, pager, rep_filter
from ui.format import money, when
from ui.session import require_viewer
from ui.labels import label
from ui.tables import dataframe
from models.enums import Segment, Stage
from i18n import N_, _

PAGE_SIZE = 20


def _deals_table(deals, currency) -> None:
    dataframe([{_("Deal"): d.code, _("Name"): d.name, _("Stage"): label(d.stage, Stage), _("Amount"): money(d.amount, currency),
                _("Owner"): d.owner or "", _("Opened"): d.opened_on, _("Expected close"): d.expected_close_on,
                _("Closed"): d.closed_on} for d in deals], hide_index=True, width="stretch")


def _detail(viewer, account_id: int, settings) -> None:
    detail = cached_read(accounts_q.account_detail, viewer, account_id=account_id)
    account, tz = detail.account, settings.tz
    st.subheader(md(account.name))
    st.caption(_("{sector} · {segment} · {territory} · owner {owner}").format(
        sector=md(account.sector) if account.sector else _("no sector"),
        segment=label(account.segment, Segment) if account.segment else _("no segment"),
        territory=md(account.territory), owner=md(account.owner or "—")))
    cols = st.columns(2)
    cols[0].metric(_("Open deals"), account.open_deals)
    cols[1].metric(_("Open pipeline"), money(account.open_pipeline, settings.currency))
    for heading, deals in ((_("Open deals"), detail.open_deals), (_("Closed deals"), detail.closed_deals)):
        st.markdown(f"**{heading}**")
        if deals:
            _deals_table(deals, settings.currency)
        else:
            st.caption(_("None in your scope."))
    st.markdown(_("**Leads**"))
    if detail.leads:
        dataframe([{_("Lead"): lead[0], _("Contact"): lead[1] or "", _("Status"): lead[2], _("Campaign"): lead[3],
                    _("Created"): when(lead[4], tz), _("First touch"): when(lead[5], tz)} for lead in detail.leads],
                  hide_index=True, width="stretch")
    else:
        st.caption(_("None in your scope."))
    st.markdown(_("**Recent activity**"))
    if detail.activities:
        dataframe([{_("When"): when(a[0], tz), _("Kind"): a[1], _("By"): a[2], _("Notes"): a[3] or ""}
                   for a in detail.activities], hide_index=True, width="stretch")
    else:
        st.caption(_("None yet."))
    left, right = st.columns(2)
    with left:
        st.markdown(_("**Campaigns that touched it**"))
        if detail.campaigns:
            dataframe([{_("Campaign"): c[1], _("Code"): c[0], _("From"): c[2], _("To"): c[3]} for c in detail.campaigns],
                      hide_index=True, width="stretch")
        else:
            st.caption(_("None."))
    with right:
        st.markdown(_("**Events that touched it**"))
        if detail.events:
            dataframe([{_("Event"): e[1], _("When"): when(e[2], tz), _("Venue"): e[3] or "", _("Status"): e[4]}
                       for e in detail.events], hide_index=True, width="stretch")
        else:
            st.caption(_("None."))


def render() -> None:
    viewer = require_viewer(Role.rep, Role.manager)
    settings = business_settings()
    st.title(_("My accounts"))
    st.caption(_("Your territory's accounts, and company-wide accounts you have deals with."))
    cols = st.columns([3, 2]) if viewer.role is Role.manager else [st.container()]
    search = cols[0].text_input(_("Search name or sector"), key="acc_search", max_chars=100)
    owner_id = None
    if viewer.role is Role.manager:
        with cols[1]:
            owner_id = rep_filter(viewer, "acc_owner")
    offset = page_offset("acc_page", (search, owner_id), PAGE_SIZE)
    result = cached_read(accounts_q.accounts_for, viewer, search=search or None, owner_id=owner_id, limit=PAGE_SIZE,
                         offset=offset)
    if not result.rows:
        st.info(_("No accounts match."))
        return
    dataframe([{_("Account"): a.name, _("Sector"): a.sector or "", _("Segment"): label(a.segment, Segment), _("Territory"): a.territory,
                _("Owner"): a.owner or "", _("Open deals"): a.open_deals,
                _("Open pipeline"): money(a.open_pipeline, settings.currency)} for a in result.rows],
              hide_index=True, width="stretch")
    pager(result, "acc_page", N_("accounts"))
    rows = {a.id: a.name for a in result.rows}
    choice = st.selectbox(_("Open an account"), list(rows), index=None, placeholder=_("Choose an account of this page"),
                          format_func=rows.get, key="acc_choice")
    if choice is not None:
        _detail(viewer, choice, settings)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
