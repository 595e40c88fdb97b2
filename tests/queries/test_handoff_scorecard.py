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
