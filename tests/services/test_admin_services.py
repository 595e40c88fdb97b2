"""Admin services on SQLite and PostgreSQL: users, handover, territories, settings, targets."""
from datetime import date
from decimal import Decimal

import pytest
from sqlmodel import Session, select

from models.db import read_session, write_session
from models.enums import LeadStatus, Role, Stage
from models.errors import ValidationFailed
from models.tables import AuditLog, CampaignTerritory, Lead, MonthlyTarget, Opportunity, Setting, Territory, User
from queries import admin as admin_queries
from queries.scope import AccessDenied, Viewer
from services import admin
from services.auth import check_password, sign_in
from tests.factories import Builder, utc


@pytest.fixture
def world(engine):
    with Builder(engine) as b:
        sel, bsn = b.territory("SEL", "Seoul"), b.territory("BSN", "Busan")
        boss = b.user("boss", Role.admin)
        mgr = b.user("mgr", Role.manager, sel)
        r1, r2 = b.user("r1", Role.rep, sel, manager=mgr), b.user("r2", Role.rep, sel, manager=mgr)
        b.user("far", Role.rep, bsn)
        c = b.campaign("C1", territories=[sel, bsn])
        open_lead = b.lead(c, created_at=utc(2026, 1, 1), territory=sel, assigned_to=r1, assigned_at=utc(2026, 1, 1, 1))
        done_lead = b.lead(c, created_at=utc(2026, 1, 1), territory=sel, assigned_to=r1, assigned_at=utc(2026, 1, 1, 1),
                           status=LeadStatus.converted, first_touch_at=utc(2026, 1, 1, 2))
        open_deal = b.opportunity(sel, owner=r1, stage=Stage.proposal, amount="100.00")
        won_deal = b.opportunity(sel, owner=r1, stage=Stage.won, amount="50.00", closed_on=date(2026, 1, 5))
        b.target(sel, date(2026, 1, 1), revenue_target="100.00", forecast="90.00")
        b.target(bsn, date(2026, 1, 1), revenue_target="10.00", forecast=None)
        b.target(bsn, date(2026, 2, 1), revenue_target="20.00", forecast="5.00")
    return {"admin": Viewer.of(boss), "mgr": Viewer.of(mgr), "ids": {
        "open_lead": open_lead.id, "done_lead": done_lead.id, "open_deal": open_deal.id, "won_deal": won_deal.id,
        "r2": r2.id, "r1": r1.id}}


def test_only_admins_may_administer(engine, world):
    with write_session(engine) as s:
        for call in (lambda: admin.create_territory(world["mgr"], "X", "X", session=s),
                     lambda: admin.reset_password(world["mgr"], "r1", session=s),
                     lambda: admin.disable_user(world["mgr"], "r1", session=s, handover_to="r2"),
                     lambda: admin.update_setting(world["mgr"], "sla_hours", "12", session=s)):
            with pytest.raises(AccessDenied):
                call()
    with read_session(engine) as s:
        with pytest.raises(AccessDenied):
            admin_queries.list_users(world["mgr"], session=s)
        with pytest.raises(AccessDenied):
            admin_queries.audit_entries(world["mgr"], admin_queries.AuditFilter(), session=s)


def test_disabling_a_rep_hands_open_leads_and_deals_to_another_rep(engine, world):
    with write_session(engine) as s:
        moved = admin.disable_user(world["admin"], "r1", session=s, handover_to="r2")
    assert (moved.leads, moved.opportunities) == (1, 1)  # the converted lead and the won deal stay with r1
    ids = world["ids"]
    with Session(engine) as s:
        assert s.get(Lead, ids["open_lead"]).assigned_to_id == ids["r2"]
        assert s.get(Lead, ids["done_lead"]).assigned_to_id == ids["r1"]
        assert s.get(Opportunity, ids["open_deal"]).owner_id == ids["r2"]
        assert s.get(Opportunity, ids["won_deal"]).owner_id == ids["r1"]
        r1 = s.exec(select(User).where(User.username == "r1")).one()
        assert not r1.active and r1.session_epoch is not None
        assert {a.action for a in s.exec(select(AuditLog).where(AuditLog.entity_key == "r1"))} >= {"handover", "disable"}


def test_disabling_with_open_work_requires_a_rep_of_the_same_territory(engine, world):
    for handover in (None, "far", "mgr"):
        with pytest.raises(ValidationFailed):
            with write_session(engine) as s:
                admin.disable_user(world["admin"], "r1", session=s, handover_to=handover)
    with Session(engine) as s:
        assert s.exec(select(User.active).where(User.username == "r1")).one() is True


