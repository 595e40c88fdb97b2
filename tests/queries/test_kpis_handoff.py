"""Handoff KPIs (KPIS.md "Handoff"): assignment dates in Seoul, the median, the SLA against
as_of, untouched leads and note read rates — SQLite and PostgreSQL."""
import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from tests.factories import Builder, LeadStatus, NoteStatus, Role, utc
from tests.kpi_scenario import assert_value, kpis

D = Decimal
SEOUL = timezone(timedelta(hours=9))
MARCH = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}
APRIL = {"start": date(2026, 4, 1), "end": date(2026, 4, 30)}
LATE_AS_OF = datetime(2026, 6, 1, tzinfo=SEOUL)


def test_a_lead_assigned_at_16_30_utc_on_march_31_is_assigned_on_april_1_in_seoul(engine):
    with Builder(engine) as b:
        t = b.territory()
        rep = b.user(role=Role.rep, territory=t)
        c = b.campaign()
        b.lead(c, territory=t, assigned_to=rep, created_at=utc(2026, 3, 30), assigned_at=utc(2026, 3, 31, 16, 30))
        b.lead(c, territory=t, assigned_to=rep, created_at=utc(2026, 3, 30), assigned_at=utc(2026, 3, 31, 14, 59))
    assert kpis(engine, **MARCH, as_of=LATE_AS_OF)["leads_assigned"] == 1   # 14:59 UTC = 23:59 Seoul Mar 31
    assert kpis(engine, **APRIL, as_of=LATE_AS_OF)["leads_assigned"] == 1   # 16:30 UTC = 01:30 Seoul Apr 1


MARCH_10 = utc(2026, 3, 10)


def _touched(b, c, t, hours, assigned=MARCH_10):
    b.lead(c, territory=t, created_at=assigned, assigned_at=assigned,
           first_touch_at=assigned + timedelta(hours=hours), status=LeadStatus.working)


def test_median_first_touch_is_the_middle_value_or_the_mean_of_the_two_middle_values(engine):
    with Builder(engine) as b:
        t = b.territory()
        c = b.campaign()
        for hours in (5, 1, 30, 2.5):
            _touched(b, c, t, hours)
        b.lead(c, territory=t, created_at=utc(2026, 3, 10), assigned_at=utc(2026, 3, 10))  # untouched: ignored
    assert kpis(engine, **MARCH, as_of=LATE_AS_OF)["median_first_touch_hours"] == 3.75   # (2.5 + 5) / 2
    with Builder(engine) as b:
        _touched(b, b.campaign(), b.territory(), 100)
    assert kpis(engine, **MARCH, as_of=LATE_AS_OF)["median_first_touch_hours"] == 5.0    # 1, 2.5, 5, 30, 100


def test_median_first_touch_is_null_when_no_lead_was_touched(engine):
    with Builder(engine) as b:
        b.territory()
    assert kpis(engine, **MARCH, as_of=LATE_AS_OF)["median_first_touch_hours"] is None


def test_sla_compliance_counts_a_touch_at_exactly_24h_as_on_time(engine):
    with Builder(engine) as b:
        t = b.territory()
        c = b.campaign()
        _touched(b, c, t, 24)                       # on time (≤ 24 h)
        _touched(b, c, t, 24 + 1 / 3600)            # one second late
        _touched(b, c, t, 0.5)                      # on time
    assert_value(kpis(engine, **MARCH, as_of=LATE_AS_OF)["sla_compliance"], D(2) / 3)


def test_sla_denominator_counts_untouched_leads_only_once_their_deadline_is_before_as_of(engine):
    # as_of 2026-03-20 12:00 UTC; sla 24 h
    as_of = utc(2026, 3, 20, 12)
    with Builder(engine) as b:
        t = b.territory()
        c = b.campaign()
        _touched(b, c, t, 2, assigned=utc(2026, 3, 20, 9))                       # touched: counted, on time
        _touched(b, c, t, 30, assigned=utc(2026, 3, 10))                         # touched late
        new = dict(territory=t, created_at=utc(2026, 3, 1))
        b.lead(c, assigned_at=utc(2026, 3, 19, 11, 59), **new)                   # deadline 03-20 11:59: overdue
        b.lead(c, assigned_at=utc(2026, 3, 19, 12), **new)                       # deadline == as_of: not before
        b.lead(c, assigned_at=utc(2026, 3, 19, 13), **new)                       # deadline after as_of
        b.lead(c, assigned_at=utc(2026, 3, 5), status=LeadStatus.disqualified, **new)  # overdue, disqualified
    k = kpis(engine, **MARCH, as_of=as_of)
    assert k["sla_compliance"] == D("0.25")      # 1 on time / (2 touched + 2 overdue untouched)
    assert k["untouched_leads"] == 1             # the 11:59 one; the disqualified one is not "untouched"


