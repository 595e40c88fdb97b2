"""Working a lead: contact attempts, status moves, conversion to an opportunity, disqualifying.

Every function runs inside the caller's ``write_session`` (one transaction), takes the viewer,
refuses leads outside their scope, and appends an audit entry. Edits that replace what the
person saw carry ``expected_version``; the row is locked (SELECT … FOR UPDATE; SQLite's write
transactions are serialised by BEGIN IMMEDIATE) and a changed version is refused as StaleEdit.
"""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import func
from sqlmodel import Session, select

from models.enums import ActivityKind, DisqualifyReason, LeadStatus, Stage
from models.settings_store import load_settings
from models.tables import Account, Activity, Lead, Opportunity
from models.timefmt import local_date
from models.types import utcnow
from queries.accounts import linkable_account
from queries.lead_queue import scoped_lead
from queries.scope import Viewer

from . import audit, codes
from .field_rules import (
    MAX_NAME, MAX_NOTE_TEXT, checked_amount, checked_date, checked_moment, checked_text,
)
from i18n import _
from models.errors import StaleEdit, ValidationFailed

STALE_LEAD = "this lead was changed by someone else since you opened it; reload"
MAX_REASON_TEXT = 500
CONTACT_KINDS = (ActivityKind.call, ActivityKind.email, ActivityKind.visit, ActivityKind.meeting)
LEAD_FIELDS = ["status", "account_id", "assigned_to_id", "assigned_at", "first_touch_at", "converted_at", "disqualify_reason",
               "opportunity_id", "version"]

# The legal moves. Converting needs the deal's details (convert_lead) and disqualifying a
# reason (disqualify_lead); a disqualified lead may be reopened; a converted one is final.
TRANSITIONS: dict[LeadStatus, frozenset[LeadStatus]] = {
    LeadStatus.new: frozenset({LeadStatus.working, LeadStatus.disqualified}),
    LeadStatus.working: frozenset({LeadStatus.qualified, LeadStatus.disqualified}),
    LeadStatus.qualified: frozenset({LeadStatus.working, LeadStatus.converted, LeadStatus.disqualified}),
    LeadStatus.disqualified: frozenset({LeadStatus.working}),
    LeadStatus.converted: frozenset(),
    # Accepting and rejecting have their own services (services.acceptance); a rejected or
    # nurture lead is marketing's to re-route.
    LeadStatus.accepted: frozenset({LeadStatus.working, LeadStatus.qualified, LeadStatus.disqualified}),
    LeadStatus.rejected: frozenset(),
    LeadStatus.nurture: frozenset(),
}


class IllegalTransition(ValidationFailed):
    """A status move the lead's life cycle does not allow."""


def next_statuses(status: LeadStatus | str) -> list[LeadStatus]:
    """Where a lead in ``status`` may go, in life-cycle order (for the form's choices)."""
    allowed = TRANSITIONS[LeadStatus(status)]
    return [s for s in LeadStatus if s in allowed]


def check_transition(current: LeadStatus | str, target: LeadStatus | str) -> None:
    current, target = LeadStatus(current), LeadStatus(target)
    if target not in TRANSITIONS[current]:
        if current is LeadStatus.converted:
            raise IllegalTransition(_("a converted lead is final: it cannot move to {value}").format(value=target.value))
        allowed = ", ".join(s.value for s in next_statuses(current)) or "nothing"
        raise IllegalTransition(_("a {value} lead cannot move to {value2} (allowed: {allowed})").format(value=current.value, value2=target.value, allowed=allowed))


def record_first_touch(lead: Lead, at: datetime) -> bool:
    """KPIS.md "First touch": set once, by the first activity on the lead or its first move out of
    `new`; later activity never moves it. Never before the handoff (the schema forbids it)."""
    if lead.first_touch_at is not None:
        return False
    lead.first_touch_at = at if lead.assigned_at is None or at >= lead.assigned_at else lead.assigned_at
    return True


