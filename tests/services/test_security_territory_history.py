"""Issue 13 item 3: a moved rep's history stays with the territory it happened in.

An admin moves a rep from Seoul to Busan: Busan's manager must not see his Seoul activities and
feedback, and Seoul's manager keeps them. Records carry their own territory (set on write, by
migration 0004's backfill, and by the bundle import)."""
from __future__ import annotations


import pytest
import sqlalchemy as sa
from sqlmodel import Session, select

from models.db import write_session
from models.enums import Role
from models.tables import Activity, Feedback, Territory
from queries.field_activity import my_feedback, recent_activity
from queries.marketing import feedback_inbox
from queries.scope import Viewer, load_viewer
from services import admin
from services.activities import log_activity
from services.feedback import send_feedback
from tests.factories import Builder, utc

NOW = utc(2026, 3, 10, 9)


@pytest.fixture
def world(engine):
    with Builder(engine) as b:
        sel, bsn = b.territory("SEL", "Seoul"), b.territory("BSN", "Busan")
        boss = b.user("boss", Role.admin)
        b.user("sel.mgr", Role.manager, sel)
        b.user("bsn.mgr", Role.manager, bsn)
        rep = b.user("mover", Role.rep, sel)
        b.user("mkt", Role.marketer)
        campaign = b.campaign("C1", territories=(sel, bsn))
        acct = b.account("Seoul Steel", sel)
        b.activity(rep, occurred_at=utc(2026, 3, 1, 10), account=acct, notes="seoul visit (built)")
        b.feedback(rep, created_at=utc(2026, 3, 1, 11), campaign=campaign, body="seoul question (built)")
    with write_session(engine) as s:
        mover = load_viewer("mover", session=s)
        log_activity(mover, session=s, kind="visit", account_id=acct.id, occurred_at=utc(2026, 3, 2, 10),
                     notes="seoul visit (app)", now=NOW)
        send_feedback(mover, session=s, kind="question", body="seoul question (app)", campaign_id=campaign.id,
                      now=utc(2026, 3, 2, 11))
    return {"admin": Viewer.of(boss), "campaign": campaign.id}


def _move(engine, world, code):
    with write_session(engine) as s:
        admin.update_user(world["admin"], "mover", session=s, display_name="Mover", email=None, role="rep",
                          territory_code=code, manager_username=None)


def _seen(engine, username):
    with Session(engine) as s:
        viewer = load_viewer(username, session=s)
        acts = {r.notes for r in recent_activity(viewer, session=s, limit=50).rows}
        fbs = {r.body for r in my_feedback(viewer, session=s, limit=50).rows}
    return acts, fbs


SEOUL_ACTS = {"seoul visit (built)", "seoul visit (app)"}
SEOUL_FBS = {"seoul question (built)", "seoul question (app)"}


def test_a_moved_reps_history_stays_with_seoul(engine, world):
    assert _seen(engine, "sel.mgr") == (SEOUL_ACTS, SEOUL_FBS)
    assert _seen(engine, "bsn.mgr") == (set(), set())
    _move(engine, world, "BSN")
    assert _seen(engine, "sel.mgr") == (SEOUL_ACTS, SEOUL_FBS)       # Seoul keeps them
    assert _seen(engine, "bsn.mgr") == (set(), set())                # Busan does not get them
    assert _seen(engine, "mover") == (set(), set())                  # nor does he, from Busan
    with Session(engine) as s:
        inbox = feedback_inbox(load_viewer("mkt", session=s),
                               session=s, limit=50)
        assert {r.territory for r in inbox.rows} == {"Seoul"}
    # What he writes in Busan is Busan's.
    with write_session(engine) as s:
        mover = load_viewer("mover", session=s)
        send_feedback(mover, session=s, kind="question", body="busan question", campaign_id=world["campaign"],
                      now=utc(2026, 3, 5, 11))
    assert _seen(engine, "bsn.mgr")[1] == {"busan question"}
    assert _seen(engine, "sel.mgr")[1] == SEOUL_FBS


def _territory_of(engine, model, text_column, value):
    with Session(engine) as s:
        return s.exec(select(Territory.code).join(model, model.territory_id == Territory.id)
                      .where(text_column == value)).one()


def test_bundle_import_gives_activities_and_feedback_their_territory(engine, world):
    from services.bundle.export import export_bundle_zip
    bundle = export_bundle_zip(engine=engine)
    with engine.begin() as conn:
        conn.execute(sa.update(Activity.__table__).values(territory_id=None))
        conn.execute(sa.update(Feedback.__table__).values(territory_id=None))
        conn.execute(sa.delete(Activity.__table__).where(Activity.__table__.c.notes == "seoul visit (app)"))
    # the deleted activity comes back from the bundle with its territory; rows already there keep theirs
    admin.import_bundle_upload(world["admin"], bundle, filename="b.zip", engine=engine)
    assert _territory_of(engine, Activity, Activity.notes, "seoul visit (app)") == "SEL"
    with Session(engine) as s:
        missing = s.exec(select(sa.func.count()).select_from(Activity).where(Activity.territory_id.is_(None))).one()
        assert missing == 0
    _move(engine, world, "BSN")
    assert _seen(engine, "bsn.mgr") == (set(), set())
    assert _seen(engine, "sel.mgr") == (SEOUL_ACTS, SEOUL_FBS)


def test_migration_0004_backfills_the_territory(db_url, tmp_path):
    """Upgrade a database at 0003 holding activities and feedback: each gets its territory."""
    from alembic import command
    from models.db import get_engine
    from models.migrate import alembic_config
    engine = get_engine(db_url)
    cfg = alembic_config()
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.downgrade(cfg, "0003")
        conn.commit()
    with engine.begin() as conn:
        conn.exec_driver_sql("INSERT INTO territory (code, name) VALUES ('SEL', 'Seoul'), ('BSN', 'Busan')")
        sel, bsn = [conn.exec_driver_sql(f"SELECT id FROM territory WHERE code = '{c}'").scalar() for c in ("SEL", "BSN")]
        conn.execute(sa.text("INSERT INTO app_user (username, display_name, role, territory_id, active, "
                             "must_change_password, notify) VALUES ('r', 'R', 'rep', :t, TRUE, FALSE, 'inbox')"),
                     {"t": bsn})
        uid = conn.exec_driver_sql("SELECT id FROM app_user WHERE username = 'r'").scalar()
        conn.execute(sa.text("INSERT INTO account (name, territory_id) VALUES ('Seoul Steel', :t)"), {"t": sel})
        aid = conn.exec_driver_sql("SELECT id FROM account").scalar()
        conn.execute(sa.text("INSERT INTO activity (user_id, kind, occurred_at, account_id, notes) VALUES "
                             "(:u, 'visit', '2026-03-01 10:00:00', :a, 'linked'), "
                             "(:u, 'call', '2026-03-01 11:00:00', NULL, 'unlinked')"), {"u": uid, "a": aid})
        conn.execute(sa.text("INSERT INTO feedback (user_id, kind, body, created_at) VALUES "
                             "(:u, 'question', 'fb', '2026-03-01 10:00:00')"), {"u": uid})
    with engine.connect() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
        conn.commit()
    with engine.connect() as conn:
        rows = dict(conn.exec_driver_sql("SELECT a.notes, t.code FROM activity a JOIN territory t "
                                         "ON t.id = a.territory_id").all())
        assert rows == {"linked": "SEL", "unlinked": "BSN"}
        assert conn.exec_driver_sql("SELECT t.code FROM feedback f JOIN territory t ON t.id = f.territory_id"
                                    ).scalar() == "BSN"
