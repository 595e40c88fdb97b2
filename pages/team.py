"""Team (managers): each rep's open work, reassigning leads and opportunities between the
territory's reps — one at a time or all of a rep's — and routing the territory's unassigned leads."""
from __future__ import annotations

from types import MappingProxyType

import pyarrow as pa
import streamlit as st

from i18n import _
from models.enums import Role
from queries import field_activity as activity_q
from queries import lead_queue as queue_q
from queries import team as team_q
from queries.field_common import territory_reps
from queries.handoff_answers import team_rejections
from queries.reject_reasons import reason_label
from services import reassign
from ui.reads import built_read, cached_read
from ui.actions import run_write, show_flash
from ui.field_widgets import business_settings, lazy_tabs, page_offset, pager
from ui.format import when, yes_no
from ui.session import require_viewer
from ui.tables import arrow_rows, dataframe
from i18n import N_, ngettext

PAGE_SIZE = 20


def _rep_choice(reps: dict[int, str], label: str, key: str) -> int | None:
    return st.selectbox(label, list(reps), index=None, placeholder=_("Choose a rep"), format_func=reps.get, key=key)


def _team_rows(members) -> pa.Table | list:
    """The team table as shown, made once per read and language (``built_read``): its ~700 rows were
    unpickled, rebuilt and their headers translated on every rerun."""
    rep, active, here = _("Rep"), _("Active"), _("In this territory")
    leads, overdue, deals = _("Open leads"), _("Overdue untouched"), _("Open deals")
    return arrow_rows([{rep: m.display_name, active: yes_no(m.active), here: yes_no(m.in_territory),
                        leads: m.open_leads, overdue: m.overdue_leads, deals: m.open_deals} for m in members])


def _rep_names(reps) -> MappingProxyType:
    """The territory's active reps by id, for the forms' rep choices (read-only, kept)."""
    return MappingProxyType({r.id: r.display_name for r in reps})


def _team_table(viewer) -> None:
    st.dataframe(built_read(_team_rows, team_q.team_load, viewer), hide_index=True, width="stretch")


def _one_lead(viewer, reps) -> None:
    search = st.text_input(_("Find a lead (code, company, contact)"), key="tm_lead_search", max_chars=100)
    found = cached_read(queue_q.lead_queue, viewer, search=search or None, status="open", rep_id=None, limit=50,
                        offset=0)
    _reassign_one(viewer, reps, "tm_lead", {r.id: f"{r.code} · {r.company} · {r.rep or 'unassigned'}" for r in found.rows},
                  label=_("Lead"), button=_("Reassign lead"), missing=_("Choose a lead and a rep."),
                  write=reassign.reassign_lead, done=_("Lead reassigned to {value}."))


def _one_opportunity(viewer, reps) -> None:
    search = st.text_input(_("Find an opportunity (code or name)"), key="tm_opp_search", max_chars=100)
    found = cached_read(activity_q.open_opportunities, viewer, search=search or None, rep_id=None, limit=50,
                        offset=0)
    _reassign_one(viewer, reps, "tm_opp", {o.id: f"{o.code} · {o.name} · {o.owner or '—'}" for o in found.rows},
                  label=_("Opportunity"), button=_("Reassign opportunity"),
                  missing=_("Choose an opportunity and a rep."), write=reassign.reassign_opportunity,
                  done=_("Opportunity reassigned to {value}."))


def _reassign_one(viewer, reps, key: str, choices: dict[int, str], *, label: str, button: str, missing: str,
                  write, done: str) -> None:
    """One lead or opportunity to another rep: ``write(viewer, id, rep_id, session=…)``."""
    with st.form(f"{key}_form"):
        chosen = st.selectbox(label, list(choices), index=None, placeholder="—", format_func=choices.get, key=key)
        to = _rep_choice(reps, _("Give it to"), f"{key}_to")
        if st.form_submit_button(button):
            if chosen is None or to is None:
                st.error(missing)
            elif run_write(lambda s: write(viewer, chosen, to, session=s),
                           success=done.format(value=reps[to])) is not None:
                st.rerun()


