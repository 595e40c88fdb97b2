"""Every query/service function a page uses refuses a user of the wrong role or territory (issue 7).

How it is made systematic:

1. ``page_functions()`` parses pages/*.py and ui/*.py with ``ast``, collects every name imported
   from ``queries.*``/``services.*`` and every attribute used on such an imported module (called
   or passed on, e.g. to ``cached_read``), resolves them to the real functions and keeps those
   that take a ``viewer``.
2. ``TABLE`` holds one ``Entry`` per such function: the roles that may call it and how to call it
   with the records of territory SEL of a small shared world (tests/access_world.py).
3. Parametrised tests, on SQLite and PostgreSQL:
   - every role NOT in the entry gets a ``PermissionError`` (``AccessDenied``), using the SEL
     users for rep/manager (right territory, wrong role);
   - a BSN rep/manager (when their role is allowed) calling with SEL record ids is refused
     (``foreign="deny"``), or, for lists without ids, receives no row of SEL (``foreign="hide"``:
     the result's text holds no ``SELX`` marker);
   - in both cases nothing was written: every table's content (audit_log included) is the same
     after the refused call as before, read in the same transaction, i.e. the function refuses
     before it writes anything;
   - a positive control: the entry's own user (an allowed role of SEL) passes the access checks,
     and for lists marked ``shows_sel`` does see SEL rows, so the refusals above are not
     produced by bad arguments and the "no SEL rows" checks are not vacuous.
4. ``test_every_page_function_has_an_entry``: a new page function without an entry fails CI, and
   page-used functions that take no viewer must be listed, with a reason, in ``NO_VIEWER``.
"""
from __future__ import annotations

import ast
import dataclasses
import enum
import importlib
import inspect
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa
from sqlmodel import Session, SQLModel

from models.db import get_engine
from models.enums import Role
from models.errors import ValidationFailed
from queries import accounts, admin as admin_q, black_hole, dashboard_series, drilldown as drilldown_q
from queries import field_activity, field_common, home, kpis, lead_queue, marketing, notes_feed, team
from queries import handoff_answers, territory_events
from queries import notifications as notifications_q
from queries import registrations as registrations_q
from queries.admin import AuditFilter
from queries.kpis import KPI_KEYS, KpiFilter
from services import activities, admin, calendar_feed, campaigns, feedback, feedback_inbox, lead_import, leads
from services import acceptance, inbox, note_reads, notes, opportunities, privacy, reassign, registrations, routing
from services import users
from services.errors import StaleEdit
from services.admin import TargetRow
from services.campaigns import CampaignInput, EventInput
from tests.access_world import BSN_MARK, BSN_VIEWERS, SEL_MARK, SEL_VIEWERS, build_world

ROOT = Path(__file__).resolve().parent.parent
ALL = frozenset(Role)
FIELD = frozenset({Role.rep, Role.manager})
CHECK_IN = frozenset({Role.rep, Role.manager, Role.marketer, Role.admin})
MANAGER = frozenset({Role.manager})
MARKETING = frozenset({Role.marketer, Role.admin})
ROUTING = frozenset({Role.marketer, Role.admin, Role.manager})
KPI = frozenset({Role.executive, Role.admin, Role.marketer, Role.manager})
ADMIN = frozenset({Role.admin})
ERASE = frozenset({Role.admin, Role.marketer})
AUDIT_READERS = frozenset({Role.admin, Role.marketer, Role.executive})


# -- 1. what the pages use -----------------------------------------------------------------------