def test_sla_hours_come_from_the_settings(engine):
    with Builder(engine) as b:
        b.setting("sla_hours", "4")
        t = b.territory()
        c = b.campaign()
        _touched(b, c, t, 4)
        _touched(b, c, t, 5)
        b.lead(c, territory=t, created_at=utc(2026, 3, 30), assigned_at=utc(2026, 3, 31, 10))  # deadline 14:00
    k = kpis(engine, **MARCH, as_of=utc(2026, 3, 31, 14, 1))
    assert_value(k["sla_compliance"], D(1) / 3)   # 4 h on time / (two touched + one overdue)
    assert k["untouched_leads"] == 1


def test_sla_compliance_is_null_when_nothing_is_due_yet(engine):
    with Builder(engine) as b:
        t = b.territory()
        b.lead(b.campaign(), territory=t, created_at=utc(2026, 3, 31), assigned_at=utc(2026, 3, 31, 1))
    k = kpis(engine, **MARCH, as_of=utc(2026, 3, 31, 2))
    assert k["leads_assigned"] == 1 and k["sla_compliance"] is None and k["untouched_leads"] == 0


def test_note_read_rate_counts_only_active_reps_of_the_target_territories(engine):
    as_of = utc(2026, 4, 1)
    with Builder(engine) as b:
        sel, bsn, icn = b.territory("SEL"), b.territory("BSN"), b.territory("ICN")
        s1, s2 = b.user("s1", Role.rep, sel), b.user("s2", Role.rep, sel)
        b1 = b.user("b1", Role.rep, bsn)
        i1 = b.user("i1", Role.rep, icn)
        gone = b.user("gone", Role.rep, sel, active=False)
        boss = b.user("boss", Role.manager, sel)
        c = b.campaign(territories=[sel, bsn])
        v1 = b.note(c, version=1, published_at=utc(2026, 3, 2))
        v2 = b.note(c, version=2, published_at=utc(2026, 3, 20))   # a version is a note of its own
        b.note(c, version=3, status=NoteStatus.draft)               # drafts never count
        b.note(c, version=4, published_at=utc(2026, 4, 2))          # published after the period
        b.read(v1, s1, utc(2026, 3, 3))
        b.read(v1, i1, utc(2026, 3, 3))       # ICN is not a target territory
        b.read(v1, gone, utc(2026, 3, 3))     # inactive
        b.read(v1, boss, utc(2026, 3, 3))     # managers never count
        b.read(v2, s2, utc(2026, 2, 1))       # dated before the period: counts ("whenever it was made")
        b.read(v2, b1, utc(2026, 4, 2))       # after as_of: not yet
        all_c = b.campaign(territories=[])    # no targets: reps of every territory
        v = b.note(all_c, version=1, published_at=utc(2026, 3, 5))
        b.read(v, i1, utc(2026, 3, 6))
        b.read(v, b1, as_of)                  # exactly at as_of: counts ("up to")
        sel_id, icn_id = sel.id, icn.id
    # v1: targets s1, s2, b1 → read by s1 → 1/3;  v2: s1, s2, b1 → read by s2 → 1/3;
    # v (all territories): s1, s2, b1, i1 → read by i1, b1 → 2/4
    assert_value(kpis(engine, **MARCH, as_of=as_of)["note_read_rate"], D(4) / 10)
    # SEL reps only: v1 1/2, v2 1/2, v 0/2 → 2/6
    assert_value(kpis(engine, **MARCH, as_of=as_of, territory_id=sel_id)["note_read_rate"], D(1) / 3)
    # ICN: only the campaign targeting every territory counts; i1 read it → 1/1
    assert kpis(engine, **MARCH, as_of=as_of, territory_id=icn_id)["note_read_rate"] == 1


def test_note_read_rate_is_null_without_targeted_reps(engine):
    with Builder(engine) as b:
        t = b.territory()
        b.user("m", Role.manager, t)
        b.note(b.campaign(territories=[t]), published_at=utc(2026, 3, 2))
    assert kpis(engine, **MARCH, as_of=LATE_AS_OF)["note_read_rate"] is None


def test_rejections_count_by_their_lead_under_each_lead_filter(engine):
    # The count without a filter reads the rejections alone; with a territory, campaign or segment
    # filter it keeps the rejections whose lead matches (the lead as stored now, KPIS.md).
    from tests.factories import Segment
    with Builder(engine) as b:
        sel, bsn = b.territory("SEL"), b.territory("BSN")
        rep = b.user(role=Role.rep, territory=sel)
        c1, c2 = b.campaign(), b.campaign()
        big = b.account("Big", sel, Segment.enterprise)
        leads = [b.lead(c1, territory=sel, created_at=utc(2026, 3, 1), account=big),
                 b.lead(c1, territory=bsn, created_at=utc(2026, 3, 1)),
                 b.lead(c2, territory=bsn, created_at=utc(2026, 3, 1)),
                 b.lead(c2, territory=None, created_at=utc(2026, 3, 1))]
        for lead, days in zip(leads, (1, 2, 3, 4)):
            b.rejection(lead, rep, rejected_at=utc(2026, 3, 2) + timedelta(days=days))
        b.rejection(leads[1], rep, rejected_at=utc(2026, 3, 20))              # twice: counts twice
        b.rejection(leads[2], rep, rejected_at=utc(2026, 4, 2))               # April: out of the period
    count = lambda **f: kpis(engine, **MARCH, as_of=LATE_AS_OF, **f)["leads_rejected"]  # noqa: E731
    assert count() == 5
    assert (count(territory_id=sel.id), count(territory_id=bsn.id)) == (1, 3)
    assert (count(campaign_id=c1.id), count(campaign_id=c2.id)) == (3, 2)
    assert count(segment=Segment.enterprise) == 1
    assert count(territory_id=bsn.id, campaign_id=c1.id) == 2


