"""Handoff KPIs (KPIS.md "Handoff (the black hole)"): one function per key, in SQL."""
from __future__ import annotations

import math
from decimal import Decimal

from sqlalchemy import and_, exists, false, func, not_, or_, select, true
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


def active_rep(user):
    """The people a note targets and whose receipts count: active reps (of ``user``, an alias of User)."""
    return and_(user.role == Role.rep, user.active.is_(True))


def rep_is_targeted(p: ResolvedFilter):
    """ON clause pairing a note with the active reps of its campaign's target territories.
    With a territory filter only that territory's reps count (a territory's own read rate)."""
    listed = select(CampaignTerritory.campaign_id).where(CampaignTerritory.campaign_id == CampaignNote.campaign_id)
    in_targets = or_(~listed.exists(), listed.where(CampaignTerritory.territory_id == Rep.territory_id).exists())
    in_filter = true() if p.territory_id is None else Rep.territory_id == p.territory_id
    return and_(active_rep(Rep), in_targets, in_filter)


def rep_has_read(p: ResolvedFilter):
    # A receipt counts when read_at is at or before as_of, whenever in the period or not.
    return exists().where(NoteRead.note_id == CampaignNote.id, NoteRead.user_id == Rep.id,
                          NoteRead.read_at <= p.as_of)


def _count(conditions, *, session: Session) -> int:
    # count(*), not count(id): PostgreSQL can then answer from a covering index alone.
    return int(session.execute(select(func.count()).select_from(Lead).where(*conditions)).scalar_one())


# -- KPIs ------------------------------------------------------------------------------------

def _assigned_select(p: ResolvedFilter):
    """The assigned pass's counts over the period's hand-overs (see ``_assigned_pass``):
    assigned, touched, within the SLA, SLA-counted (touched, or untouched with the deadline
    before as_of), untouched overdue. Counts with FILTER and count(column) rather than a
    SUM(CASE) each: 109 -> 78 ms on SQLite at large (414,000 hand-overs), same values."""
    untouched_due = and_(Lead.first_touch_at.is_(None), Lead.due_at < p.as_of)
    return (select(func.count(), func.count(Lead.first_touch_at),
                   func.count().filter(touched_within_sla(p)),
                   func.count(Lead.first_touch_at) + func.count().filter(untouched_due),
                   func.count().filter(and_(untouched_due, Lead.status != LeadStatus.disqualified)))
            .select_from(Lead).where(*assigned_in_period(p)))


ASSIGNED = "leads.assigned"
_ASSIGNED_FIELDS = ("assigned", "touched", "on_time", "sla_counted", "untouched")


def _assigned_pass(p: ResolvedFilter, *, session: Session) -> dict:
    """One pass over the period's hand-overs (the covering ix_lead_assigned_cover) for every
    KPI counted over them: assigned, touched, within the SLA, SLA-counted, untouched overdue.
    On SQLite the same pass collects the median's sample of first-touch delays (``TOUCH_SAMPLE``)."""
    def compute() -> dict:
        if not samples_the_median(p):
            return dict(zip(_ASSIGNED_FIELDS, map(int, session.execute(_assigned_select(p)).one())))
        *counts, sample = session.execute(_assigned_select(p).add_columns(_collect(touch_delay_us(p), _in_sample()))).one()
        p.shared.setdefault(TOUCH_SAMPLE, sorted(_collected(sample)))
        return dict(zip(_ASSIGNED_FIELDS, map(int, counts)))
    return p.once(ASSIGNED, compute)


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
    middle = _middle_delays(p, n, session=session)
    return float(sum(Decimal(int(us)) / 1_000_000 for us in middle) / len(middle) / 3600)


# -- the exact median without sorting the period (SQLite) ------------------------------------
#
# The median is the mean of the delays at ranks (n-1)//2 and n//2 (one rank when n is odd) of the
# period's n touched hand-overs. On SQLite, sorting all n (ORDER BY … OFFSET) was the KPI set's
# costliest statement at large (bench/README.md, "Round 2, eighth session"). There a sample of
# about one hand-over in SAMPLE_EVERY, collected by the assigned pass, brackets the middle ranks;
# one more pass over the same index counts the delays below the bracket and collects those inside
# it, and the middle ranks are read off that small sorted list. The answer is exact whatever the
# sample: when the bracket does not hold both middle ranks, the full sort answers instead.
# PostgreSQL sorts the period's delays about four times faster than SQLite, and there the sample's
# cost in the assigned pass ate what the bracket saved (measured at large), so it sorts.

TOUCH_SAMPLE = "leads.touch_sample"
SAMPLE_EVERY = 37           # a prime, so no regular step in the ids lines up with it
SAMPLE_MIN = 200            # below this many sampled delays the full sort is as cheap
MARGIN_SIGMAS = 6           # the bracket's half-width, in standard deviations of a sample rank


