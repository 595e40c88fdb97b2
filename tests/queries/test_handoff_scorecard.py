"""The handoff scorecard (black hole and dashboard): per territory and month, in the reader's
language — the territory's name, not only its code — with the counts of KPIS.md's handoff rules."""
from datetime import date, datetime, timedelta, timezone

from sqlmodel import Session

from i18n import use_language
from queries.handoff_answers import scorecard
from queries.scope import Viewer
from tests.factories import Builder, LeadStatus, Role, utc

SEOUL = timezone(timedelta(hours=9))


def test_the_scorecard_names_each_territory_in_the_readers_language(engine):
    with Builder(engine) as b:
        seoul = b.territory("SEL", "Seoul 서울")
        busan = b.territory("PUS", "Busan 부산")
        rep = b.user(role=Role.rep, territory=seoul)
        c = b.campaign()
        b.target(seoul, date(2026, 3, 1), lead_commitment=5)
        b.lead(c, territory=seoul, assigned_to=rep, created_at=utc(2026, 3, 2), assigned_at=utc(2026, 3, 2),
               first_touch_at=utc(2026, 3, 2, 3), status=LeadStatus.working)
        b.lead(c, territory=seoul, assigned_to=rep, created_at=utc(2026, 3, 3), assigned_at=utc(2026, 3, 3))
        del busan
    admin = Viewer(id=0, username="admin", display_name="Admin", role=Role.admin, territory_id=None)
    now = datetime(2026, 4, 15, tzinfo=SEOUL)
    with Session(engine) as s:
        with use_language("en"):
            english = scorecard(admin, session=s, start=date(2026, 3, 1), months=1, now=now)
        with use_language("ko"):
            korean = scorecard(admin, session=s, start=date(2026, 3, 1), months=1, now=now)
    assert list(english["territory"]) == ["Busan", "Seoul"] and list(english["code"]) == ["PUS", "SEL"]
    assert list(korean["territory"]) == ["부산", "서울"]
    seoul_row = english[english["code"] == "SEL"].iloc[0]
    assert (seoul_row["promised"], seoul_row["handed_over"], seoul_row["within_sla"], seoul_row["overdue"]) == \
        (5, 2, 1, 1)


def test_the_scorecard_reads_grouped_passes_and_equals_each_territorys_own_kpis(engine):
    """Issue 18: per month, one grouped statement per pass (not five per territory and month: at
    100 territories × 3 months that was ~1,500 statements and most of a cold dashboard paint).
    Every row equals the KPI functions on that territory's own filter for that month, and the
    statement count does not grow with the territories."""
    from queries.kpis import KpiFilter, handoff, resolve
    from tests.kpi_scenario import AS_OF, build
    from tests.queries.test_kpi_passes import _statements

    ids = build(engine)
    with Builder(engine) as b:
        for code in ("ZZA", "ZZB"):
            b.territory(code=code)
    admin = Viewer(id=0, username="admin", display_name="Admin", role=Role.admin, territory_id=None)
    manager = Viewer(id=1, username="m", display_name="M", role=Role.manager, territory_id=ids["SEL"])
    months = [date(2026, 2, 1), date(2026, 3, 1), date(2026, 4, 1)]
    ends = [date(2026, 2, 28), date(2026, 3, 31), date(2026, 4, 30)]
    with Session(engine) as s:
        got = scorecard(admin, session=s, start=months[0], months=3, now=AS_OF)
        assert got[["handed_over", "accepted", "rejected"]].to_numpy().sum() > 0    # the scenario has answers
        for row in got.itertuples():
            i = [f"{m:%Y-%m}" for m in months].index(row.month)
            tid = s.execute(__import__("sqlalchemy").text("SELECT id FROM territory WHERE code = :c"),
                            {"c": row.code}).scalar_one()
            p = resolve(admin, KpiFilter(months[i], ends[i], AS_OF, territory_id=tid), session=s)
            want = (handoff.lead_commitment(p, session=s), handoff.leads_assigned(p, session=s),
                    handoff.leads_accepted(p, session=s), handoff.leads_rejected(p, session=s),
                    handoff.leads_on_time(p, session=s), handoff.untouched_leads(p, session=s))
            assert (row.promised, row.handed_over, row.accepted, row.rejected, row.within_sla, row.overdue) == want, row
        assert len(got) == 3 * 5
        mine = scorecard(manager, session=s, start=months[0], months=3, now=AS_OF)
        assert set(mine["code"]) == {"SEL"}
        assert mine.reset_index(drop=True).equals(got[got["code"] == "SEL"].reset_index(drop=True))
        statements = _statements(engine, lambda: scorecard(admin, session=s, start=months[0], months=3, now=AS_OF))
    assert statements <= 1 + 3 * 6, statements      # territories, then per month: settings + 4 grouped passes


def test_rejection_reasons_keep_the_campaigns_with_most_rejections_ties_by_code(engine):
    from queries import handoff_answers

    with Builder(engine) as b:
        t = b.territory()
        rep = b.user(role=Role.rep, territory=t)
        counts = {"C-C": {"other": 3}, "C-B": {"not_a_fit": 2, "duplicate": 1}, "C-A": {"bad_contact": 3},
                  "C-D": {"other": 1}, "C-E": {}}
        for code, by_reason in counts.items():
            c = b.campaign(code)
            for reason, n in by_reason.items():
                for i in range(n):
                    lead = b.lead(c, territory=t, created_at=utc(2026, 3, 1))
                    b.rejection(lead, rep, rejected_at=utc(2026, 3, 2, i), reason=reason)
    marketer = Viewer(id=0, username="m", display_name="M", role=Role.marketer, territory_id=None)
    with Session(engine) as s:
        frame = handoff_answers.rejection_reasons_by_campaign(marketer, session=s, limit=2)
        assert handoff_answers.rejection_reasons_by_campaign(marketer, session=s, start=utc(2027, 1, 1)).empty
    # C-A, C-B and C-C have 3 each: the tie at the cut keeps the first two codes; by code and reason.
    assert [tuple(r) for r in frame[["campaign", "reason", "rejections"]].itertuples(index=False)] == [
        ("C-A", "bad_contact", 3), ("C-B", "duplicate", 1), ("C-B", "not_a_fit", 2)]
