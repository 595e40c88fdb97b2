"""The access table's record (``Entry``), the helpers its rows call with, and the hand-over
process's rows (for tests/test_access_refusals.py)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta


from models.enums import Role
from models.errors import ValidationFailed
from queries import admin as admin_q
from queries import lead_queue
from queries import handoff_answers
from queries import notifications as notifications_q
from queries.kpis import KpiFilter
from services import acceptance, inbox
from services import users
from models.errors import StaleEdit
from services.campaigns import CampaignInput, EventInput
from tests.access_pages import ALL, FIELD, MANAGER, MARKETING, ADMIN, _qualname

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