def _locked(viewer: Viewer, lead_id: int, expected_version: int | None, *, session: Session) -> Lead:
    lead = scoped_lead(viewer, lead_id, session=session, for_update=True)
    if expected_version is not None and lead.version != int(expected_version):
        raise StaleEdit(STALE_LEAD)
    return lead


def _audit(session: Session, viewer: Viewer, action: str, lead: Lead, before: dict, **extra) -> None:
    detail = audit.changes(before, audit.snapshot(lead, LEAD_FIELDS))
    detail.update(extra)
    audit.record(session=session, username=viewer.username, action=action, entity="lead", entity_key=lead.code,
                 detail=detail)


def log_contact_attempt(viewer: Viewer, lead_id: int, *, session: Session, kind: ActivityKind | str = ActivityKind.call,
                        notes: str | None = None, occurred_at: datetime | None = None,
                        now: datetime | None = None) -> Activity:
    """A call, e-mail, visit or meeting with the lead's contact; the lead's first touch if it had none."""
    now = now or utcnow()
    try:
        kind = ActivityKind(kind)
    except ValueError:
        raise ValidationFailed(_("kind: unknown contact kind {kind!r}").format(kind=kind)) from None
    if kind not in CONTACT_KINDS:
        raise ValidationFailed(_("kind: a contact attempt is one of {join}").format(join=', '.join(k.value for k in CONTACT_KINDS)))
    notes = checked_text(notes, "notes", max_length=MAX_NOTE_TEXT, required=False)
    lead = _locked(viewer, lead_id, None, session=session)
    if lead.status in (LeadStatus.converted, LeadStatus.disqualified):
        raise ValidationFailed(_("lead {code} is {value}: log activity on its opportunity or reopen it").format(code=lead.code, value=lead.status.value))
    when = checked_moment(occurred_at or now, "when", now=now, not_before=lead.assigned_at,
                          not_before_reason="the lead was handed to sales")
    before = audit.snapshot(lead, LEAD_FIELDS)
    activity = Activity(user_id=viewer.id, territory_id=viewer.territory_id, kind=kind, occurred_at=when,
                        lead_id=lead.id, account_id=lead.account_id, notes=notes)
    session.add(activity)
    if record_first_touch(lead, when):
        lead.version += 1
    session.flush()
    _audit(session, viewer, "contact_attempt", lead, before, activity_id=activity.id, kind=kind.value)
    return activity


def move_status(viewer: Viewer, lead_id: int, to: LeadStatus | str, *, expected_version: int, session: Session,
                now: datetime | None = None) -> Lead:
    """new → working → qualified (and back to working; a disqualified lead reopens as working)."""
    now = now or utcnow()
    try:
        to = LeadStatus(to)
    except ValueError:
        raise ValidationFailed(_("status: unknown status {to!r}").format(to=to)) from None
    if to is LeadStatus.converted:
        raise ValidationFailed(_("converting needs the deal's name, amount and expected close date: use Convert"))
    if to is LeadStatus.disqualified:
        raise ValidationFailed(_("disqualifying needs a reason: use Disqualify"))
    lead = _locked(viewer, lead_id, expected_version, session=session)
    check_transition(lead.status, to)
    before = audit.snapshot(lead, LEAD_FIELDS)
    if lead.status is LeadStatus.new:
        record_first_touch(lead, now)
    if lead.status is LeadStatus.disqualified:
        lead.disqualify_reason = None
    lead.status = to
    lead.version += 1
    _audit(session, viewer, "status", lead, before)
    return lead


def disqualify_lead(viewer: Viewer, lead_id: int, *, reason: DisqualifyReason | str | None, text: str | None = None,
                    expected_version: int, session: Session, now: datetime | None = None) -> Lead:
    """Disqualify with a reason from the fixed list plus free text (required for `other`)."""
    now = now or utcnow()
    if not reason:
        raise ValidationFailed(_("reason: choose why the lead is disqualified"))
    try:
        reason = DisqualifyReason(reason)
    except ValueError:
        raise ValidationFailed(_("reason: unknown reason {reason!r}").format(reason=reason)) from None
    text = checked_text(text, "explanation", max_length=MAX_REASON_TEXT, required=reason is DisqualifyReason.other)
    lead = _locked(viewer, lead_id, expected_version, session=session)
    check_transition(lead.status, LeadStatus.disqualified)
    before = audit.snapshot(lead, LEAD_FIELDS)
    if lead.status is LeadStatus.new:
        record_first_touch(lead, now)
    lead.status = LeadStatus.disqualified
    lead.disqualify_reason = f"{reason.value}: {text}" if text else reason.value
    lead.version += 1
    _audit(session, viewer, "disqualify", lead, before)
    return lead