def test_note_read_rate_is_the_same_whether_or_not_receipts_come_after_as_of(engine):
    """The numerator is counted in parts (campaigns listing no territory: every receipt less
    those of readers who are not active reps; listing campaigns: joined to the reader) and the
    receipts after as_of are subtracted; each part meets a reader it must not count."""
    with Builder(engine) as b:
        sel, bsn = b.territory("SEL"), b.territory("BSN")
        s1, s2 = b.user("s1", Role.rep, sel), b.user("s2", Role.rep, sel)
        b1 = b.user("b1", Role.rep, bsn)
        gone = b.user("gone", Role.rep, sel, active=False)
        boss = b.user("boss", Role.manager, sel)
        every = b.note(b.campaign(territories=[]), published_at=utc(2026, 3, 5))
        for reader in (s1, b1, gone, boss):
            b.read(every, reader, utc(2026, 3, 6))
        b.read(every, s2, utc(2026, 4, 2))                   # after the first as_of
        sel_only = b.note(b.campaign(territories=[sel]), published_at=utc(2026, 3, 7))
        for reader in (s1, b1, gone, boss):          # only s1 is a targeted rep
            b.read(sel_only, reader, utc(2026, 3, 8))
        b.read(sel_only, s2, utc(2026, 4, 2))
        sel_id, bsn_id = sel.id, bsn.id
    # targeted pairs: every note → s1, s2, b1 (3); SEL's note → s1, s2 (2)
    early, late = utc(2026, 4, 1), utc(2026, 4, 3)
    assert_value(kpis(engine, **MARCH, as_of=early)["note_read_rate"], D(2 + 1) / 5)
    assert_value(kpis(engine, **MARCH, as_of=late)["note_read_rate"], D(3 + 2) / 5)
    assert_value(kpis(engine, **MARCH, as_of=early, territory_id=sel_id)["note_read_rate"], D(1 + 1) / 4)
    assert_value(kpis(engine, **MARCH, as_of=late, territory_id=sel_id)["note_read_rate"], D(2 + 2) / 4)
    assert kpis(engine, **MARCH, as_of=early, territory_id=bsn_id)["note_read_rate"] == 1


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_note_read_rate_equals_its_definition_counted_pair_by_pair(engine, seed):
    """A random company (campaigns listing some territories or none, reps active or not, managers,
    drafts, notes outside the period, receipts before and after as_of): the rate counted in parts
    in SQL equals the (note, targeted rep) pairs counted one by one here, for every territory."""
    rng = random.Random(seed)
    with Builder(engine) as b:
        territories = [b.territory(f"T{seed}{i}") for i in range(4)]
        users = [(b.user(f"u{seed}_{i}", role, t, active=rng.random() > 0.2), role, t)
                 for i in range(24)
                 for role, t in [(rng.choice([Role.rep, Role.rep, Role.rep, Role.manager]), rng.choice(territories))]]
        notes = []
        for _ in range(6):
            listed = rng.sample(territories, rng.choice([0, 1, 2, 3]))
            campaign = b.campaign(territories=listed)
            for v in range(rng.randint(1, 3)):
                published = utc(2026, rng.choice([2, 3, 3, 3, 4]), rng.randint(2, 27), 3)
                status = NoteStatus.draft if rng.random() < 0.15 else NoteStatus.published
                note = b.note(campaign, version=v + 1, status=status, published_at=published)
                readers = {}
                for user, _, _ in rng.sample(users, rng.randint(0, len(users))):
                    readers[user.id] = utc(2026, rng.choice([3, 4, 5]), rng.randint(1, 28))
                    b.read(note, user, readers[user.id])
                notes.append((note.id, status, published, {t.id for t in listed}, readers))
        people = [(u.id, role, u.active, t.id) for u, role, t in users]
        ids = [t.id for t in territories]
    start, end = utc(2026, 2, 28, 15), utc(2026, 3, 31, 15)          # March in Seoul
    for as_of in (utc(2026, 4, 10), utc(2026, 6, 1)):
        for territory in (None, *ids):
            targeted = read = 0
            for _, status, published, listed, readers in notes:
                if status != NoteStatus.published or not start <= published < end:
                    continue
                targets = listed or set(ids)
                if territory is not None and territory not in targets:
                    continue
                for uid, role, active, t in people:
                    if role == Role.rep and active and t in targets and territory in (None, t):
                        targeted += 1
                        read += uid in readers and readers[uid] <= as_of
            want = None if targeted == 0 else D(read) / targeted
            got = kpis(engine, **MARCH, as_of=as_of, territory_id=territory)["note_read_rate"]
            if want is None:
                assert got is None, (as_of, territory)
            else:
                assert_value(got, want)
