"""The schema holds its rules on both databases: natural keys, enums, money, UTC timestamps."""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy.exc import IntegrityError, StatementError
from sqlmodel import Session, func, select

from models.tables import Opportunity
from tests.factories import Builder, Role, Stage, utc


def test_money_sums_exactly_to_the_cent(engine):
    with Builder(engine) as b:
        t = b.territory("SEL")
        for _ in range(10):
            b.opportunity(t, amount="0.10", stage=Stage.won)
    with Session(engine) as s:
        total = s.exec(select(func.sum(Opportunity.amount))).one()
    # 10 × 0.10 is exactly 1.00 (a float sum would give 0.9999999999999999)
    assert total == Decimal("1.00")


def test_timestamps_come_back_as_the_same_utc_instant(engine):
    seoul = timezone(timedelta(hours=9))
    with Builder(engine) as b:
        t = b.territory()
        c = b.campaign()
        lead = b.lead(c, created_at=datetime(2026, 4, 1, 1, 30, tzinfo=seoul), territory=t)
        lead_id = lead.id
    with Session(engine) as s:
        from models.tables import Lead
        got = s.get(Lead, lead_id).created_at
    assert got == utc(2026, 3, 31, 16, 30) and got.tzinfo is not None


def test_territory_code_is_unique(engine):
    with pytest.raises(IntegrityError):
        with Builder(engine) as b:
            b.territory("DUP")
            b.territory("DUP")


def test_rep_without_territory_is_refused(engine):
    with pytest.raises(IntegrityError):
        with Builder(engine) as b:
            b.user("lonely", role=Role.rep, territory=None)


def test_unknown_stage_is_refused(engine):
    with pytest.raises((StatementError, IntegrityError, LookupError)):
        with Builder(engine) as b:
            t = b.territory()
            b.session.add(Opportunity(code="X", name="X", territory_id=t.id, stage="maybe"))
            b.session.flush()


def test_foreign_keys_are_enforced(engine):
    with pytest.raises(IntegrityError):
        with Builder(engine) as b:
            b.session.add(Opportunity(code="X", name="X", territory_id=9999, stage=Stage.won))
            b.session.flush()


def test_campaign_end_before_start_is_refused(engine):
    with pytest.raises(IntegrityError):
        with Builder(engine) as b:
            b.campaign(start=date(2026, 5, 2), end=date(2026, 5, 1))