def samples_the_median(p: ResolvedFilter) -> bool:
    return p.dialect == "sqlite"


def _in_sample():
    """A touched hand-over in the sample: by lead id (the row id, which every SQLite index holds)."""
    return and_(Lead.first_touch_at.is_not(None), Lead.id % SAMPLE_EVERY == 0)


def _collect(value, condition):
    """SQLite's group_concat of ``value`` over the rows meeting ``condition`` (NULLs are skipped)."""
    return func.group_concat(value).filter(condition)


def _collected(text: str | None) -> list[int]:
    return [int(v) for v in text.split(",")] if text else []


def bracket(sample: list[int], n: int, ranks: tuple[int, int]) -> tuple[int | None, int | None]:
    """Bounds (inclusive; None = unbounded) meant to hold the delays at ``ranks`` of all n: where
    the sorted sample puts those ranks, widened by MARGIN_SIGMAS standard deviations each way."""
    m = len(sample)
    margin = math.ceil(MARGIN_SIGMAS * math.sqrt(m) / 2) + 1    # σ of a sample rank near the middle ≈ √m / 2
    low_rank = ranks[0] * m // n - margin
    high_rank = ranks[1] * m // n + margin
    return (sample[low_rank] if low_rank >= 0 else None,
            sample[high_rank] if high_rank < m else None)


