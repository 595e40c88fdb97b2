"""Handoff KPIs (KPIS.md "Handoff (the black hole)"): one function per key, in SQL."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, case, exists, func, or_, select, true
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models.enums import LeadStatus, NoteStatus, Role
from models.tables import CampaignNote, CampaignTerritory, Lead, LeadRejection, MonthlyTarget, NoteRead, User

from .exact import ratio
from .filters import ResolvedFilter, seconds_between

Rep = aliased(User, name="rep")


# -- the record sets, shared with the drill-down and the charts ------------------------------

def assigned_in_period(p: ResolvedFilter) -> list:
    return [p.ts_in_period(Lead.assigned_at), *p.lead_filters(Lead)]


def touch_seconds(p: ResolvedFilter):
    return seconds_between(Lead.first_touch_at, Lead.assigned_at, p.dialect)


def touched_within_sla(p: ResolvedFilter):
    # KPIS.md second round: within the SLA ⇔ first_touch_at ≤ due_at (the stored deadline).
    return and_(Lead.first_touch_at.is_not(None), Lead.first_touch_at <= Lead.due_at)


def sla_counted(p: ResolvedFilter):
    # "Touched" = has a first_touch_at as stored now; "deadline before as_of" =
    # due_at strictly before as_of. Any status, disqualified included.
    return or_(Lead.first_touch_at.is_not(None), Lead.due_at < p.as_of)


def untouched_overdue(p: ResolvedFilter) -> list:
    return [*assigned_in_period(p), Lead.first_touch_at.is_(None),
            Lead.status != LeadStatus.disqualified, Lead.due_at < p.as_of]


def notes_in_period(p: ResolvedFilter) -> list:
    return [CampaignNote.status == NoteStatus.published, p.ts_in_period(CampaignNote.published_at),
            *p.note_filters(CampaignNote)]


def rep_is_targeted(p: ResolvedFilter):
    """ON clause pairing a note with the active reps of its campaign's target territories.
    With a territory filter only that territory's reps count (a territory's own read rate)."""
    listed = select(CampaignTerritory.campaign_id).where(CampaignTerritory.campaign_id == CampaignNote.campaign_id)
    in_targets = or_(~listed.exists(), listed.where(CampaignTerritory.territory_id == Rep.territory_id).exists())
    in_filter = true() if p.territory_id is None else Rep.territory_id == p.territory_id
    return and_(Rep.role == Role.rep, Rep.active.is_(True), in_targets, in_filter)


def rep_has_read(p: ResolvedFilter):
    # A receipt counts when read_at is at or before as_of, whenever in the period or not.
    return exists().where(NoteRead.note_id == CampaignNote.id, NoteRead.user_id == Rep.id,
                          NoteRead.read_at <= p.as_of)


def _count(conditions, *, session: Session) -> int:
    # count(*), not count(id): PostgreSQL can then answer from a covering index alone.
    return int(session.execute(select(func.count()).select_from(Lead).where(*conditions)).scalar_one())


# -- KPIs ------------------------------------------------------------------------------------

def leads_assigned(p: ResolvedFilter, *, session: Session) -> int:
    return _count(assigned_in_period(p), session=session)


def median_first_touch_hours(p: ResolvedFilter, *, session: Session) -> float | None:
    conditions = [*assigned_in_period(p), Lead.first_touch_at.is_not(None)]
    n = _count(conditions, session=session)
    if n == 0:
        return None
    seconds = touch_seconds(p)
    # The ordinary median in SQL: the middle one (odd n) or the two middle values (even n).
    middle = session.execute(
        # Ties have equal values, so no tie-breaker is needed (and none keeps the index covering).
        select(seconds).where(*conditions).order_by(seconds)
        .limit(1 if n % 2 else 2).offset((n - 1) // 2)
    ).scalars().all()
    return float(sum(Decimal(str(s)) for s in middle) / len(middle) / 3600)


def sla_compliance(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    on_time, counted = session.execute(
        select(func.sum(case((touched_within_sla(p), 1), else_=0)), func.count()).select_from(Lead)
        .where(*assigned_in_period(p), sla_counted(p))
    ).one()
    return ratio(int(on_time or 0), counted)


def untouched_leads(p: ResolvedFilter, *, session: Session) -> int:
    return _count(untouched_overdue(p), session=session)


def note_read_rate(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    # Same pairs as rep_is_targeted/rep_has_read, counted without visiting every (note, rep):
    # the denominator from the reps per territory, the numerator from the receipts (at most one
    # per note and user, uq_note_read) whose reader is a targeted rep.
    reps = (select(User.territory_id, func.count().label("n"))
            .where(User.role == Role.rep, User.active.is_(True),
                   *([] if p.territory_id is None else [User.territory_id == p.territory_id]))
            .group_by(User.territory_id).subquery("reps"))
    targeted = session.execute(
        select(func.sum(reps.c.n)).select_from(CampaignNote)
        .join(reps, _campaign_targets(CampaignNote.campaign_id, reps.c.territory_id))
        .where(*notes_in_period(p))
    ).scalar_one()
    read = session.execute(
        select(func.count()).select_from(CampaignNote)
        .join(NoteRead, and_(NoteRead.note_id == CampaignNote.id, NoteRead.read_at <= p.as_of))
        .join(Rep, and_(Rep.id == NoteRead.user_id, rep_is_targeted(p)))
        .where(*notes_in_period(p))
    ).scalar_one()
    return ratio(int(read or 0), int(targeted or 0))


def _campaign_targets(campaign_id, territory_id):
    """The campaign targets the territory: it lists it, or lists none (rep_is_targeted's rule)."""
    listed = select(CampaignTerritory.campaign_id).where(CampaignTerritory.campaign_id == campaign_id)
    return or_(~listed.exists(), listed.where(CampaignTerritory.territory_id == territory_id).exists())


# -- the handoff as a process (KPIS.md, second round) ----------------------------------------

def rejections_in_period(p: ResolvedFilter) -> list:
    # With the territory (and other lead) filters, rejections count by their lead.
    return [p.ts_in_period(LeadRejection.rejected_at), *p.lead_filters(Lead)]


def leads_accepted(p: ResolvedFilter, *, session: Session) -> int:
    return _count([p.ts_in_period(Lead.accepted_at), *p.lead_filters(Lead)], session=session)


def leads_rejected(p: ResolvedFilter, *, session: Session) -> int:
    """Rejections, not leads: a lead rejected twice in the period counts twice."""
    return int(session.execute(select(func.count()).select_from(LeadRejection)
                               .join(Lead, Lead.id == LeadRejection.lead_id)
                               .where(*rejections_in_period(p))).scalar_one())


def acceptance_rate(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    accepted = leads_accepted(p, session=session)
    return ratio(accepted, accepted + leads_rejected(p, session=session))


def leads_recycled(p: ResolvedFilter, *, session: Session) -> int:
    return _count([p.ts_in_period(Lead.recycled_at), *p.lead_filters(Lead)], session=session)


def lead_commitment(p: ResolvedFilter, *, session: Session) -> int:
    """Σ lead_commitment of the monthly targets whose month (its first day) is in the period."""
    total = session.execute(select(func.sum(MonthlyTarget.lead_commitment))
                            .where(p.date_in_period(MonthlyTarget.month), *p.target_filters(MonthlyTarget))
                            ).scalar_one()
    return int(total or 0)


def commitment_attainment(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    return ratio(leads_assigned(p, session=session), lead_commitment(p, session=session))
