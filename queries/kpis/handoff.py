"""Handoff KPIs (KPIS.md "Handoff (the black hole)"): one function per key, in SQL."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import and_, case, exists, func, or_, select, true
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models.enums import LeadStatus, NoteStatus, Role
from models.tables import CampaignNote, CampaignTerritory, Lead, LeadRejection, NoteRead, User

from .exact import ratio
from .filters import ResolvedFilter
from .sales import targets_pass

Rep = aliased(User, name="rep")


# -- the record sets, shared with the drill-down and the charts ------------------------------

def assigned_in_period(p: ResolvedFilter) -> list:
    return [p.ts_in_period(Lead.assigned_at), *p.lead_filters(Lead)]


def touch_delay_us(p: ResolvedFilter):
    """first_touch_at − assigned_at in whole microseconds: the stored column (migration 0009)."""
    return Lead.touch_delay_us


def us_to_hours(us) -> float:
    """Microseconds as hours, through exact decimals (the median's and the drill-down's rule)."""
    return float(Decimal(int(us)) / 1_000_000 / 3600)


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

def _assigned_select(p: ResolvedFilter):
    """The assigned pass's counts over the period's hand-overs (see ``_assigned_pass``)."""
    def n(condition):
        return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)

    untouched = and_(Lead.first_touch_at.is_(None), Lead.status != LeadStatus.disqualified,
                     Lead.due_at < p.as_of)
    return (select(func.count(), n(Lead.first_touch_at.is_not(None)),
                   n(and_(sla_counted(p), touched_within_sla(p))), n(sla_counted(p)), n(untouched))
            .select_from(Lead).where(*assigned_in_period(p)))


ASSIGNED = "leads.assigned"
_ASSIGNED_FIELDS = ("assigned", "touched", "on_time", "sla_counted", "untouched")


def _assigned_pass(p: ResolvedFilter, *, session: Session) -> dict:
    """One pass over the period's hand-overs (the covering ix_lead_assigned_cover) for every
    KPI counted over them: assigned, touched, within the SLA, SLA-counted, untouched overdue."""
    return p.once(ASSIGNED, lambda: dict(zip(_ASSIGNED_FIELDS, map(int, session.execute(_assigned_select(p)).one()))))


def assigned_by_territory(p: ResolvedFilter, *, session: Session) -> dict[int, dict]:
    """``_assigned_pass`` for every territory at once (GROUP BY): territory_id → its counts."""
    rows = session.execute(_assigned_select(p).add_columns(Lead.territory_id).group_by(Lead.territory_id)).all()
    return {row[-1]: dict(zip(_ASSIGNED_FIELDS, map(int, row[:-1]))) for row in rows}


NOTHING_ASSIGNED = dict.fromkeys(_ASSIGNED_FIELDS, 0)


def leads_assigned(p: ResolvedFilter, *, session: Session) -> int:
    return _assigned_pass(p, session=session)["assigned"]


def median_first_touch_hours(p: ResolvedFilter, *, session: Session) -> float | None:
    n = _assigned_pass(p, session=session)["touched"]
    if n == 0:
        return None
    delay = touch_delay_us(p)
    # The ordinary median in SQL: the middle one (odd n) or the two middle values (even n).
    middle = session.execute(
        # Ties have equal values, so no tie-breaker is needed (and none keeps the index covering).
        select(delay).where(*assigned_in_period(p), Lead.first_touch_at.is_not(None)).order_by(delay)
        .limit(1 if n % 2 else 2).offset((n - 1) // 2)
    ).scalars().all()
    return float(sum(Decimal(int(us)) / 1_000_000 for us in middle) / len(middle) / 3600)


def leads_on_time(p: ResolvedFilter, *, session: Session) -> int:
    """Hand-overs of the period touched by their deadline (sla_compliance's numerator)."""
    return _assigned_pass(p, session=session)["on_time"]


def sla_compliance(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    counts = _assigned_pass(p, session=session)
    return ratio(counts["on_time"], counts["sla_counted"])


def untouched_leads(p: ResolvedFilter, *, session: Session) -> int:
    return _assigned_pass(p, session=session)["untouched"]


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


ACCEPTED, REJECTED = "leads.accepted", "lead_rejections"


def _accepted_select(p: ResolvedFilter):
    return select(func.count()).select_from(Lead).where(p.ts_in_period(Lead.accepted_at), *p.lead_filters(Lead))


def _rejected_select(p: ResolvedFilter):
    return (select(func.count()).select_from(LeadRejection).join(Lead, Lead.id == LeadRejection.lead_id)
            .where(*rejections_in_period(p)))


def leads_accepted(p: ResolvedFilter, *, session: Session) -> int:
    return p.once(ACCEPTED, lambda: int(session.execute(_accepted_select(p)).scalar_one()))


def leads_rejected(p: ResolvedFilter, *, session: Session) -> int:
    """Rejections, not leads: a lead rejected twice in the period counts twice."""
    return p.once(REJECTED, lambda: int(session.execute(_rejected_select(p)).scalar_one()))


def accepted_by_territory(p: ResolvedFilter, *, session: Session) -> dict[int, int]:
    """``leads_accepted`` for every territory at once (GROUP BY the lead's territory)."""
    return {t: int(n) for n, t in session.execute(_accepted_select(p).add_columns(Lead.territory_id)
                                                  .group_by(Lead.territory_id)).all()}


def rejected_by_territory(p: ResolvedFilter, *, session: Session) -> dict[int, int]:
    """``leads_rejected`` for every territory at once (GROUP BY the lead's territory)."""
    return {t: int(n) for n, t in session.execute(_rejected_select(p).add_columns(Lead.territory_id)
                                                  .group_by(Lead.territory_id)).all()}


def acceptance_rate(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    accepted = leads_accepted(p, session=session)
    return ratio(accepted, accepted + leads_rejected(p, session=session))


def leads_recycled(p: ResolvedFilter, *, session: Session) -> int:
    return _count([p.ts_in_period(Lead.recycled_at), *p.lead_filters(Lead)], session=session)


def lead_commitment(p: ResolvedFilter, *, session: Session) -> int:
    """Σ lead_commitment of the monthly targets whose month (its first day) is in the period."""
    return int(targets_pass(p, session=session)["lead_commitment"] or 0)


def commitment_attainment(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    return ratio(leads_assigned(p, session=session), lead_commitment(p, session=session))