def _middle_delays(p: ResolvedFilter, n: int, *, session: Session) -> list[int]:
    """The delays at the middle ranks of the n touched hand-overs, in microseconds (one or two)."""
    ranks = ((n - 1) // 2, n // 2)
    sample = p.shared.get(TOUCH_SAMPLE) or []
    if len(sample) >= SAMPLE_MIN:
        low, high = bracket(sample, n, ranks)
        delay = touch_delay_us(p)
        inside = and_(true() if low is None else delay >= low, true() if high is None else delay <= high)
        # touch_delay_us is NULL exactly when first_touch_at is (assigned_at is set in the period).
        below, values = session.execute(
            select(func.count().filter(false() if low is None else delay < low), _collect(delay, inside))
            .select_from(Lead).where(*assigned_in_period(p), delay.is_not(None))).one()
        below, values = int(below), sorted(_collected(values))
        if below <= ranks[0] and ranks[1] < below + len(values):
            return [values[r - below] for r in sorted(set(ranks))]
    return _middle_delays_by_sorting(p, n, session=session)


def _middle_delays_by_sorting(p: ResolvedFilter, n: int, *, session: Session) -> list[int]:
    """The same delays by the ordinary median in SQL: sort all n, skip to the middle."""
    delay = touch_delay_us(p)
    return [int(us) for us in session.execute(
        # Ties have equal values, so no tie-breaker is needed (and none keeps the index covering).
        select(delay).where(*assigned_in_period(p), Lead.first_touch_at.is_not(None)).order_by(delay)
        .limit(1 if n % 2 else 2).offset((n - 1) // 2)
    ).scalars().all()]


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
    return ratio(_targeted_receipts(p, session=session), _targeted_pairs(p, session=session))


def _period_notes(p: ResolvedFilter):
    """The period's notes with whether their campaign lists its territories (else it targets
    every one), computed once per statement (MATERIALIZED) instead of once per receipt or rep."""
    listed = select(CampaignTerritory.campaign_id).where(CampaignTerritory.campaign_id == CampaignNote.campaign_id)
    return (select(CampaignNote.id, CampaignNote.campaign_id, listed.exists().label("listed"))
            .where(*notes_in_period(p)).cte("period_notes").prefix_with("MATERIALIZED"))


def _targeted_pairs(p: ResolvedFilter, *, session: Session) -> int:
    """The denominator: (note, active rep of a target territory) pairs. A note of a campaign that
    lists no territory targets every active rep; one that lists some, the reps of each listed
    territory. With a territory filter only that territory's reps count."""
    reps = (select(User.territory_id, func.count().label("n"))
            .where(active_rep(User), *([] if p.territory_id is None else [User.territory_id == p.territory_id]))
            .group_by(User.territory_id).subquery("reps"))
    notes = _period_notes(p)
    every_rep, unlisted, listed = session.execute(select(
        select(func.coalesce(func.sum(reps.c.n), 0)).scalar_subquery(),
        select(func.count()).select_from(notes).where(notes.c.listed.is_(False)).scalar_subquery(),
        select(func.coalesce(func.sum(reps.c.n), 0)).select_from(notes)
        .join(CampaignTerritory, CampaignTerritory.campaign_id == notes.c.campaign_id)
        .join(reps, reps.c.territory_id == CampaignTerritory.territory_id)
        .where(notes.c.listed.is_(True)).scalar_subquery())).one()
    return int(unlisted) * int(every_rep) + int(listed)


def _targeted_receipts(p: ResolvedFilter, *, session: Session) -> int:
    """The numerator: receipts made by as_of, of the period's notes, by active reps of a target
    territory of the note's campaign.

    Counted as every such receipt minus those made after as_of, so the scan of the period's
    receipts never reads ``read_at`` (on SQLite that alone was a third of the scan: the
    narrower unique index serves it); the receipts after as_of are a range of
    ``ix_note_read_at``, none when as_of is now, the dashboard's case, and are counted from
    that range. The notes of the period, with whether their campaign lists its territories,
    are computed once (MATERIALIZED), not once per receipt:
    * no territory filter: receipts of notes whose campaign lists none count unless the reader
      is not an active rep (few readers: subtracted); those of a listing campaign are joined to
      the reader and the campaign's list;
    * a territory filter: the period's notes already target the territory (``note_filters``),
      so a receipt counts when its reader is an active rep of that territory.
    """
    later = session.execute(select(func.count()).select_from(NoteRead).where(NoteRead.read_at > p.as_of)).scalar_one()
    return _receipts(p, NoteRead, session=session) - (
        _receipts(p, select(NoteRead.note_id, NoteRead.user_id).where(NoteRead.read_at > p.as_of)
                  .cte("later_receipts").prefix_with("MATERIALIZED"), session=session) if later else 0)


def _receipts(p: ResolvedFilter, receipts, *, session: Session) -> int:
    """``_targeted_receipts``'s count over ``receipts`` (note_read, or a part of it: note_id, user_id)."""
    notes = _period_notes(p)
    col = receipts.c if hasattr(receipts, "c") else receipts
    of_notes = select(func.count()).select_from(notes).join(receipts, col.note_id == notes.c.id)
    reader = and_(Rep.id == col.user_id, active_rep(Rep))
    if p.territory_id is not None:
        return int(session.execute(of_notes.join(Rep, and_(reader, Rep.territory_id == p.territory_id)))
                   .scalar_one())
    not_an_active_rep = select(User.id).where(not_(active_rep(User)))
    in_list = (select(CampaignTerritory.campaign_id)
               .where(CampaignTerritory.campaign_id == notes.c.campaign_id,
                      CampaignTerritory.territory_id == Rep.territory_id).exists())
    unlisted = of_notes.where(notes.c.listed.is_(False))
    others_read = col.user_id.in_(not_an_active_rep)
    listed_query = of_notes.join(Rep, reader).where(notes.c.listed.is_(True), in_list)
    if p.dialect == "postgresql":
        # One scan of the unlisted notes' receipts counts both (a hashed IN per receipt):
        # 59 -> 42 ms at large; on SQLite the probe per receipt costs more than a second scan.
        every, others = session.execute(unlisted.add_columns(func.count().filter(others_read))).one()
    else:
        # Separate statements, not subqueries of one: within one, SQLite's planner paired every
        # note with every rep before looking at the receipts (15x slower at large).
        every, others = (session.execute(q).scalar_one() for q in (unlisted, unlisted.where(others_read)))
    return int(every) - int(others) + int(session.execute(listed_query).scalar_one())


# -- the handoff as a process (KPIS.md, second round) ----------------------------------------

def rejections_in_period(p: ResolvedFilter) -> list:
    # With the territory (and other lead) filters, rejections count by their lead.
    return [p.ts_in_period(LeadRejection.rejected_at), *p.lead_filters(Lead)]


ACCEPTED, REJECTED = "leads.accepted", "lead_rejections"


def _accepted_select(p: ResolvedFilter):
    return select(func.count()).select_from(Lead).where(p.ts_in_period(Lead.accepted_at), *p.lead_filters(Lead))


def _rejected_select(p: ResolvedFilter):
    # Every rejection has its lead (lead_id NOT NULL, ON DELETE CASCADE), so with no lead filter
    # the count reads ix_lead_rejection_at alone. With one, the filter's lead ids are collected
    # once and each rejection probed against them: joining every rejection of the period to its
    # lead row cost ~2 µs a rejection on SQLite at large, whatever the territory's size.
    lead_filters = p.lead_filters(Lead)
    rejections = select(func.count()).select_from(LeadRejection).where(p.ts_in_period(LeadRejection.rejected_at))
    return rejections.where(LeadRejection.lead_id.in_(select(Lead.id).where(*lead_filters))) if lead_filters else rejections


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
    grouped = (select(func.count(), Lead.territory_id).select_from(LeadRejection)
               .join(Lead, Lead.id == LeadRejection.lead_id).where(*rejections_in_period(p))
               .group_by(Lead.territory_id))
    return {t: int(n) for n, t in session.execute(grouped).all()}


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
