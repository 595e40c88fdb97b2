"""My accounts: my territory's accounts plus the company-wide accounts I have deals with,
searchable and paged; and one account's deals, leads, recent activity, and the campaigns and
events that touched it — what to read before a visit."""
from __future__ import annotations

import streamlit as st

from models.enums import Role
from queries import accounts as accounts_q
from services.markdown_safety import escape_markdown as md
from ui.field_cache import cached_read
from ui.field_widgets import business_settings, page_offset, pager, rep_filter
from ui.format import money, when
from ui.session import require_viewer

PAGE_SIZE = 20


def _deals_table(deals, currency) -> None:
    st.dataframe([{"Deal": d.code, "Name": d.name, "Stage": d.stage, "Amount": money(d.amount, currency),
                   "Owner": d.owner or "", "Opened": d.opened_on, "Expected close": d.expected_close_on,
                   "Closed": d.closed_on} for d in deals], hide_index=True, width="stretch")


def _detail(viewer, account_id: int, settings) -> None:
    detail = cached_read(accounts_q.account_detail, viewer, account_id=account_id)
    account, tz = detail.account, settings.tz
    st.subheader(md(account.name))
    st.caption(f"{md(account.sector or 'no sector')} · {account.segment or 'no segment'} · {md(account.territory)} · "
               f"owner {md(account.owner or '—')}")
    cols = st.columns(2)
    cols[0].metric("Open deals", account.open_deals)
    cols[1].metric("Open pipeline", money(account.open_pipeline, settings.currency))
    for label, deals in (("Open deals", detail.open_deals), ("Closed deals", detail.closed_deals)):
        st.markdown(f"**{label}**")
        if deals:
            _deals_table(deals, settings.currency)
        else:
            st.caption("None in your scope.")
    st.markdown("**Leads**")
    if detail.leads:
        st.dataframe([{"Lead": lead[0], "Contact": lead[1] or "", "Status": lead[2], "Campaign": lead[3],
                       "Created": when(lead[4], tz), "First touch": when(lead[5], tz)} for lead in detail.leads],
                     hide_index=True, width="stretch")
    else:
        st.caption("None in your scope.")
    st.markdown("**Recent activity**")
    if detail.activities:
        st.dataframe([{"When": when(a[0], tz), "Kind": a[1], "By": a[2], "Notes": a[3] or ""}
                      for a in detail.activities], hide_index=True, width="stretch")
    else:
        st.caption("None yet.")
    left, right = st.columns(2)
    with left:
        st.markdown("**Campaigns that touched it**")
        if detail.campaigns:
            st.dataframe([{"Campaign": c[1], "Code": c[0], "From": c[2], "To": c[3]} for c in detail.campaigns],
                         hide_index=True, width="stretch")
        else:
            st.caption("None.")
    with right:
        st.markdown("**Events that touched it**")
        if detail.events:
            st.dataframe([{"Event": e[1], "When": when(e[2], tz), "Venue": e[3] or "", "Status": e[4]}
                          for e in detail.events], hide_index=True, width="stretch")
        else:
            st.caption("None.")


def render() -> None:
    viewer = require_viewer(Role.rep, Role.manager)
    settings = business_settings()
    st.title("My accounts")
    st.caption("Your territory's accounts, and company-wide accounts you have deals with.")
    cols = st.columns([3, 2]) if viewer.role is Role.manager else [st.container()]
    search = cols[0].text_input("Search name or sector", key="acc_search", max_chars=100)
    owner_id = None
    if viewer.role is Role.manager:
        with cols[1]:
            owner_id = rep_filter(viewer, "acc_owner")
    offset = page_offset("acc_page", (search, owner_id), PAGE_SIZE)
    result = cached_read(accounts_q.accounts_for, viewer, search=search or None, owner_id=owner_id, limit=PAGE_SIZE,
                         offset=offset)
    if not result.rows:
        st.info("No accounts match.")
        return
    st.dataframe([{"Account": a.name, "Sector": a.sector or "", "Segment": a.segment or "", "Territory": a.territory,
                   "Owner": a.owner or "", "Open deals": a.open_deals,
                   "Open pipeline": money(a.open_pipeline, settings.currency)} for a in result.rows],
                 hide_index=True, width="stretch")
    pager(result, "acc_page", "accounts")
    rows = {a.id: a.name for a in result.rows}
    choice = st.selectbox("Open an account", list(rows), index=None, placeholder="Choose an account of this page",
                          format_func=rows.get, key="acc_choice")
    if choice is not None:
        _detail(viewer, choice, settings)


if __name__ == "__main__":  # run on its own by Streamlit: see ui/standalone.py
    from ui.standalone import send_to_app

    send_to_app()
