"""Field activity: log a call, visit, e-mail or meeting in a few clicks; my recent activity; my
open opportunities, editable by their owner (or the territory's manager); a new opportunity."""
from __future__ import annotations

from datetime import datetime, timedelta

import streamlit as st

from models.enums import OPEN_STAGES, ActivityKind, Role, Stage
from models.timefmt import local_date
from models.types import utcnow
from queries import field_activity as activity_q
from queries.accounts import linkable_accounts
from services import activities, opportunities
from ui.reads import cached_read, fresh_read
from ui.actions import run_write, show_flash
from ui.field_widgets import business_settings, page_offset, pager, rep_filter
from ui.format import day, money, when
from ui.session import require_viewer
from ui.labels import label, labeller
from ui.tables import dataframe
from i18n import N_, _

PAGE_SIZE = 15


def _account_choices(viewer, key: str) -> dict[int, str]:
    search = st.text_input(_("Find an account"), key=f"{key}_search", max_chars=100,
                           placeholder=_("Type part of the name to narrow the list"))
    return dict(cached_read(linkable_accounts, viewer, search=search or None, limit=50))


def _pick(label: str, options: list[tuple[int, str]], key: str) -> int | None:
    names = dict(options)
    return st.selectbox(label, list(names), index=None, placeholder="—", format_func=names.get, key=key)


def _log_activity(viewer, tz) -> None:
    st.subheader(_("Log an activity"))
    links = cached_read(activity_q.link_options, viewer)
    accounts = _account_choices(viewer, "fa_account")
    with st.form("fa_log", clear_on_submit=True):
        kind = st.segmented_control(_("What"), [k.value for k in ActivityKind], default="visit", key="fa_kind",
                                    format_func=labeller(ActivityKind))
        # One row per pair, so that on a phone (where columns stack) Day and Time stay together.
        cols = st.columns(2)
        account_id = cols[0].selectbox(_("Account"), list(accounts), index=None, placeholder="—",
                                       format_func=accounts.get, key="fa_account_id")
        lead_id = cols[1].selectbox(_("Lead"), [i for i, _ in links.leads], index=None, placeholder="—",
                                    format_func=dict(links.leads).get, key="fa_lead_id")
        cols = st.columns(2)
        opportunity_id = cols[0].selectbox(_("Opportunity"), [i for i, _ in links.opportunities], index=None,
                                           placeholder="—", format_func=dict(links.opportunities).get,
                                           key="fa_opp_id")
        event_id = cols[1].selectbox(_("Event"), [i for i, _ in links.events], index=None, placeholder="—",
                                     format_func=dict(links.events).get, key="fa_event_id")
        now_local = utcnow().astimezone(tz)
        cols = st.columns(2)
        day = cols[0].date_input(_("Day"), value=now_local.date(), max_value=now_local.date(), key="fa_day")
        at = cols[1].time_input(_("Time"), value=now_local.time().replace(second=0, microsecond=0), key="fa_time",
                                step=timedelta(minutes=15))
        notes = st.text_area(_("Notes"), max_chars=2000, key="fa_notes")
        if st.form_submit_button(_("Log activity"), type="primary"):
            occurred = min(datetime.combine(day, at, tzinfo=tz), utcnow())
            if run_write(lambda s: activities.log_activity(
                    viewer, session=s, kind=kind or "visit", occurred_at=occurred, account_id=account_id,
                    lead_id=lead_id, opportunity_id=opportunity_id, event_id=event_id, notes=notes),
                    success=_("{title} logged.").format(title=(kind or 'visit').title())) is not None:
                st.rerun()


def _recent(viewer, rep_id, tz) -> None:
    st.subheader(_("Recent activity"))
    offset = page_offset("fa_recent_page", (rep_id,), PAGE_SIZE)
    result = cached_read(activity_q.recent_activity, viewer, rep_id=rep_id, limit=PAGE_SIZE, offset=offset)
    if not result.rows:
        st.caption(_("No activity logged yet."))
        return
    dataframe([{_("When"): when(a.occurred_at, tz), _("Kind"): label(a.kind, ActivityKind), _("By"): a.user, _("Account"): a.account or "",
                _("Lead"): a.lead or "", _("Opportunity"): a.opportunity or "", _("Event"): a.event or "",
                _("Notes"): a.notes or ""} for a in result.rows], hide_index=True, width="stretch")
    pager(result, "fa_recent_page", N_("activities"))


