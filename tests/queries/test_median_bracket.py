"""The exact median first touch without sorting the period (queries.kpis.handoff, issue 18).

On SQLite a sample collected by the assigned pass brackets the middle ranks, one more pass counts
the delays below the bracket and collects those inside it, and the median is read off that list;
when the bracket misses, the full sort answers. PostgreSQL sorts. Whatever the path, the value
must be the ordinary median of the period's touched hand-overs, to the bit: odd and even counts,
ties across the middle, one huge outlier, hand-overs outside the period or untouched, a sample
that misses. The sample is made dense here (one lead in 3) so a few hundred leads exercise it.
"""
import random
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from queries.kpis import handoff
from tests.factories import Builder, LeadStatus, utc
from tests.kpi_scenario import kpis

SEOUL = timezone(timedelta(hours=9))
MARCH = {"start": date(2026, 3, 1), "end": date(2026, 3, 31), "as_of": datetime(2026, 6, 1, tzinfo=SEOUL)}
HOUR_US = 3_600_000_000


@pytest.fixture
def sorts(monkeypatch):
    """A dense sample, and a record of every time the full sort had to answer."""
    monkeypatch.setattr(handoff, "SAMPLE_EVERY", 3)
    monkeypatch.setattr(handoff, "SAMPLE_MIN", 10)
    calls = []
    full_sort = handoff._middle_delays_by_sorting

    def recorded(p, n, *, session):
        calls.append(n)
        return full_sort(p, n, session=session)
    monkeypatch.setattr(handoff, "_middle_delays_by_sorting", recorded)
    return calls


def _build(engine, delays_us, *, outside=(), untouched=0):
    """Touched hand-overs of March with these delays; others outside March or never touched."""
    with Builder(engine) as b:
        t, c = b.territory(), b.campaign()
        for i, us in enumerate(delays_us):
            assigned = utc(2026, 3, 2) + timedelta(minutes=7 * i)
            b.lead(c, territory=t, created_at=assigned, assigned_at=assigned, status=LeadStatus.working,
                   first_touch_at=assigned + timedelta(microseconds=us))
        for us in outside:                      # April: not in the period, whatever their delay
            assigned = utc(2026, 4, 2)
            b.lead(c, territory=t, created_at=assigned, assigned_at=assigned, status=LeadStatus.working,
                   first_touch_at=assigned + timedelta(microseconds=us))
        for _ in range(untouched):
            b.lead(c, territory=t, created_at=utc(2026, 3, 3), assigned_at=utc(2026, 3, 3))


def _ordinary_median_hours(delays_us) -> float:
    ordered = sorted(delays_us)
    n = len(ordered)
    middle = ordered[(n - 1) // 2: n // 2 + 1]
    return float(sum(Decimal(us) / 1_000_000 for us in middle) / len(middle) / 3600)


@pytest.mark.parametrize("n", [301, 300])
def test_the_median_is_the_ordinary_one_for_odd_and_even_counts(engine, sorts, n):
    rng = random.Random(n)
    delays = [rng.randrange(1, 72 * HOUR_US) for _ in range(n)]
    _build(engine, delays, outside=[1, 10**12], untouched=5)
    assert kpis(engine, **MARCH)["median_first_touch_hours"] == _ordinary_median_hours(delays)
    assert sorts == ([] if engine.dialect.name == "sqlite" else [n])    # SQLite: the bracket; PostgreSQL: the sort


def test_ties_across_the_middle_and_an_outlier(engine, sorts):
    delays = [2 * HOUR_US] * 150 + [HOUR_US + k for k in range(60)] + [3 * HOUR_US + k for k in range(89)] + [10**13]
    random.Random(1).shuffle(delays)
    _build(engine, delays)
    assert kpis(engine, **MARCH)["median_first_touch_hours"] == _ordinary_median_hours(delays) == 2.0
    assert (engine.dialect.name == "sqlite") == (not sorts)


def test_the_two_middle_values_straddle_the_bracket_edges(engine, sorts):
    # Whole seconds, the lower half all tiny and the upper half all huge: the two middle values are
    # far apart and the bracket must hold both.
    delays = [k * 1_000_000 for k in range(1, 101)] + [10**12 + k * 1_000_000 for k in range(100)]
    random.Random(2).shuffle(delays)
    _build(engine, delays)
    assert kpis(engine, **MARCH)["median_first_touch_hours"] == _ordinary_median_hours(delays)
    assert (engine.dialect.name == "sqlite") == (not sorts)


def test_a_bracket_that_misses_the_middle_falls_back_to_the_full_sort(engine, sorts, monkeypatch):
    rng = random.Random(3)
    delays = [rng.randrange(1, 72 * HOUR_US) for _ in range(120)]
    _build(engine, delays)
    monkeypatch.setattr(handoff, "bracket", lambda sample, n, ranks: (sample[0], sample[1]))   # the bottom only
    assert kpis(engine, **MARCH)["median_first_touch_hours"] == _ordinary_median_hours(delays)
    assert sorts == [120]


def test_too_small_a_sample_sorts(engine, sorts, monkeypatch):
    monkeypatch.setattr(handoff, "SAMPLE_MIN", 1000)
    delays = [5, 1, 4, 2, 3]
    _build(engine, delays)
    assert kpis(engine, **MARCH)["median_first_touch_hours"] == _ordinary_median_hours(delays)
    assert sorts == [5]


def test_the_bracket_is_unbounded_where_the_margin_runs_past_the_sample():
    sample = list(range(10))
    assert handoff.bracket(sample, 30, (14, 15)) == (None, None)          # margin 11 > the sample
    big = list(range(0, 100_000, 10))                                      # 10,000 sampled values
    low, high = handoff.bracket(big, 370_000, (184_999, 185_000))
    assert low is not None and high is not None and low < 50_000 < high
    assert high - low < 10_000                                             # ~6% of the sample, not all of it
