"""The routing queue: leads nobody is assigned to, routed by hand or by the automatic rule.

Marketers and admins see every unassigned lead; a manager sees (and routes) their territory's only.
A page file: app.py registers it with st.navigation (see ui/standalone.py).
"""
from __future__ import annotations

import streamlit as st

from models.enums import Role
from queries import marketing
from services import routing
from services.markdown_safety import escape_markdown as md
from ui.actions import run_write_then_rerun, show_flash
from ui.field_widgets import business_settings, page_offset, pager
from ui.rejected_queue import rejected_section
from ui.format import when
from ui.reads import cached_read, fresh_read
from ui.session import require_viewer
from ui.tables import dataframe
from i18n import N_, _, ngettext

ROUTERS = (Role.marketer, Role.admin, Role.manager)
NO_TERRITORY = -1
QUEUE_PAGE = 50


def _filters(viewer, territories) -> dict:
    if viewer.role is Role.manager:
        return {}
    names = {t.id: t.name for t in territories}
    c1, c2 = st.columns(2)
    choice = c1.selectbox(_("Territory"), [None, NO_TERRITORY, *names], key="rt_territory",
                          format_func=lambda t: _("All") if t is None else _("No territory yet") if t == NO_TERRITORY
                          else names[t])
    campaigns = dict(cached_read(marketing.campaign_choices, viewer))
    campaign = c2.selectbox(_("Campaign"), [None, *campaigns], format_func=lambda c: _("All") if c is None else campaigns[c],
                            key="rt_campaign")
    return dict(campaign_id=campaign, without_territory=choice == NO_TERRITORY,
                territory_id=None if choice in (None, NO_TERRITORY) else choice)


def _route_one(viewer, rows, territories) -> None:
    labels = {r.id: f"{r.code} · {r.company}" + (f" · {r.territory}" if r.territory else "") for r in rows}
    lead_id = st.selectbox(_("Lead"), list(labels), format_func=labels.get, key="rt_lead")
    lead = next(r for r in rows if r.id == lead_id)
    names = {t.id: t.name for t in territories}
    if viewer.role is Role.manager:
        territory_id = viewer.territory_id
        st.caption(_("Territory: {value}").format(value=md(names[territory_id])))
    else:
        ids = list(names)
        territory_id = st.selectbox(_("Territory"), ids, format_func=names.get, key=f"rt_to_territory_{lead_id}",
                                    index=ids.index(lead.territory_id) if lead.territory_id in names else 0)
    reps = fresh_read(marketing.routable_reps, viewer, territory_id)
    if not reps:
        st.warning(_("{value} has no active rep; the lead can be given the territory and wait.").format(
            value=md(names[territory_id])))
    rep_names = {r[0]: ngettext("{rep} ({n} open lead)", "{rep} ({n} open leads)", r[2]).format(rep=r[1], n=r[2])
                 for r in reps}
    plain_names = {r[0]: r[1] for r in reps}
    rep_id = st.selectbox(_("Rep"), [None, *rep_names], key=f"rt_rep_{lead_id}_{territory_id}",
                          format_func=lambda r: _("— territory only —") if r is None else rep_names[r],
                          index=1 if reps else 0)
    if st.button(_("Route lead"), type="primary", key="rt_route"):
        run_write_then_rerun(lambda s: routing.route_lead(viewer, lead_id, territory_id=territory_id, rep_id=rep_id, session=s,
                                               expected_version=lead.version),
                  _("Lead {code} routed to {to}.").format(code=lead.code,
                                                          to=plain_names[rep_id] if rep_id else names[territory_id]))


def render() -> None:
    viewer = require_viewer(*ROUTERS)
    st.title(_("Lead routing"))
    st.caption(_("Leads that no rep could take automatically: no territory, or no active rep there."))
    show_flash()
    tz = business_settings().tz
    territories = fresh_read(marketing.territories, None)
    if viewer.role is not Role.manager:
        rejected_section(viewer, territories, tz)
        st.divider()
    filters = _filters(viewer, territories)
    offset = page_offset("rt_page", tuple(filters.items()), QUEUE_PAGE)
    # Fresh, not cached: a lead routed by a colleague a moment ago must leave the queue.
    page = fresh_read(marketing.unassigned_queue, viewer, limit=QUEUE_PAGE, offset=offset, **filters)
    st.metric(_("Unassigned leads"), f"{page.total:,}")
    if not page.rows:
        st.success(_("Every lead has a rep."))
        return
    dataframe([{_("Lead"): r.code, _("Company"): r.company, _("Name"): r.contact_name or "", _("Email"): r.email or "",
                _("Campaign"): r.campaign, _("Event"): r.event or "", _("Territory"): r.territory or "—",
                _("Account"): r.account or "", _("Created"): when(r.created_at, tz)} for r in page.rows],
              hide_index=True, width="stretch")
    st.caption(_("Oldest first."))
    pager(page, "rt_page", noun=N_("leads"))
    st.subheader(_("Route by hand"))
    _route_one(viewer, page.rows, territories)
    st.subheader(_("Route automatically"))
    st.caption(_("Owner of the account first, else the territory's rep with the fewest open leads."))
    if st.button(ngettext("Apply the rule to the {n} lead on this page", "Apply the rule to the {n} leads on this page",
                          len(page.rows)).format(n=len(page.rows)), key="rt_auto"):
        run_write_then_rerun(lambda s: routing.auto_route(viewer, [r.id for r in page.rows], session=s),
                  lambda r: _("{assigned}; {waiting} still need a rep.").format(
                      assigned=ngettext("{n} lead assigned", "{n} leads assigned", r["assigned"]).format(n=r["assigned"]),
                      waiting=r["still_unassigned"]))


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
