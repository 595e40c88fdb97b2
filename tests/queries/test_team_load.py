"""The manager's Team table (queries.team.team_load): the territory's reps and anyone else who
still holds its open work, with open, overdue and deal counts — in a fixed number of statements
however many people the company has (a per-user count took minutes at 5,000 users)."""
from datetime import datetime, timedelta, timezone

from sqlalchemy import event
from sqlmodel import Session

from queries.scope import Viewer
from queries.team import team_load
from tests.factories import Builder, LeadStatus, Role, Stage, utc

NOW = datetime(2026, 3, 20, tzinfo=timezone.utc)


def _viewer(user) -> Viewer:
    return Viewer(id=user.id, username=user.username, display_name=user.display_name, role=Role.manager,
                  territory_id=user.territory_id)


def test_counts_per_person_and_the_people_outside_who_hold_work(engine):
    with Builder(engine) as b:
        sel, bsn = b.territory("SEL"), b.territory("BSN")
        manager = b.user("mgr", role=Role.manager, territory=sel)
        here = b.user("rep.here", territory=sel, display_name="A here")
        idle = b.user("rep.idle", territory=sel, display_name="B idle")
        moved = b.user("rep.moved", territory=bsn, display_name="C moved")
        b.user("rep.elsewhere", territory=bsn, display_name="D elsewhere")
        c = b.campaign()
        old = NOW - timedelta(days=3)
        b.lead(c, territory=sel, assigned_to=here, created_at=old, assigned_at=old)            # overdue
        b.lead(c, territory=sel, assigned_to=here, created_at=old, assigned_at=old,
               first_touch_at=old + timedelta(hours=1), status=LeadStatus.working)           # touched
        b.lead(c, territory=sel, assigned_to=here, created_at=NOW, assigned_at=NOW)            # not yet due
        b.lead(c, territory=sel, assigned_to=here, created_at=old, status=LeadStatus.converted)  # closed
        b.lead(c, territory=bsn, assigned_to=here, created_at=old, assigned_at=old)            # other territory
        b.lead(c, territory=sel, assigned_to=moved, created_at=old, assigned_at=old)           # held from outside
        b.opportunity(sel, owner=here)
        b.opportunity(sel, owner=moved)
        b.opportunity(sel, owner=here, stage=Stage.won, closed_on=utc(2026, 3, 1).date())       # closed
        b.opportunity(bsn, owner=idle)                                                          # other territory
    with Session(engine) as s:
        s.connection()   # connecting may run set-up statements of its own (SQLite's PRAGMAs)
        statements = []
        listener = lambda *a: statements.append(1)   # noqa: E731
        event.listen(engine, "before_cursor_execute", listener)
        try:
            team = team_load(_viewer(manager), session=s, now=NOW)
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    got = [(m.username, m.in_territory, m.open_leads, m.overdue_leads, m.open_deals) for m in team]
    assert got == [("rep.here", True, 3, 1, 1), ("rep.idle", True, 0, 0, 0), ("rep.moved", False, 1, 1, 1)]
    assert len(statements) == 3