def test_reset_password_gives_a_one_time_password_that_must_be_changed(engine, world):
    with write_session(engine) as s:
        one_time = admin.reset_password(world["admin"], "r2", session=s)
    assert len(one_time) >= 12
    with write_session(engine) as s:
        result = sign_in("r2", one_time, session=s)
    assert result.ok and result.must_change_password
    with Session(engine) as s:
        user = s.exec(select(User).where(User.username == "r2")).one()
        assert check_password(one_time, user.password_hash) and one_time not in (user.password_hash or "")
        details = " ".join(a.detail or "" for a in s.exec(select(AuditLog)))
        assert one_time not in details


def test_role_change_ends_sessions_and_is_audited_with_before_after(engine, world):
    with write_session(engine) as s:
        admin.update_user(world["admin"], "r2", session=s, display_name="R Two", email=None, role="manager",
                          territory_code="SEL", manager_username=None)
    with Session(engine) as s:
        user = s.exec(select(User).where(User.username == "r2")).one()
        assert user.role == Role.manager and user.session_epoch is not None
        entry = s.exec(select(AuditLog).where(AuditLog.entity_key == "r2", AuditLog.action == "update")).one()
        assert '"role": {"after": "manager", "before": "rep"}' in entry.detail


def test_merge_moves_every_record_and_adds_same_month_targets(engine, world):
    with write_session(engine) as s:
        admin.merge_territories(world["admin"], "BSN", "SEL", session=s)
    with Session(engine) as s:
        assert s.exec(select(Territory.code)).all() == ["SEL"]
        sel_id = s.exec(select(Territory.id)).one()
        assert s.exec(select(User.territory_id).where(User.username == "far")).one() == sel_id
        targets = {t.month: (t.revenue_target, t.forecast) for t in s.exec(select(MonthlyTarget))}
        # January: 100.00 + 10.00 target, 90.00 + (none) forecast; February moves as it is.
        assert targets == {date(2026, 1, 1): (Decimal("110.00"), Decimal("90.00")),
                           date(2026, 2, 1): (Decimal("20.00"), Decimal("5.00"))}
        assert s.exec(select(CampaignTerritory.territory_id)).all() == [sel_id]


def test_settings_are_validated(engine, world):
    for key, value in (("sla_hours", "-1"), ("time_zone", "Mars/Base"), ("currency", "won"), ("colour", "x")):
        with pytest.raises(ValidationFailed):
            with write_session(engine) as s:
                admin.update_setting(world["admin"], key, value, session=s)
    with write_session(engine) as s:
        admin.update_setting(world["admin"], "sla_hours", "8", session=s)
    with Session(engine) as s:
        assert s.get(Setting, "sla_hours").value == "8"


def test_targets_grid_validates_every_row_before_writing(engine, world):
    rows = [admin.TargetRow("SEL", "2026-03", "1000.50", "900"),
            admin.TargetRow("NOPE", "2026-03", "1", None),
            admin.TargetRow("SEL", "2026-13", "1", None),
            admin.TargetRow("BSN", "2026-03", "-5", None),
            admin.TargetRow("BSN", "2026-04", "1.234", None)]
    with pytest.raises(ValidationFailed) as err:
        with write_session(engine) as s:
            admin.save_targets(world["admin"], rows, session=s)
    assert [p.split(":")[0] for p in err.value.problems] == ["row 2", "row 3", "row 4", "row 5"]
    with Session(engine) as s:
        assert s.exec(select(MonthlyTarget).where(MonthlyTarget.month == date(2026, 3, 1))).first() is None
    with write_session(engine) as s:
        assert admin.save_targets(world["admin"], rows[:1], session=s) == 1
    with Session(engine) as s:
        row = s.exec(select(MonthlyTarget).where(MonthlyTarget.month == date(2026, 3, 1))).one()
        assert (row.revenue_target, row.forecast) == (Decimal("1000.50"), Decimal("900.00"))


def test_audit_log_filters_and_pages_in_the_database(engine, world):
    with write_session(engine) as s:
        admin.update_setting(world["admin"], "sla_hours", "8", session=s)
        admin.create_territory(world["admin"], "DGU", "Daegu", session=s)
    with read_session(engine) as s:
        rows, total = admin_queries.audit_entries(world["admin"], admin_queries.AuditFilter(entity="territory"),
                                                  session=s)
        assert total == 1 and rows[0].entity_key == "DGU"
        everything = list(admin_queries.iter_audit_entries(world["admin"], admin_queries.AuditFilter(), session=s,
                                                           batch=1))
        assert [r.id for r in everything] == sorted((r.id for r in everything), reverse=True)