def _deal_account(viewer: Viewer, lead: Lead, account_id: int | None, new_account: str | None, *,
                  session: Session) -> int:
    """The account of the new deal: one the viewer may link, a new one named here (in the
    lead's territory, owned by its rep), else the lead's own account; a deal never has none."""
    if account_id is not None:
        return linkable_account(viewer, account_id, session=session).id
    if new_account is not None and new_account.strip():
        name = checked_text(new_account, "account name", max_length=MAX_NAME)
        if session.exec(select(Account.id).where(func.lower(Account.name) == name.lower())).first() is not None:
            raise ValidationFailed(_("account: an account named '{name}' exists already; choose it instead").format(name=name))
        account = Account(name=name, territory_id=lead.territory_id, owner_id=lead.assigned_to_id or viewer.id)
        session.add(account)
        session.flush()
        audit.record(session=session, username=viewer.username, action="create", entity="account",
                     entity_key=str(account.id), detail=audit.changes({}, audit.snapshot(
                         account, ["name", "territory_id", "owner_id"])))
        return account.id
    if lead.account_id is not None:
        return lead.account_id
    raise ValidationFailed(_("account: choose an existing account or name a new one"))


def convert_lead(viewer: Viewer, lead_id: int, *, deal_name: str, amount, expected_close_on,
                 expected_version: int, session: Session, now: datetime | None = None,
                 account_id: int | None = None, new_account: str | None = None) -> Opportunity:
    """A qualified lead becomes an opportunity linked to the lead, an account (``account_id``,
    a ``new_account`` name, else the lead's own) and its campaign (as source), owned by the
    lead's rep, in the lead's territory. The lead is linked to that account too."""
    now = now or utcnow()
    today = local_date(now, load_settings(session=session).tz)
    problems = []
    values = {}
    for key, check in (("name", lambda: checked_text(deal_name, "deal name", max_length=MAX_NAME)),
                       ("amount", lambda: checked_amount(amount, required=True)),
                       ("close", lambda: checked_date(expected_close_on, "expected close date", required=True,
                                                      not_before=today))):
        try:
            values[key] = check()
        except ValidationFailed as exc:
            problems.extend(exc.problems)
    if problems:
        raise ValidationFailed(problems)
    lead = _locked(viewer, lead_id, expected_version, session=session)
    check_transition(lead.status, LeadStatus.converted)
    before = audit.snapshot(lead, LEAD_FIELDS)
    lead.account_id = _deal_account(viewer, lead, account_id, new_account, session=session)
    opportunity = Opportunity(
        code=codes.new_code("opportunity", session=session), name=values["name"], account_id=lead.account_id,
        owner_id=lead.assigned_to_id or viewer.id, territory_id=lead.territory_id, stage=Stage.prospecting,
        amount=values["amount"], opened_on=today, expected_close_on=values["close"],
        source_campaign_id=lead.campaign_id, lead_id=lead.id)
    session.add(opportunity)
    session.flush()
    record_first_touch(lead, now)
    lead.status = LeadStatus.converted
    lead.converted_at = now
    lead.opportunity_id = opportunity.id
    lead.version += 1
    audit.record(session=session, username=viewer.username, action="create", entity="opportunity",
                 entity_key=opportunity.code,
                 detail=audit.changes({}, audit.snapshot(opportunity, [
                     "name", "account_id", "owner_id", "territory_id", "stage", "amount", "opened_on",
                     "expected_close_on", "source_campaign_id", "lead_id"])))
    _audit(session, viewer, "convert", lead, before, opportunity=opportunity.code)
    return opportunity
