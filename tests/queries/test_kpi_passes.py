"""The KPI set's shared passes and the stored first-touch delay (issue 18), on both databases:
the delay is exact to the microsecond and follows its columns; the KPIs that share a table are
answered by one pass over it, so the whole set costs a fixed, small number of statements."""
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import event, select, update
from sqlmodel import Session

from models.tables import Lead
from queries.kpis import KPIS, KpiFilter, all_kpis, resolve
from queries.scope import Viewer
from tests.factories import Builder, LeadStatus, Role, utc
from tests.kpi_scenario import build, kpis

SEOUL = timezone(timedelta(hours=9))
EXECUTIVE = Viewer(id=0, username="exec", display_name="Exec", role=Role.executive, territory_id=None)


def _delay(engine, lead_id):
    with Session(engine) as s:
        return s.execute(select(Lead.touch_delay_us).where(Lead.id == lead_id)).scalar_one()


def test_the_stored_delay_is_exact_to_the_microsecond_and_follows_its_columns(engine):
    assigned = datetime(2026, 3, 10, 23, 59, 59, 999_999, tzinfo=timezone.utc)
    with Builder(engine) as b:
        t, c = b.territory(), b.campaign()
        touched = b.lead(c, territory=t, created_at=assigned, assigned_at=assigned,
                         first_touch_at=assigned + timedelta(days=2, seconds=1, microseconds=2),
                         status=LeadStatus.working)
        whole = b.lead(c, territory=t, created_at=utc(2026, 3, 1), assigned_at=utc(2026, 3, 1),
                       first_touch_at=utc(2026, 3, 1, 9), status=LeadStatus.working)
        untouched = b.lead(c, territory=t, created_at=assigned, assigned_at=assigned)
    assert _delay(engine, touched.id) == (2 * 86400 + 1) * 1_000_000 + 2
    assert _delay(engine, whole.id) == 9 * 3600 * 1_000_000
    assert _delay(engine, untouched.id) is None
    with Session(engine) as s:   # no writer keeps the column: the database does
        s.execute(update(Lead).where(Lead.id == untouched.id)
                  .values(first_touch_at=assigned + timedelta(microseconds=1), status=LeadStatus.working))
        s.commit()
    assert _delay(engine, untouched.id) == 1


def test_the_median_over_microsecond_delays(engine):
    base = utc(2026, 3, 10)
    with Builder(engine) as b:
        t, c = b.territory(), b.campaign()
        for us in (1, 3_600_000_001, 7_200_000_000):
            b.lead(c, territory=t, created_at=base, assigned_at=base, status=LeadStatus.working,
                   first_touch_at=base + timedelta(microseconds=us))
    got = kpis(engine, start=date(2026, 3, 1), end=date(2026, 3, 31),
               as_of=datetime(2026, 6, 1, tzinfo=SEOUL))["median_first_touch_hours"]
    assert got == float((3_600_000_001 / 1_000_000) / 3600) and got != 1.0


def _statements(engine, work) -> int:
    seen = []

    def count(*_args):
        seen.append(1)
    event.listen(engine, "before_cursor_execute", count)
    try:
        work()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(seen)


def test_the_kpi_set_shares_one_pass_per_table(engine):
    build(engine)
    f = KpiFilter(date(2025, 1, 1), date(2025, 12, 31), datetime(2026, 1, 1, tzinfo=SEOUL))
    with Session(engine) as s:
        resolve(EXECUTIVE, f, session=s)   # the settings read, outside the count
        whole_set = _statements(engine, lambda: all_kpis(EXECUTIVE, f, session=s))
        one_by_one = 0
        for kpi in KPIS.values():   # each KPI alone, on a fresh measurement: nothing to share
            fresh = resolve(EXECUTIVE, f, session=s)
            one_by_one += _statements(engine, lambda k=kpi, q=fresh: k.compute(q, session=s))
    # 33 KPIs: deals closed, deals open, targets, hand-overs (+ the median), leads created, ...
    # The note read rate takes up to 8 of them: its denominator, whether any receipt is after
    # as_of (this scenario has some), and its receipts counted in three disjoint parts, for all
    # receipts and again for the later ones (each receipt is read once per part it belongs to).
    assert whole_set <= 26, whole_set
    assert one_by_one >= whole_set + 15, (one_by_one, whole_set)