def _qualname(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def _page_references() -> dict[str, tuple[Any, set[str]]]:
    """Every callable of queries.*/services.* referenced in pages/*.py and ui/*.py:
    qualified name -> (function, the files referencing it)."""
    found: dict[str, tuple[Any, set[str]]] = {}
    for path in sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules: dict[str, str] = {}          # local alias -> imported module
        refs: set[tuple[str, str]] = set()   # (module, attribute)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                    and node.module.split(".")[0] in ("queries", "services"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    try:
                        importlib.import_module(full)
                        modules[alias.asname or alias.name] = full
                    except ModuleNotFoundError:
                        refs.add((node.module, alias.name))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] in ("queries", "services"):
                        if alias.asname:        # import queries.marketing as m
                            modules[alias.asname] = alias.name
                        else:                   # import queries.marketing (used as queries.marketing.x)
                            modules[alias.name.split(".")[0]] = alias.name.split(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
                refs.add((modules[node.value.id], node.attr))
        for module, attr in refs:
            obj = getattr(importlib.import_module(module), attr)
            if inspect.isclass(obj) or inspect.ismodule(obj) or not callable(obj):
                continue
            try:
                inspect.signature(obj)
            except (TypeError, ValueError):
                continue
            entry = found.setdefault(_qualname(obj), (obj, set()))
            entry[1].add(str(path.relative_to(ROOT)))
    return found


def _takes_viewer(fn) -> bool:
    params = list(inspect.signature(fn).parameters)
    return bool(params) and params[0] == "viewer" or "viewer" in params


def page_functions() -> dict[str, Any]:
    return {name: fn for name, (fn, _) in _page_references().items() if _takes_viewer(fn)}


# Page-used functions that take no viewer, and why that is safe. A new one must be added here
# on purpose (test_every_page_function_has_an_entry), after deciding it needs no access check.
NO_VIEWER = {
    "services.auth.change_own_password": "self-service: the signed-in user's own username, current password required",
    "services.auth.password_change_required": "the signed-in user's own flag",
    "services.auth.sign_in": "the sign-in itself",
    "services.auth.sign_out": "the signed-in user's own session epoch",
    "services.auth.session_is_valid": "session check of the signed-in user",
    "queries.scope.load_viewer": "builds the Viewer from the session's username",
    "services.bootstrap.prepare_database": "the app's database at start (migrate, seed the embedded demo); no data out",
    "services.users.generate_one_time_password": "pure: random text, no data",
    "queries.reject_reasons.reason_label": "pure: the label of a reason code",
    "services.spreadsheet_export.csv_bytes": "pure formatting of rows the caller already holds",
    "services.spreadsheet_export.safe_frame": "pure formatting",
    "services.spreadsheet_export.frame_csv_bytes": "pure formatting",
    "services.spreadsheet_export.frame_xlsx_bytes": "pure formatting",
    "services.markdown_safety.sanitize_markdown": "pure text transformation",
    "services.markdown_safety.escape_markdown": "pure text transformation",
    "services.session_token.encode": "signs the signed-in user's own cookie",
    "services.session_token.decode": "reads the request's own cookie; the user is then checked (session_is_valid)",
    "services.calendar_feed.build_calendar": "pure: formats events the caller already holds",
    "services.calendar_feed.calendar_name": "pure: a title from a name the caller holds",
    "services.calendar_feed.feed_url": "pure: an address from a token the caller holds",
    "services.calendar_feed.webcal_url": "pure: the same address with another scheme",
    "services.registrations.check_in_refusal": "pure: why check-in is closed for an event the caller already holds",
    "services.lead_import_parsing.read_header": "pure: parses the uploaded file",
    "services.lead_import_parsing.open_lead_file": "pure: checks and opens the uploaded file",
    "services.lead_import_parsing.auto_mapping": "pure: maps header names",
    "services.leads.next_statuses": "pure: the lead status machine",
    "queries.notes_feed.note_changes": "pure: a diff of two texts the caller holds",
    "queries.notes_feed.note_change_lines": "pure: what changed between two texts the caller holds",
    "queries.drilldown.measure_value": "pure: a number from a DrillDown the caller holds",
    "queries.marketing.territories": "territory codes and names, shown to every signed-in role anyway",
    "queries.marketing.campaign_target_ids": "ids only, of a campaign the marketing page already holds",
    "queries.home.territory_name": "the name of the viewer's own territory",
    "queries.notifications.kind_label": "pure: the label of a notification kind",
    "services.escalation.sweep": "the portal's background job (ui/background.py): no user, the ladder's rules",
}


# -- 2. the table --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Entry:
    fn: Callable
    roles: frozenset            # roles that may call it
    call: Callable              # (world, viewer, session) -> result, with SEL's records
    own: str                    # the world's viewer for the positive control (an allowed role of SEL)
    foreign: str | None = None  # BSN rep/manager of an allowed role: "deny" (SEL ids) or "hide" (no SEL rows)
    foreign_calls: tuple = ()   # calls for the BSN user instead of `call` (default: `call`)
    bsn_check: Callable | None = None  # (world, result) -> bool for results without text (counts)
    shows_sel: bool = False     # the own viewer's result shows SEL's rows
    ok_errors: tuple = ()       # errors raised after the access checks that the positive control accepts
    engine: bool = False        # works on the engine, in its own transactions
    own_writes: tuple = ()      # "hide" self-service writes: tables the BSN user's call may write its OWN rows to

    @property
    def name(self) -> str:
        return _qualname(self.fn)


def kf(w, territory=None, campaign=None) -> KpiFilter:
    return KpiFilter(start=w.today - timedelta(days=90), end=w.today, as_of=w.now,
                     territory_id=territory.id if territory is not None else None,
                     campaign_id=campaign.id if campaign is not None else None)


def campaign_input(w, **kw) -> CampaignInput:
    data = {"name": "New campaign", "channel": "event", "start_date": w.today,
            "end_date": w.today + timedelta(days=30), "territory_ids": [w.sel.id], "budget": "1000.00"}
    data.update(kw)
    return CampaignInput(**data)


def event_input(w) -> EventInput:
    starts = w.now + timedelta(days=7)
    return EventInput(title="New seminar", kind="seminar", territory_id=w.sel.id, starts_at=starts,
                      ends_at=starts + timedelta(hours=2), venue="Hall")


def seoul_month(moment: datetime) -> tuple[int, int]:
    local = moment + timedelta(hours=9)
    return local.year, local.month


def _kpi_call(fn, *, campaign=False):
    """``fn(viewer, KpiFilter for SEL [and SEL's campaign])``."""
    def call(w, v, s):
        return fn(v, kf(w, w.sel, w.camp_sel if campaign else None), session=s)
    return call


E = Entry
REP = frozenset({Role.rep})
SCORECARD = frozenset({Role.marketer, Role.admin, Role.executive, Role.manager})
ANSWERED = (ValidationFailed, StaleEdit)   # the control's lead is not in the state the action needs
HANDOFF_ENTRIES: list[Entry] = [
    # services.acceptance: the rep's answer, marketing's answer to a rejection ----------------
    E(acceptance.accept_lead, REP, lambda w, v, s: acceptance.accept_lead(v, w.lead_sel.id, session=s), "rep_sel",
      "deny", ok_errors=ANSWERED),
    E(acceptance.reject_lead, REP, lambda w, v, s: acceptance.reject_lead(v, w.lead_sel.id, reason="duplicate",
                                                                         session=s), "rep_sel", "deny",
      ok_errors=ANSWERED),
    E(acceptance.reroute_lead, MARKETING, lambda w, v, s: acceptance.reroute_lead(
        v, w.lead_sel.id, territory_id=w.sel.id, rep_id=w.rep_sel_u.id, session=s), "marketer", ok_errors=ANSWERED),
    E(acceptance.recycle_lead, MARKETING, lambda w, v, s: acceptance.recycle_lead(v, w.lead_sel.id, session=s),
      "marketer", ok_errors=ANSWERED),
    E(acceptance.disqualify_returned_lead, MARKETING, lambda w, v, s: acceptance.disqualify_returned_lead(
        v, w.lead_sel.id, reason="fake", session=s), "marketer", ok_errors=ANSWERED),
    # queries.handoff_answers ----------------------------------------------------------------
    E(handoff_answers.rejected_queue, MARKETING, lambda w, v, s: handoff_answers.rejected_queue(v, session=s),
      "marketer"),
    E(handoff_answers.rejection_reasons_by_campaign, MARKETING,
      lambda w, v, s: handoff_answers.rejection_reasons_by_campaign(v, session=s), "marketer"),
    E(handoff_answers.team_rejections, MANAGER, lambda w, v, s: handoff_answers.team_rejections(v, session=s),
      "mgr_sel", "hide"),
    E(handoff_answers.scorecard, SCORECARD, lambda w, v, s: handoff_answers.scorecard(
        v, session=s, start=w.today.replace(day=1), months=1, now=w.now), "executive", "hide"),
    # the inbox: only ever the viewer's own notifications ----------------------------------------
    E(notifications_q.inbox, ALL, lambda w, v, s: notifications_q.inbox(v, session=s), "rep_sel", "hide"),
    E(notifications_q.unread_count, ALL, lambda w, v, s: notifications_q.unread_count(v, session=s), "rep_sel",
      "hide", bsn_check=lambda w, result: result == 0),
    E(inbox.mark_read, ALL, lambda w, v, s: inbox.mark_read(v, session=s), "rep_sel", "hide",
      bsn_check=lambda w, result: result == 0),
    E(lead_queue.lead_id_by_code, FIELD, lambda w, v, s: lead_queue.lead_id_by_code(v, w.lead_sel.code, session=s),
      "rep_sel", "hide", bsn_check=lambda w, result: result is None),
    # My account: only ever the viewer's own row (the same value: nothing is written) ---------------
    E(users.set_own_language, ALL, lambda w, v, s: users.set_own_language(v, session=s, language=None), "rep_sel",
      "hide"),
    E(users.set_own_notify, ALL, lambda w, v, s: users.set_own_notify(v, session=s, notify="inbox"), "rep_sel",
      "hide"),
    E(users.own_mail_preference, ALL, lambda w, v, s: users.own_mail_preference(v, session=s), "rep_sel", "hide"),
    E(admin_q.stored_settings, ADMIN, lambda w, v, s: admin_q.stored_settings(v, session=s), "admin"),
]
TABLE: list[Entry] = [
    *HANDOFF_ENTRIES,
    # queries.accounts ----------------------------------------------------------------------
    E(accounts.account_detail, FIELD, lambda w, v, s: accounts.account_detail(v, w.acc_sel.id, session=s),
      "rep_sel", "deny", shows_sel=True),
    E(accounts.accounts_for, FIELD, lambda w, v, s: accounts.accounts_for(v, session=s), "rep_sel", "hide",
      foreign_calls=(lambda w, v, s: accounts.accounts_for(v, session=s),
                     lambda w, v, s: accounts.accounts_for(v, session=s, owner_id=w.rep_sel_u.id),
                     lambda w, v, s: accounts.accounts_for(v, session=s, search=SEL_MARK)),
      shows_sel=True),
    E(accounts.linkable_accounts, FIELD, lambda w, v, s: accounts.linkable_accounts(v, session=s), "rep_sel", "hide",
      shows_sel=True),
    # queries.admin ---------------------------------------------------------------------------
    E(admin_q.active_reps_of, ADMIN, lambda w, v, s: admin_q.active_reps_of(v, "SEL", session=s), "admin"),
    E(admin_q.audit_choices, ADMIN, lambda w, v, s: admin_q.audit_choices(v, session=s), "admin"),
    E(admin_q.audit_entries, ADMIN, lambda w, v, s: admin_q.audit_entries(v, AuditFilter(), session=s), "admin"),
    E(admin_q.iter_audit_entries, ADMIN, lambda w, v, s: list(admin_q.iter_audit_entries(v, AuditFilter(), session=s)),
      "admin"),
    E(admin_q.list_users, ADMIN, lambda w, v, s: admin_q.list_users(v, session=s), "admin", shows_sel=True),
    E(admin_q.targets_grid, ADMIN, lambda w, v, s: admin_q.targets_grid(v, session=s, start=w.today.replace(day=1)),
      "admin"),
    E(admin_q.territories_overview, ADMIN, lambda w, v, s: admin_q.territories_overview(v, session=s), "admin",
      shows_sel=True),
    E(admin_q.territory_codes, AUDIT_READERS, lambda w, v, s: admin_q.territory_codes(v, session=s), "admin"),
    # queries.black_hole ----------------------------------------------------------------------
    E(black_hole.black_hole, MARKETING, lambda w, v, s: black_hole.black_hole(v, w.camp_sel.id, session=s),
      "marketer", shows_sel=True),
    E(black_hole.default_period, MARKETING, lambda w, v, s: black_hole.default_period(v, w.camp_sel.id, session=s),
      "marketer"),
    E(black_hole.disqualified_leads, MARKETING, lambda w, v, s: black_hole.disqualified_leads(
        v, w.camp_sel.id, session=s, start=w.today - timedelta(days=30), end=w.today), "marketer"),
    E(black_hole.overdue_untouched, MARKETING, lambda w, v, s: black_hole.overdue_untouched(
        v, w.camp_sel.id, session=s, start=w.today - timedelta(days=30), end=w.today), "marketer", shows_sel=True),
    # queries.dashboard_series, drilldown, kpis -------------------------------------------------
    *[E(fn, KPI, _kpi_call(fn), "executive", "deny", foreign_calls=(_kpi_call(fn), _kpi_call(fn, campaign=True)),
        shows_sel=shows)
      for fn, shows in ((dashboard_series.funnel, False), (dashboard_series.monthly_revenue, False),
                        (dashboard_series.territory_comparison, True), (dashboard_series.campaign_roi_points, True),
                        (dashboard_series.response_time_distribution, False), (dashboard_series.ltv_by_segment, False),
                        (dashboard_series.sla_hours, False), (kpis.all_kpis, False))],
    E(dashboard_series.campaign_choices, KPI, lambda w, v, s: dashboard_series.campaign_choices(
        v, w.today - timedelta(days=400), w.today + timedelta(days=400), session=s), "executive", "hide",
      shows_sel=True),
    E(dashboard_series.territory_choices, ALL, lambda w, v, s: dashboard_series.territory_choices(v, session=s),
      "rep_sel", "hide", shows_sel=True),
    E(drilldown_q.drilldown, KPI, lambda w, v, s: drilldown_q.drilldown(v, kf(w, w.sel), "leads_created", session=s),
      "executive", "deny", shows_sel=True),
    # queries.field_activity -------------------------------------------------------------------
    E(field_activity.link_options, FIELD, lambda w, v, s: field_activity.link_options(v, session=s), "rep_sel",
      "hide", shows_sel=True),
    E(field_activity.my_feedback, FIELD, lambda w, v, s: field_activity.my_feedback(v, session=s), "rep_sel", "hide",
      foreign_calls=(lambda w, v, s: field_activity.my_feedback(v, session=s),
                     lambda w, v, s: field_activity.my_feedback(v, session=s, rep_id=w.rep_sel_u.id)),
      shows_sel=True),
    E(field_activity.open_opportunities, FIELD, lambda w, v, s: field_activity.open_opportunities(v, session=s),
      "rep_sel", "hide",
      foreign_calls=(lambda w, v, s: field_activity.open_opportunities(v, session=s),
                     lambda w, v, s: field_activity.open_opportunities(v, session=s, rep_id=w.rep_sel_u.id),
                     lambda w, v, s: field_activity.open_opportunities(v, session=s, search=SEL_MARK)),
      shows_sel=True),
    E(field_activity.opportunity_for, FIELD,
      lambda w, v, s: field_activity.opportunity_for(v, w.opp_sel.id, session=s), "rep_sel", "deny", shows_sel=True),
    E(field_activity.recent_activity, FIELD, lambda w, v, s: field_activity.recent_activity(v, session=s), "rep_sel",
      "hide", foreign_calls=(lambda w, v, s: field_activity.recent_activity(v, session=s),
                             lambda w, v, s: field_activity.recent_activity(v, session=s, rep_id=w.rep_sel_u.id)),
      shows_sel=True),
    # queries.field_common -----------------------------------------------------------------------
    E(field_common.territory_reps, FIELD, lambda w, v, s: field_common.territory_reps(v, session=s,
                                                                                      include_inactive=True),
      "rep_sel", "hide", shows_sel=True),
    E(field_common.viewer_territory_name, FIELD, lambda w, v, s: field_common.viewer_territory_name(v, session=s),
      "rep_sel", "hide", shows_sel=True),
    # queries.home -------------------------------------------------------------------------------
    E(home.admin_day, ADMIN, lambda w, v, s: home.admin_day(v, session=s), "admin"),
    E(home.viewer_territory_name, ALL, lambda w, v, s: home.viewer_territory_name(v, session=s), "rep_sel", "hide",
      shows_sel=True),
    E(home.field_day, FIELD, lambda w, v, s: home.field_day(v, session=s), "rep_sel", "hide", shows_sel=True),
    E(home.marketing_day, frozenset({Role.marketer, Role.admin, Role.executive}),
      lambda w, v, s: home.marketing_day(v, session=s), "marketer"),
    # queries.lead_queue -------------------------------------------------------------------------
    E(lead_queue.lead_for, FIELD, lambda w, v, s: lead_queue.lead_for(v, w.lead_sel.id, session=s), "rep_sel",
      "deny", shows_sel=True),
    E(lead_queue.lead_queue, FIELD, lambda w, v, s: lead_queue.lead_queue(v, session=s, status="all"), "rep_sel",
      "hide", foreign_calls=(lambda w, v, s: lead_queue.lead_queue(v, session=s, status="all"),
                             lambda w, v, s: lead_queue.lead_queue(v, session=s, status="all", rep_id=w.rep_sel_u.id),
                             lambda w, v, s: lead_queue.lead_queue(v, session=s, status="all", search=SEL_MARK)),
      shows_sel=True),
    E(lead_queue.overdue_count, FIELD, lambda w, v, s: lead_queue.overdue_count(v, session=s), "rep_sel", "hide",
      foreign_calls=(lambda w, v, s: lead_queue.overdue_count(v, session=s),
                     lambda w, v, s: lead_queue.overdue_count(v, session=s, rep_id=w.rep_sel_u.id)),
      bsn_check=lambda w, result: result == 0),  # SEL's lead is overdue, BSN's is not
    # queries.marketing --------------------------------------------------------------------------
    E(marketing.campaign_choices, ROUTING, lambda w, v, s: marketing.campaign_choices(v, session=s), "marketer",
      "hide", shows_sel=True),
    E(marketing.campaign_owners, MARKETING, lambda w, v, s: marketing.campaign_owners(v, session=s), "marketer"),
    E(marketing.campaign_row, MARKETING, lambda w, v, s: marketing.campaign_row(v, w.camp_sel.id, session=s),
      "marketer", shows_sel=True),
    E(marketing.event_choices, MARKETING, lambda w, v, s: marketing.event_choices(v, w.camp_sel.id, session=s),
      "marketer", shows_sel=True),
    E(marketing.events_of_campaign, MARKETING,
      lambda w, v, s: marketing.events_of_campaign(v, w.camp_sel.id, session=s), "marketer", shows_sel=True),
    E(marketing.feedback_inbox, MARKETING, lambda w, v, s: marketing.feedback_inbox(v, session=s), "marketer",
      shows_sel=True),
    E(marketing.import_batches, MARKETING, lambda w, v, s: marketing.import_batches(v, session=s), "marketer"),
    E(marketing.leads_of_batch, MARKETING, lambda w, v, s: marketing.leads_of_batch(v, w.batch_id, session=s),
      "marketer", shows_sel=True),
    E(marketing.list_campaigns, MARKETING, lambda w, v, s: marketing.list_campaigns(v, session=s), "marketer",
      shows_sel=True),
    E(marketing.note_read_rate_by_territory, MARKETING,
      lambda w, v, s: marketing.note_read_rate_by_territory(v, w.note_sel.id, session=s), "marketer"),
    E(marketing.notes_of_campaign, MARKETING, lambda w, v, s: marketing.notes_of_campaign(v, w.camp_sel.id, session=s),
      "marketer", shows_sel=True),
    E(marketing.routable_reps, ROUTING, lambda w, v, s: marketing.routable_reps(v, w.sel.id, session=s), "marketer",
      "deny", shows_sel=True),
    E(marketing.unassigned_queue, ROUTING, lambda w, v, s: marketing.unassigned_queue(v, session=s), "marketer",
      "hide", foreign_calls=(lambda w, v, s: marketing.unassigned_queue(v, session=s),
                             lambda w, v, s: marketing.unassigned_queue(v, session=s, territory_id=w.sel.id),
                             lambda w, v, s: marketing.unassigned_queue(v, session=s, campaign_id=w.camp_sel.id),
                             lambda w, v, s: marketing.unassigned_queue(v, session=s, without_territory=True)),
      shows_sel=True),
    E(marketing.unread_reps, MARKETING, lambda w, v, s: marketing.unread_reps(v, w.note_sel.id, session=s),
      "marketer", shows_sel=True),
    # queries.notes_feed --------------------------------------------------------------------------
    E(notes_feed.notes_for, FIELD, lambda w, v, s: notes_feed.notes_for(v, session=s, latest_only=False), "rep_sel",
      "hide", foreign_calls=(lambda w, v, s: notes_feed.notes_for(v, session=s, latest_only=False),
                             lambda w, v, s: notes_feed.notes_for(v, session=s, campaign_id=w.camp_sel.id)),
      shows_sel=True),
    E(notes_feed.unread_count, FIELD, lambda w, v, s: notes_feed.unread_count(v, session=s),
      "rep_sel", "hide", bsn_check=lambda w, result: result == 1),  # BSN's own note only
    # queries.team --------------------------------------------------------------------------------
    E(team.team_load, MANAGER, lambda w, v, s: team.team_load(v, session=s), "mgr_sel", "hide", shows_sel=True),
    E(team.unassigned_leads, MANAGER, lambda w, v, s: team.unassigned_leads(v, session=s), "mgr_sel", "hide",
      foreign_calls=(lambda w, v, s: team.unassigned_leads(v, session=s),
                     lambda w, v, s: team.unassigned_leads(v, session=s, search=SEL_MARK)),
      shows_sel=True),
    # queries.territory_events --------------------------------------------------------------------
    E(territory_events.calendar_feed, FIELD, lambda w, v, s: territory_events.calendar_feed(v, session=s), "rep_sel",
      "hide", shows_sel=True),
    E(territory_events.campaigns_without_local_event, FIELD,
      lambda w, v, s: territory_events.campaigns_without_local_event(v, session=s), "rep_sel", "hide",
      foreign_calls=(lambda w, v, s: territory_events.campaigns_without_local_event(v, session=s),
                     lambda w, v, s: territory_events.campaigns_without_local_event(v, session=s,
                                                                                     campaign_id=w.camp_sel.id))),
    E(territory_events.events_for, FIELD, lambda w, v, s: territory_events.events_for(v, session=s), "rep_sel",
      "hide", foreign_calls=(lambda w, v, s: territory_events.events_for(v, session=s),
                             lambda w, v, s: territory_events.events_for(v, session=s, campaign_id=w.camp_sel.id)),
      shows_sel=True),
    E(territory_events.month_events, FIELD, lambda w, v, s: territory_events.month_events(
        v, session=s, year=seoul_month(w.ev_sel.starts_at)[0], month=seoul_month(w.ev_sel.starts_at)[1]),
      "rep_sel", "hide", shows_sel=True),
    E(territory_events.territory_campaigns, FIELD,
      lambda w, v, s: territory_events.territory_campaigns(v, session=s), "rep_sel", "hide", shows_sel=True),
    # queries.registrations ----------------------------------------------------------------------
    E(registrations_q.account_registrations, FIELD,
      lambda w, v, s: registrations_q.account_registrations(v, session=s), "rep_sel", "hide", shows_sel=True),
    E(registrations_q.check_in_events, CHECK_IN, lambda w, v, s: registrations_q.check_in_events(v, session=s),
      "rep_sel", "hide", shows_sel=True),
    E(registrations_q.event_registrations, CHECK_IN,
      lambda w, v, s: registrations_q.event_registrations(v, w.ev_sel.id, session=s), "rep_sel", "deny",
      shows_sel=True),
    E(registrations_q.event_results, frozenset({Role.marketer, Role.admin, Role.executive}),
      lambda w, v, s: registrations_q.event_results(v, session=s), "marketer", shows_sel=True),
    # services.activities ------------------------------------------------------------------------
    E(activities.log_activity, FIELD, lambda w, v, s: activities.log_activity(
        v, session=s, kind="call", lead_id=w.lead_sel.id, notes="called"), "rep_sel", "deny",
      foreign_calls=(
          lambda w, v, s: activities.log_activity(v, session=s, kind="call", lead_id=w.lead_sel.id),
          lambda w, v, s: activities.log_activity(v, session=s, kind="call", opportunity_id=w.opp_sel.id),
          lambda w, v, s: activities.log_activity(v, session=s, kind="visit", event_id=w.ev_sel.id),
          lambda w, v, s: activities.log_activity(v, session=s, kind="visit", account_id=w.acc_sel.id))),
    # services.admin -----------------------------------------------------------------------------
    E(admin.create_territory, ADMIN, lambda w, v, s: admin.create_territory(v, "NEW", "New", session=s), "admin"),
    E(admin.create_user, ADMIN, lambda w, v, s: admin.create_user(
        v, session=s, username="sel.new", role="rep", territory_code="SEL", display_name=None, email=None,
        manager_username="sel.mgr"), "admin"),
    E(admin.disable_user, ADMIN,
      lambda w, v, s: admin.disable_user(v, "sel.rep2", session=s, handover_to="sel.rep"), "admin"),
    E(admin.enable_user, ADMIN, lambda w, v, s: admin.enable_user(v, "sel.rep2", session=s), "admin",
      ok_errors=(ValidationFailed,)),
    E(admin.export_bundle_download, ADMIN,
      lambda w, v, s: admin.export_bundle_download(v, engine=s.get_bind()), "admin", engine=True),
    E(admin.import_bundle_upload, ADMIN, lambda w, v, s: admin.import_bundle_upload(
        v, b"not a zip archive", filename="bundle.zip", engine=s.get_bind()), "admin", engine=True,
      ok_errors=(ValidationFailed,)),
    E(admin.merge_territories, ADMIN, lambda w, v, s: admin.merge_territories(v, "BSN", "SEL", session=s), "admin"),
    E(admin.rename_territory, ADMIN, lambda w, v, s: admin.rename_territory(v, "SEL", "Seoul!", session=s), "admin"),
    E(admin.reset_password, ADMIN, lambda w, v, s: admin.reset_password(v, "sel.rep", session=s), "admin"),
    E(admin.save_targets, ADMIN, lambda w, v, s: admin.save_targets(
        v, [TargetRow("SEL", w.today.strftime("%Y-%m"), "100.00", "90.00")], session=s), "admin"),
    E(admin.update_setting, ADMIN, lambda w, v, s: admin.update_setting(v, "sla_hours", "48", session=s), "admin"),
    E(admin.update_user, ADMIN, lambda w, v, s: admin.update_user(
        v, "sel.rep", session=s, display_name="Renamed", email=None, role="manager", territory_code="SEL",
        manager_username=None), "admin"),
    # services.calendar_feed ---------------------------------------------------------------------
    E(calendar_feed.current_token, FIELD, lambda w, v, s: calendar_feed.current_token(v, session=s), "rep_sel",
      "hide"),
    E(calendar_feed.issue_token, FIELD, lambda w, v, s: calendar_feed.issue_token(v, session=s), "rep_sel",
      "hide", own_writes=("calendar_token", "audit_log")),
    # services.registrations ---------------------------------------------------------------------
    E(registrations.add_registration, CHECK_IN, lambda w, v, s: registrations.add_registration(
        v, w.ev_sel.id, registrations.RegistrationInput("walk.in@selx.example", f"{SEL_MARK} Walk-in Co"),
        session=s, walk_in=True, now=w.ev_sel.starts_at), "rep_sel", "deny"),
    E(registrations.check_in, CHECK_IN, lambda w, v, s: registrations.check_in(
        v, w.registration_sel.id, session=s, now=w.ev_sel.starts_at), "rep_sel", "deny"),
    E(registrations.event_for, CHECK_IN, lambda w, v, s: registrations.event_for(v, w.ev_sel.id, session=s),
      "rep_sel", "deny"),
    E(registrations.import_registrations, MARKETING, lambda w, v, s: registrations.import_registrations(
        v, w.lead_file, w.import_mapping, event_id=w.ev_sel.id, session=s), "marketer"),
    E(registrations.mark_no_shows, CHECK_IN, lambda w, v, s: registrations.mark_no_shows(
        v, w.ev_sel_past.id, session=s), "rep_sel", "deny"),
    E(registrations.preview_registrations, MARKETING, lambda w, v, s: registrations.preview_registrations(
        v, w.lead_file, w.import_mapping, event_id=w.ev_sel.id, session=s), "marketer"),
    # services.campaigns -------------------------------------------------------------------------
    E(campaigns.cancel_campaign, MARKETING, lambda w, v, s: campaigns.cancel_campaign(v, w.camp_sel.id, session=s),
      "marketer"),
    E(campaigns.cancel_event, MARKETING, lambda w, v, s: campaigns.cancel_event(v, w.ev_sel.id, session=s),
      "marketer"),
    E(campaigns.create_campaign, MARKETING, lambda w, v, s: campaigns.create_campaign(v, campaign_input(w), session=s),
      "marketer"),
    E(campaigns.create_event, MARKETING,
      lambda w, v, s: campaigns.create_event(v, w.camp_sel.id, event_input(w), session=s), "marketer"),
    E(campaigns.update_campaign, MARKETING, lambda w, v, s: campaigns.update_campaign(
        v, w.camp_sel.id, campaign_input(w, name="Renamed", start_date=w.camp_sel.start_date,
                                         end_date=w.camp_sel.end_date), session=s), "marketer"),
    # services.feedback, feedback_inbox ----------------------------------------------------------
    E(feedback.send_feedback, FIELD, lambda w, v, s: feedback.send_feedback(
        v, session=s, kind="question", body="Why?", campaign_id=w.camp_sel.id), "rep_sel", "deny",
      foreign_calls=(lambda w, v, s: feedback.send_feedback(v, session=s, kind="question", body="Why?",
                                                            campaign_id=w.camp_sel.id),
                     lambda w, v, s: feedback.send_feedback(v, session=s, kind="question", body="Why?",
                                                            event_id=w.ev_sel.id))),
    E(feedback_inbox.answer_feedback, MARKETING,
      lambda w, v, s: feedback_inbox.answer_feedback(v, w.feedback_sel.id, "Because.", session=s), "marketer"),
    E(feedback_inbox.mark_resolved, MARKETING,
      lambda w, v, s: feedback_inbox.mark_resolved(v, w.feedback_sel.id, session=s), "marketer"),
    # services.lead_import -----------------------------------------------------------------------
    E(lead_import.import_leads, MARKETING, lambda w, v, s: lead_import.import_leads(
        v, w.lead_file, w.import_mapping, campaign_id=w.camp_sel.id, session=s), "marketer"),
    E(lead_import.preview_import, MARKETING, lambda w, v, s: lead_import.preview_import(
        v, w.lead_file, w.import_mapping, campaign_id=w.camp_sel.id, session=s), "marketer"),
    E(lead_import.undo_batch, MARKETING, lambda w, v, s: lead_import.undo_batch(v, w.batch_id, session=s), "marketer"),
    # services.leads -----------------------------------------------------------------------------
    E(leads.convert_lead, FIELD, lambda w, v, s: leads.convert_lead(
        v, w.lead_sel.id, deal_name="Deal", amount="1000.00", expected_close_on=w.today + timedelta(days=30),
        expected_version=w.lead_sel.version, session=s), "rep_sel", "deny", ok_errors=(ValidationFailed,)),
    E(leads.disqualify_lead, FIELD, lambda w, v, s: leads.disqualify_lead(
        v, w.lead_sel.id, reason="no_budget", expected_version=w.lead_sel.version, session=s), "rep_sel", "deny"),
    E(leads.log_contact_attempt, FIELD, lambda w, v, s: leads.log_contact_attempt(v, w.lead_sel.id, session=s),
      "rep_sel", "deny"),
    E(leads.move_status, FIELD, lambda w, v, s: leads.move_status(
        v, w.lead_sel.id, "working", expected_version=w.lead_sel.version, session=s), "rep_sel", "deny"),
    # services.note_reads, notes ------------------------------------------------------------------
    E(note_reads.acknowledge_note, FIELD, lambda w, v, s: note_reads.acknowledge_note(v, w.note_sel_v1.id, session=s),
      "rep_sel", "deny"),
    E(notes.diff_versions, MARKETING, lambda w, v, s: notes.diff_versions(v, w.camp_sel.id, 1, 2, session=s),
      "marketer"),
    E(notes.publish_note, MARKETING, lambda w, v, s: notes.publish_note(v, w.camp_sel.id, "v3", "**new**", session=s),
      "marketer"),
    E(notes.save_draft, MARKETING, lambda w, v, s: notes.save_draft(v, w.camp_sel.id, "v3", "**new**", session=s),
      "marketer"),
    # services.opportunities ---------------------------------------------------------------------
    E(opportunities.create_opportunity, FIELD, lambda w, v, s: opportunities.create_opportunity(
        v, session=s, name="New deal", account_id=w.acc_sel.id), "rep_sel", "deny",
      foreign_calls=(
          lambda w, v, s: opportunities.create_opportunity(v, session=s, name="New deal", account_id=w.acc_sel.id),
          lambda w, v, s: opportunities.create_opportunity(v, session=s, name="New deal", account_id=None,
                                                           owner_id=w.rep_sel_u.id))),
    E(opportunities.update_opportunity, FIELD, lambda w, v, s: opportunities.update_opportunity(
        v, w.opp_sel.id, expected_version=w.opp_sel.version, session=s, stage="engaging", amount="1.00"),
      "rep_sel", "deny"),
    # services.privacy ---------------------------------------------------------------------------
    E(privacy.erase_lead_personal_data, ERASE,
      lambda w, v, s: privacy.erase_lead_personal_data(v, "L-SELX", session=s, reason="PIPA-1"), "marketer"),
    # services.reassign --------------------------------------------------------------------------
    E(reassign.reassign_all_open, MANAGER,
      lambda w, v, s: reassign.reassign_all_open(v, w.rep_sel_u.id, w.rep2_sel_u.id, session=s), "mgr_sel", "deny",
      foreign_calls=(
          lambda w, v, s: reassign.reassign_all_open(v, w.rep_sel_u.id, w.rep2_sel_u.id, session=s),
          lambda w, v, s: reassign.reassign_all_open(v, w.rep_bsn_u.id, w.rep2_sel_u.id, session=s),
          # a SEL rep holding no open work of BSN is none of the BSN manager's business
          lambda w, v, s: reassign.reassign_all_open(v, w.rep_sel_u.id, w.rep_bsn_u.id, session=s))),
    E(reassign.reassign_lead, MANAGER,
      lambda w, v, s: reassign.reassign_lead(v, w.lead_sel.id, w.rep2_sel_u.id, session=s), "mgr_sel", "deny",
      foreign_calls=(lambda w, v, s: reassign.reassign_lead(v, w.lead_sel.id, w.rep_bsn_u.id, session=s),
                     lambda w, v, s: reassign.reassign_lead(v, w.lead_bsn.id, w.rep_sel_u.id, session=s))),
    E(reassign.reassign_opportunity, MANAGER,
      lambda w, v, s: reassign.reassign_opportunity(v, w.opp_sel.id, w.rep2_sel_u.id, session=s), "mgr_sel", "deny",
      foreign_calls=(lambda w, v, s: reassign.reassign_opportunity(v, w.opp_sel.id, w.rep_bsn_u.id, session=s),
                     lambda w, v, s: reassign.reassign_opportunity(v, w.opp_bsn.id, w.rep_sel_u.id, session=s))),
    E(reassign.route_leads, MANAGER,
      lambda w, v, s: reassign.route_leads(v, [w.lead_sel_unassigned.id], w.rep_sel_u.id, session=s), "mgr_sel",
      "deny",
      foreign_calls=(
          lambda w, v, s: reassign.route_leads(v, [w.lead_sel_unassigned.id], w.rep_bsn_u.id, session=s),
          lambda w, v, s: reassign.route_leads(v, [w.lead_bsn_unassigned.id], w.rep_sel_u.id, session=s),
          lambda w, v, s: reassign.route_leads(v, [w.lead_bsn_unassigned.id, w.lead_sel_unassigned.id],
                                               w.rep_bsn_u.id, session=s))),
    # services.routing ---------------------------------------------------------------------------
    E(routing.auto_route, ROUTING, lambda w, v, s: routing.auto_route(v, [w.lead_sel_unassigned.id], session=s),
      "marketer", "deny"),
    E(routing.route_lead, ROUTING, lambda w, v, s: routing.route_lead(
        v, w.lead_sel_unassigned.id, territory_id=w.sel.id, rep_id=w.rep_sel_u.id, session=s), "marketer", "deny",
      foreign_calls=(
          lambda w, v, s: routing.route_lead(v, w.lead_sel_unassigned.id, territory_id=w.sel.id,
                                             rep_id=w.rep_sel_u.id, session=s),
          lambda w, v, s: routing.route_lead(v, w.lead_sel_unassigned.id, territory_id=w.bsn.id,
                                             rep_id=w.rep_bsn_u.id, session=s),
          lambda w, v, s: routing.route_lead(v, w.lead_bsn_unassigned.id, territory_id=w.sel.id,
                                             rep_id=w.rep_sel_u.id, session=s))),
]
BY_NAME = {entry.name: entry for entry in TABLE}


# -- helpers -------------------------------------------------------------------------------------

def texts(obj, _seen=None) -> list[str]:
    """Every piece of text in a result, whatever its shape (dataclasses, rows, frames, bytes…)."""
    seen = _seen if _seen is not None else set()
    if isinstance(obj, str):
        return [obj]
    if isinstance(obj, (bytes, bytearray)):
        return [bytes(obj).decode("utf-8", "replace")]
    if obj is None or isinstance(obj, (int, float, date, datetime, enum.Enum)) or type(obj).__name__ == "Decimal":
        return [str(obj)]
    if id(obj) in seen:
        return []
    seen.add(id(obj))
    if isinstance(obj, pd.DataFrame):
        return [str(c) for c in obj.columns] + [str(x) for x in obj.astype(str).to_numpy().ravel()] + \
            [str(i) for i in obj.index]
    if isinstance(obj, pd.Series):
        return [str(x) for x in obj.astype(str)] + [str(i) for i in obj.index]
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return [t for f in dataclasses.fields(obj) for t in texts(getattr(obj, f.name), seen)]
    if isinstance(obj, SQLModel):
        return [t for value in obj.model_dump().values() for t in texts(value, seen)]
    if isinstance(obj, dict):
        return [t for k, value in obj.items() for t in (*texts(k, seen), *texts(value, seen))]
    if isinstance(obj, (list, tuple, set, frozenset)) or hasattr(obj, "_mapping"):
        return [t for value in obj for t in texts(value, seen)]
    if hasattr(obj, "__dict__"):
        return [t for value in vars(obj).values() for t in texts(value, seen)]
    return [str(obj)]


def sel_rows(result) -> list[str]:
    return [t for t in texts(result) if SEL_MARK in t]


def fingerprint(session: Session) -> dict[str, list[str]]:
    """The content of every table, as this session sees it (its own unflushed writes included)."""
    session.flush()
    return {table.name: sorted(repr(tuple(row)) for row in session.execute(sa.select(table)).all())
            for table in SQLModel.metadata.sorted_tables}


def assert_same(before: dict, after: dict) -> None:
    changed = {name: (len(before[name]), len(after[name])) for name in before if before[name] != after[name]}
    assert not changed, f"a refused call wrote to: {changed} (rows before, after)"


def refused_without_writing(engine, entry: Entry, call, w, viewer) -> PermissionError:
    """Run ``call`` as the page would, in one transaction; it must raise PermissionError and leave
    every table as it was (checked inside the same transaction, then rolled back)."""
    with Session(engine, expire_on_commit=False) as session:
        before = fingerprint(session)
        if entry.engine:
            session.commit()
        with pytest.raises(PermissionError) as refused:
            call(w, viewer, session)
        if entry.engine:
            session.rollback()
        assert_same(before, fingerprint(session))
        session.rollback()
    return refused.value


def _table_counts(engine) -> tuple:
    """Row counts of every table in one round trip: a cheap check that a test left the world as it was."""
    counts = [sa.select(sa.func.count()).select_from(table).scalar_subquery()
              for table in SQLModel.metadata.sorted_tables]
    with engine.connect() as conn:
        return tuple(conn.execute(sa.select(*counts)).one())


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def database(request, tmp_path_factory):
    """The shared world, built once per database for this module (like conftest's ``engine``: a
    migrated SQLite copy, or this run's PostgreSQL database emptied first). Every test works in a
    transaction it rolls back, so the world stays as built; ``world`` checks that after each test
    and rebuilds it if something was committed anyway."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")

        def fresh():
            path = tmp_path_factory.mktemp("access") / "onevoice.db"
            shutil.copyfile(template, path)
            return get_engine(f"sqlite:///{path}")
    else:
        url = request.getfixturevalue("pg_template_url")

        def fresh():
            engine = get_engine(url)
            names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
            with engine.begin() as conn:
                conn.exec_driver_sql(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
            return engine

    state = SimpleNamespace(fresh=fresh)

    def rebuild():
        state.engine = fresh()
        state.world = build_world(state.engine)
        state.counts = _table_counts(state.engine)

    state.rebuild = rebuild
    rebuild()
    return state


@pytest.fixture
def engine(database):
    """This module's engine: the shared world's database (overrides conftest's per-test ``engine``)."""
    return database.engine


@pytest.fixture
def world(database):
    yield database.world
    if _table_counts(database.engine) != database.counts:
        database.rebuild()


def _cases(kind: str):
    for entry in TABLE:
        if kind == "role":
            for role in sorted(ALL - entry.roles, key=lambda r: r.value):
                yield pytest.param(entry.name, role, id=f"{entry.name}-{role.value}")
        elif kind == "foreign":
            for role in sorted(entry.roles & FIELD, key=lambda r: r.value):
                yield pytest.param(entry.name, role, id=f"{entry.name}-bsn_{role.value}")
        else:
            yield pytest.param(entry.name, id=entry.name)


# -- 3. the refusals -----------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "role"), list(_cases("role")))
def test_wrong_role_is_refused(engine, world, name, role):
    entry = BY_NAME[name]
    viewer = world.v[SEL_VIEWERS[role]]
    refused_without_writing(engine, entry, entry.call, world, viewer)


@pytest.mark.parametrize(("name", "role"), list(_cases("foreign")))
def test_wrong_territory_is_refused_or_sees_nothing_of_sel(engine, world, name, role):
    entry = BY_NAME[name]
    viewer = world.v[BSN_VIEWERS[role]]
    for call in entry.foreign_calls or (entry.call,):
        if entry.foreign == "deny":
            refused_without_writing(engine, entry, call, world, viewer)
            continue
        assert entry.foreign == "hide", entry.foreign
        with Session(engine, expire_on_commit=False) as session:
            before = fingerprint(session)
            try:
                result = call(world, viewer, session)
            except PermissionError:
                result = None       # refusing is as good as showing nothing
            after = fingerprint(session)
            for table in entry.own_writes:  # the BSN user's own new rows only: SEL's stay as they were
                gone = set(before.pop(table)) - set(after.pop(table))
                assert not gone, f"{name} changed rows of {table} that were not the BSN user's: {gone}"
            assert_same(before, after)
            session.rollback()
        assert sel_rows(result) == [], f"{name} gave a BSN {role.value} SEL's rows"
        if entry.bsn_check is not None and result is not None:
            assert entry.bsn_check(world, result), f"{name} counted SEL's rows for a BSN {role.value}: {result!r}"


@pytest.mark.parametrize("name", list(_cases("own")))
def test_allowed_role_passes_the_access_checks(engine, world, name):
    """The positive control: the same arguments, for an allowed user of SEL, are not refused."""
    entry = BY_NAME[name]
    viewer = world.v[entry.own]
    assert viewer.role in entry.roles
    with Session(engine, expire_on_commit=False) as session:
        try:
            result = entry.call(world, viewer, session)
        except entry.ok_errors:
            result = None
        finally:
            session.rollback()
    if entry.shows_sel:
        assert sel_rows(result), f"{name}: the control user sees no SEL row, so hiding them proves nothing"


def test_kpi_drilldowns_of_a_bsn_manager_hold_nothing_of_sel(engine, world):
    """Every KPI's records behind the number, for the BSN manager without a territory filter
    (forced to BSN), and every chart series."""
    viewer = world.v["mgr_bsn"]
    f = kf(world)
    with Session(engine) as session:
        for key in KPI_KEYS:
            dd = drilldown_q.drilldown(viewer, f, key, session=session)
            assert sel_rows(dd.frame) == [], key
        for fn in (dashboard_series.funnel, dashboard_series.monthly_revenue, dashboard_series.territory_comparison,
                   dashboard_series.campaign_roi_points, dashboard_series.response_time_distribution,
                   dashboard_series.ltv_by_segment):
            assert sel_rows(fn(viewer, f, session=session)) == [], fn.__name__
        assert kpis.all_kpis(viewer, f, session=session) == \
            kpis.all_kpis(world.v["admin"], kf(world, world.bsn), session=session)


# -- 4. completeness -----------------------------------------------------------------------------

def test_every_page_function_has_an_entry():
    references = _page_references()
    used = page_functions()
    assert len(used) >= 90, sorted(used)  # the parser found the pages' functions
    missing = sorted(set(used) - set(BY_NAME))
    assert not missing, f"page functions without a refusal entry in TABLE: {missing}"
    stale = sorted(set(BY_NAME) - set(used))
    assert not stale, f"TABLE entries no page uses any more: {stale}"
    unlisted = sorted(name for name, (fn, _) in references.items()
                      if not _takes_viewer(fn) and name not in NO_VIEWER)
    assert not unlisted, f"page-used functions without a viewer and not in NO_VIEWER: {unlisted}"


def test_table_is_complete_for_each_entry():
    for entry in TABLE:
        assert entry.roles and entry.roles <= ALL, entry.name
        assert entry.own in {*SEL_VIEWERS.values(), "rep2_sel"}, entry.name
        if entry.roles & FIELD:
            assert entry.foreign in ("deny", "hide"), f"{entry.name}: say what a BSN field user gets"
        else:
            assert entry.foreign is None, f"{entry.name}: no field role may call it"
    assert len(BY_NAME) == len(TABLE), "one entry per function"


def test_the_parser_sees_functions_passed_to_cached_read():
    """Pages hand queries to ui.reads.cached_read without calling them; they count too."""
    used = page_functions()
    assert "queries.lead_queue.lead_queue" in used
    assert "queries.team.team_load" in used
    assert "queries.marketing.campaign_choices" in used  # reached through ui/campaign_picker.py
    assert BSN_MARK != SEL_MARK
