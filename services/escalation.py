"""The escalation ladder (DESIGN.md "Escalation ladder") and the sweep that climbs it.

For each hand-over (a lead's assigned_at) of an untouched lead, each step is taken once:
``warn`` (warn_before_hours before due_at: the rep is told), ``overdue`` (at due_at: the rep and
their manager), ``reassign`` (reassign_after_hours past due_at, when set: the lead moves to the
territory's active rep with the fewest open leads, ties by username; audited; everyone told).

Idempotent across processes: a step is a row of ``lead_escalation`` whose unique key is (lead,
hand-over, step), inserted in the same transaction as the notifications it causes. Two sweeps
racing for a step cannot both commit it; the loser's transaction rolls back and nothing of it
stays. Each lead is its own transaction, so one failing lead never stops the sweep.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.db import write_session
from models.enums import OPEN_LEAD_STATUSES, EscalationStep, Role
from models.sla_policy import SlaPolicy
from models.tables import Lead, LeadEscalation, User
from models.types import utcnow

from . import audit, notifications, sla
from models.errors import ValidationFailed

log = logging.getLogger(__name__)
SWEEP_USER = "escalation-sweep"
BATCH = 500


@dataclass
class SweepReport:
    warned: int = 0
    overdue: int = 0
    reassigned: int = 0
    failed: list[str] = field(default_factory=list)   # "lead code: what went wrong"
    mail: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        return {"warned": self.warned, "overdue": self.overdue, "reassigned": self.reassigned,
                "failed": self.failed, "mail": self.mail}


def _due_steps(lead: Lead, policy: SlaPolicy, now: datetime) -> list[EscalationStep]:
    """The steps this untouched lead has reached by ``now`` (the latest last)."""
    steps = []
    if policy.reassign_after_hours is not None and now >= lead.due_at + timedelta(hours=policy.reassign_after_hours):
        steps.append(EscalationStep.overdue)
        steps.append(EscalationStep.reassign)
    elif now >= lead.due_at:
        steps.append(EscalationStep.overdue)
    elif policy.warn_before_hours is not None and now >= lead.due_at - timedelta(hours=policy.warn_before_hours):
        steps.append(EscalationStep.warn)
    return steps


def _candidates(policy: SlaPolicy, now: datetime, *, session: Session) -> list[int]:
    horizon = now + timedelta(hours=policy.warn_before_hours or 0)
    # The ladder's last step for this policy: once taken for the current hand-over, skip the lead
    # in SQL, so a quiet sweep reads little.
    last = EscalationStep.overdue if policy.reassign_after_hours is None else EscalationStep.reassign
    finished = select(LeadEscalation.id).where(LeadEscalation.lead_id == Lead.id,
                                               LeadEscalation.handover_at == Lead.assigned_at,
                                               LeadEscalation.step == last).exists()
    return list(session.exec(select(Lead.id).where(
        Lead.first_touch_at.is_(None), Lead.due_at.is_not(None), Lead.due_at <= horizon,
        Lead.assigned_to_id.is_not(None), Lead.status.in_(OPEN_LEAD_STATUSES), ~finished,
    ).order_by(Lead.due_at, Lead.id)).all())


def _claim(lead: Lead, step: EscalationStep, now: datetime, *, session: Session) -> bool:
    """Insert the step marker; False when this hand-over already took the step (here or in
    another process). A savepoint keeps the lead's transaction usable after a duplicate."""
    taken = session.exec(select(LeadEscalation.id).where(
        LeadEscalation.lead_id == lead.id, LeadEscalation.handover_at == lead.assigned_at,
        LeadEscalation.step == step)).first()
    if taken is not None:
        return False
    try:
        with session.begin_nested():
            session.add(LeadEscalation(lead_id=lead.id, handover_at=lead.assigned_at, step=step, done_at=now))
            session.flush()
    except IntegrityError:
        return False
    return True


def least_loaded_rep(territory_id: int, *, exclude: int | None, session: Session) -> User | None:
    """The territory's active rep with the fewest open leads, ties by username."""
    open_leads = (select(func.count(Lead.id)).where(Lead.assigned_to_id == User.id,
                                                     Lead.status.in_(OPEN_LEAD_STATUSES))
                  .correlate(User).scalar_subquery())
    query = select(User).where(User.role == Role.rep, User.active.is_(True), User.territory_id == territory_id)
    if exclude is not None:
        query = query.where(User.id != exclude)
    return session.exec(query.order_by(open_leads, User.username).limit(1)).first()


def _reassign(lead: Lead, now: datetime, policy: SlaPolicy, *, session: Session) -> bool:
    rep = least_loaded_rep(lead.territory_id, exclude=lead.assigned_to_id, session=session) \
        if lead.territory_id is not None else None
    if rep is None:
        return False       # nobody else to take it: the step is taken, the lead stays
    fields = ["assigned_to_id", "assigned_at", "due_at"]
    before = audit.snapshot(lead, fields)
    previous = lead.assigned_to_id
    sla.hand_over(lead, rep.id, now, session=session, policy=policy)
    lead.version += 1
    audit.record(session=session, username=SWEEP_USER, action="escalation_reassign", entity="lead",
                 entity_key=lead.code, detail=audit.changes(before, audit.snapshot(lead, fields)))
    notifications.lead_reassigned(lead, previous_rep_id=previous, by=None, session=session, now=now)
    return True


def escalate_lead(lead_id: int, policy: SlaPolicy, now: datetime, report: SweepReport, *, session: Session) -> None:
    lead = session.exec(select(Lead).where(Lead.id == lead_id).with_for_update()).first()
    if lead is None or lead.first_touch_at is not None or lead.assigned_to_id is None or lead.due_at is None \
            or lead.status not in OPEN_LEAD_STATUSES:
        return                                      # touched or moved since the candidates were read
    for step in _due_steps(lead, policy, now):
        if not _claim(lead, step, now, session=session):
            continue
        if step is EscalationStep.warn:
            notifications.lead_due_soon(lead, session=session, now=now)
            report.warned += 1
        elif step is EscalationStep.overdue:
            notifications.lead_overdue(lead, session=session, now=now)
            report.overdue += 1
        elif _reassign(lead, now, policy, session=session):
            report.reassigned += 1


def sweep(*, engine: Engine, now: datetime | None = None, send_mail: bool = True) -> SweepReport:
    """One pass of the ladder over every lead that needs it, then the e-mail outbox."""
    now = now or utcnow()
    report = SweepReport()
    try:
        with Session(engine) as session:
            policy = sla.current_policy(session=session)
            candidates = _candidates(policy, now, session=session)
    except ValidationFailed as exc:
        report.failed.append(f"policy: {'; '.join(exc.problems)}")
        return report
    for lead_id in candidates:
        try:
            with write_session(engine) as session:
                escalate_lead(lead_id, policy, now, report, session=session)
        except IntegrityError:
            continue                                # another process took the step first
        except Exception as exc:  # noqa: BLE001 - one lead's failure never stops the others
            log.exception("escalation of lead #%s failed", lead_id)
            report.failed.append(f"lead #{lead_id}: {exc}")
    if send_mail:
        from . import mailer

        report.mail = mailer.send_outbox(engine=engine, now=now).as_dict()
    return report