def _all_of_a_rep(viewer, reps, members) -> None:
    holders = {m.id: _("{name} — {leads}, {deals}").format(
        name=m.display_name if m.active else _("{name} (disabled)").format(name=m.display_name),
        leads=ngettext("{n} lead", "{n} leads", m.open_leads).format(n=m.open_leads),
        deals=ngettext("{n} deal", "{n} deals", m.open_deals).format(n=m.open_deals))
        for m in members if m.open_leads or m.open_deals}
    with st.form("tm_all_form"):
        source = st.selectbox(_("From"), list(holders), index=None, placeholder=_("Who is leaving or moving?"),
                              format_func=holders.get, key="tm_all_from")
        to = _rep_choice(reps, _("To"), "tm_all_to")
        sure = st.checkbox(_("Move all their open leads and open opportunities of this territory"), key="tm_all_sure")
        if st.form_submit_button(_("Reassign all")):
            if source is None or to is None or not sure:
                st.error(_("Choose both reps and confirm."))
            else:
                run_write(lambda s: reassign.reassign_all_open(viewer, source, to, session=s),
                          lambda moved: _("Moved {leads} and {deals} to {rep}.").format(
                              leads=ngettext("{n} open lead", "{n} open leads", moved.leads).format(n=moved.leads),
                              deals=ngettext("{n} open opportunity", "{n} open opportunities",
                                             moved.opportunities).format(n=moved.opportunities), rep=reps[to]), rerun=True)


def _unassigned(viewer, reps, tz) -> None:
    search = st.text_input(_("Search unassigned leads"), key="tm_un_search", max_chars=100)
    offset = page_offset("tm_un_page", (search,), PAGE_SIZE)
    result = cached_read(team_q.unassigned_leads, viewer, search=search or None, limit=PAGE_SIZE, offset=offset)
    if not result.rows:
        st.caption(_("No unassigned leads in your territory."))
        return
    dataframe([{_("Lead"): u.code, _("Company"): u.company, _("Contact"): u.contact_name or "", _("Campaign"): u.campaign,
                _("Created"): when(u.created_at, tz)} for u in result.rows], hide_index=True, width="stretch")
    pager(result, "tm_un_page", N_("unassigned leads"))
    rows = {u.id: f"{u.code} · {u.company}" for u in result.rows}
    with st.form("tm_route_form"):
        chosen = st.multiselect(_("Leads to route"), list(rows), format_func=rows.get, key="tm_route_leads",
                                placeholder=_("Choose leads"))
        every = st.checkbox(_("All leads of this page"), key="tm_route_page")
        to = _rep_choice(reps, _("Route to"), "tm_route_to")
        if st.form_submit_button(_("Route")):
            ids = list(rows) if every else chosen
            if not ids or to is None:
                st.error(_("Choose the leads and a rep."))
            elif run_write(lambda s: reassign.route_leads(viewer, ids, to, session=s),
                           success=ngettext("Routed {n} lead to {rep}; its response clock starts now.",
                                            "Routed {n} leads to {rep}; their response clock starts now.",
                                            len(ids)).format(n=len(ids), rep=reps[to])) \
                    is not None:
                st.rerun()


def render() -> None:
    viewer = require_viewer(Role.manager)
    tz = business_settings().tz
    st.title(_("Team"))
    st.caption(_("Your territory's reps and their open work. Reassigning an untouched lead is a new hand-over "
                 "with a new response deadline; a touched lead keeps its own."))
    show_flash()
    _team_table(viewer)
    reps = built_read(_rep_names, territory_reps, viewer)
    # Only the chosen tab runs and is sent: all five, with their forms and tables, were drawn on
    # every rerun.
    lazy_tabs("tm_tab", {
        _("Route unassigned leads"): lambda: _unassigned(viewer, reps, tz),
        _("Reassign a lead"): lambda: _one_lead(viewer, reps),
        _("Reassign an opportunity"): lambda: _one_opportunity(viewer, reps),
        _("All of a rep's work"): lambda: _all_of_a_rep(viewer, reps, cached_read(team_q.team_load, viewer)),
        _("Rejected by the team"): lambda: _team_rejections(viewer, tz)})


def _team_rejections(viewer, tz) -> None:
    rows = cached_read(team_rejections, viewer)
    if not rows:
        st.caption(_("Nobody in your team has rejected a lead."))
        return
    dataframe([{_("Lead"): r.code, _("Company"): r.company, _("Campaign"): r.campaign, _("Rep"): r.rep,
                _("Reason"): reason_label(r.reason), _("Note"): r.note or "",
                _("Rejected"): when(r.rejected_at, tz), _("Now"): r.status} for r in rows],
              hide_index=True, width="stretch", key="tm_rejections")


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