def _edit_opportunity(viewer, opp, tz) -> None:
    opened_key = f"fa_opp_opened_{opp.id}"
    opened = st.session_state.setdefault(opened_key, opp.version)
    if opened != opp.version:
        st.warning(_("This opportunity was changed by someone else since you opened it."))
        if st.button(_("Reload it"), key=f"fa_opp_reload_{opp.id}"):
            st.session_state[opened_key] = opp.version
            st.rerun()
    with st.form(f"fa_opp_edit_{opp.id}"):
        cols = st.columns(3)
        stages = [s.value for s in Stage]
        stage = cols[0].selectbox(_("Stage"), stages, index=stages.index(opp.stage), key=f"fa_opp_stage_{opp.id}",
                                  format_func=labeller(Stage))
        amount = cols[1].text_input(_("Amount"), value="" if opp.amount is None else f"{opp.amount:f}",
                                    key=f"fa_opp_amount_{opp.id}")
        close = cols[2].date_input(_("Expected close"), value=opp.expected_close_on, key=f"fa_opp_close_{opp.id}")
        if st.form_submit_button(_("Save")):
            saved = run_write(lambda s: opportunities.update_opportunity(
                viewer, opp.id, expected_version=opened, session=s, stage=stage, amount=amount,
                expected_close_on=close), success=_("{name} saved.").format(name=opp.name))
            if saved is not None:
                st.session_state.pop(opened_key, None)
                st.rerun()


def _pipeline(viewer, rep_id, tz, currency) -> None:
    st.subheader(_("Open opportunities"))
    offset = page_offset("fa_opp_page", (rep_id,), PAGE_SIZE)
    result = cached_read(activity_q.open_opportunities, viewer, rep_id=rep_id, limit=PAGE_SIZE, offset=offset)
    if not result.rows:
        st.caption(_("No open opportunities."))
        return
    dataframe([{_("Deal"): o.code, _("Name"): o.name, _("Account"): o.account or "", _("Owner"): o.owner or "",
                _("Stage"): label(o.stage, Stage), _("Amount"): money(o.amount, currency),
                _("Expected close"): day(o.expected_close_on)}
               for o in result.rows], hide_index=True, width="stretch")
    pager(result, "fa_opp_page", N_("opportunities"))
    rows = {o.id: o for o in result.rows}
    choice = st.selectbox(_("Edit an opportunity"), list(rows), index=None, placeholder=_("Choose one of this page"),
                          format_func=lambda i: f"{rows[i].code} · {rows[i].name}", key="fa_opp_choice")
    if choice is not None:
        _edit_opportunity(viewer, fresh_read(activity_q.opportunity_for, viewer, choice), tz)


NEW_OPP_OPEN = "fa_new_open"


def _new_opportunity(viewer, tz) -> None:
    # Drawn only while open (on_change="rerun": opening it reruns the page): closed, its account
    # search and seven fields cost every rerun of the page ~12 elements (bench/README.md, eleventh session).
    new = st.expander(_("New opportunity (not from a lead)"), key=NEW_OPP_OPEN, on_change="rerun")
    if not new.open:
        return
    with new:
        accounts = _account_choices(viewer, "fa_new_account")
        with st.form("fa_new_opp", clear_on_submit=True):
            name = st.text_input(_("Name"), max_chars=300, key="fa_new_name")
            cols = st.columns(2)
            account_id = cols[0].selectbox(_("Account"), list(accounts), index=None, placeholder="—",
                                           format_func=accounts.get, key="fa_new_account_id")
            product = cols[1].text_input(_("Product"), max_chars=200, key="fa_new_product")
            amount = cols[0].text_input(_("Amount"), key="fa_new_amount")
            close = cols[1].date_input(_("Expected close"), value=local_date(utcnow(), tz) + timedelta(days=60),
                                       key="fa_new_close")
            stage = st.selectbox(_("Stage"), [s.value for s in OPEN_STAGES], key="fa_new_stage", format_func=labeller(Stage))
            if st.form_submit_button(_("Create opportunity")):
                if run_write(lambda s: opportunities.create_opportunity(
                        viewer, session=s, name=name, account_id=account_id, amount=amount or None,
                        expected_close_on=close, product=product, stage=stage),
                        success=_("Opportunity “{name}” created.").format(name=name.strip())) is not None:
                    st.rerun()


def render() -> None:
    viewer = require_viewer(Role.rep, Role.manager)
    settings = business_settings()
    st.title(_("Field activity"))
    st.caption(_("Times in {time_zone}").format(time_zone=settings.time_zone))
    show_flash()
    rep_id = rep_filter(viewer, "fa_rep")
    left, right = st.columns([2, 3])
    with left:
        _log_activity(viewer, settings.tz)
    with right:
        _recent(viewer, rep_id, settings.tz)
    _pipeline(viewer, rep_id, settings.tz, settings.currency)
    _new_opportunity(viewer, settings.tz)


if __name__ == "__main__":  # run by st.navigation: see ui/standalone.py
    from ui.standalone import run_page

    run_page(render)
