"""The Maven Analytics CRM sample (datasets/maven-crm) through ``manage.py import-maven``:
row counts, the warnings about its known defects, and sums computed here by hand from the CSVs."""
from __future__ import annotations

import csv
from collections import Counter
from decimal import Decimal

import pytest
from sqlalchemy import func, select, text, update
from sqlmodel import Session

import manage
from models.config import PROJECT_ROOT
from models.db import get_engine
from models.tables import Account, Opportunity, Territory, User
from services.maven_import import MavenDataInvalid, import_maven

MAVEN = PROJECT_ROOT / "datasets" / "maven-crm"


def maven(name: str) -> list[dict]:
    with open(MAVEN / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture
def imported(db_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert manage.main(["import-maven", str(MAVEN)]) == 0
    return get_engine(db_url), capsys.readouterr().out


def scalar(engine, sql: str, **params):
    with Session(engine) as session:
        return session.execute(text(sql), params).scalar_one()


def test_every_row_arrives(imported):
    engine, _ = imported
    with Session(engine) as s:
        assert s.execute(select(func.count()).select_from(Territory)).scalar_one() == 3
        roles = dict(s.execute(select(User.role, func.count()).group_by(User.role)).all())
        assert roles == {"rep": 35, "manager": 6}            # 35 agents, 6 distinct managers
        assert s.execute(select(func.count()).select_from(Account)).scalar_one() == 85
        assert s.execute(select(func.count()).select_from(Opportunity)).scalar_one() == 8800
        # 1,425 open deals have no account: kept, without one
        assert s.execute(select(func.count()).where(Opportunity.account_id.is_(None))).scalar_one() == 1425
        # company-wide accounts: no territory
        assert s.execute(select(func.count()).where(Account.territory_id.is_not(None))).scalar_one() == 0


def test_summary_lists_rows_and_every_warning_with_its_count(imported):
    _, out = imported
    assert "sales_teams.csv: 35 rows read, imported as 3 territories, 35 reps, 6 managers" in out
    assert "accounts.csv: 85 rows read, imported as 85 accounts" in out
    assert "sales_pipeline.csv: 8800 rows read, imported as 8800 opportunities" in out
    gtxpro = sum(1 for r in maven("sales_pipeline.csv") if r["product"] == "GTXPro")
    technolgy = sum(1 for r in maven("accounts.csv") if r["sector"] == "technolgy")
    assert gtxpro == 1480 and technolgy == 12
    assert f"product 'GTXPro' read as 'GTX Pro' of products.csv ({gtxpro} rows)" in out
    assert f"sector 'technolgy' looks like a misspelling of 'technology' (kept as given) ({technolgy} rows)" in out
    assert "no account (imported without one) (1425 rows)" in out


def test_mapping_of_people_accounts_and_deals(imported):
    engine, _ = imported
    with Session(engine) as s:
        anna = s.execute(select(User).where(User.username == "anna.snelling")).scalar_one()
        dustin = s.execute(select(User).where(User.username == "dustin.brinkmann")).scalar_one()
        central = s.execute(select(Territory).where(Territory.code == "Central")).scalar_one()
        assert (anna.role, anna.territory_id, anna.manager_id) == ("rep", central.id, dustin.id)
        assert (dustin.role, dustin.territory_id) == ("manager", central.id)
        assert anna.password_hash is None and anna.active                  # cannot sign in until set
        acme = s.execute(select(Account).where(Account.name == "Acme Corporation")).scalar_one()
        assert (acme.sector, acme.segment) == ("technolgy", "mid_market")   # 2,822 employees; sector as given
        deal = s.execute(select(Opportunity).where(Opportunity.code == "Z063OYW0")).scalar_one()
        assert (deal.product, deal.stage, deal.amount, deal.name) == ("GTX Pro", "won", Decimal("4514.00"), "Isdom — GTX Pro")
    segments = Counter("enterprise" if int(r["employees"]) >= 5000 else "mid_market" if int(r["employees"]) >= 1000
                       else "smb" for r in maven("accounts.csv"))
    with Session(engine) as s:
        assert dict(s.execute(select(Account.segment, func.count()).group_by(Account.segment)).all()) == segments


def _office_of() -> dict[str, str]:
    return {r["sales_agent"]: r["regional_office"] for r in maven("sales_teams.csv")}


def test_won_revenue_of_central_in_march_2017_matches_the_csv(imported):
    engine, _ = imported
    office = _office_of()
    expected = sum(Decimal(r["close_value"]) for r in maven("sales_pipeline.csv")
                   if r["deal_stage"] == "Won" and office[r["sales_agent"]] == "Central"
                   and r["close_date"].startswith("2017-03"))
    got = scalar(engine, "SELECT SUM(o.amount) FROM opportunity o JOIN territory t ON t.id = o.territory_id "
                         "WHERE o.stage = 'won' AND t.code = 'Central' "
                         "AND o.closed_on >= :a AND o.closed_on < :b",
                 a="2017-03-01", b="2017-04-01")
    assert expected > 0 and Decimal(got) / 100 == expected          # amounts are stored in cents


def test_open_pipeline_is_priced_at_list_price_and_win_rate_matches(imported):
    engine, _ = imported
    price = {r["product"].replace(" ", "").lower(): Decimal(r["sales_price"]) for r in maven("products.csv")}
    rows = maven("sales_pipeline.csv")
    office = _office_of()
    for territory in ("Central", "East", "West"):
        expected_open = sum(price[r["product"].replace(" ", "").lower()] for r in rows
                            if r["deal_stage"] in ("Prospecting", "Engaging") and office[r["sales_agent"]] == territory)
        got = scalar(engine, "SELECT SUM(o.amount) FROM opportunity o JOIN territory t ON t.id = o.territory_id "
                             "WHERE o.stage IN ('prospecting', 'engaging') AND t.code = :t", t=territory)
        assert Decimal(got) / 100 == expected_open, territory
    won = sum(1 for r in rows if r["deal_stage"] == "Won")
    lost = sum(1 for r in rows if r["deal_stage"] == "Lost")
    assert (won, lost) == (4238, 2473)
    assert scalar(engine, "SELECT COUNT(*) FROM opportunity WHERE stage = 'won'") == won
    assert scalar(engine, "SELECT COUNT(*) FROM opportunity WHERE stage = 'lost' AND amount = 0") == lost


def test_import_is_idempotent_and_keeps_what_people_set_since(imported):
    engine, _ = imported
    with Session(engine) as s, s.begin():
        s.execute(update(User).where(User.username == "anna.snelling").values(password_hash="$2b$12$" + "x" * 53))
        north = Territory(code="North", name="North")
        s.add(north)
        s.flush()
        s.execute(update(Account).where(Account.name == "Acme Corporation").values(territory_id=north.id))
    before = scalar(engine, "SELECT SUM(amount) FROM opportunity")
    report = import_maven(MAVEN, engine=engine)
    assert report.read == {"sales_teams.csv": 35, "accounts.csv": 85, "products.csv": 7, "sales_pipeline.csv": 8800}
    assert scalar(engine, "SELECT COUNT(*) FROM opportunity") == 8800
    assert scalar(engine, "SELECT COUNT(*) FROM app_user") == 41
    assert scalar(engine, "SELECT SUM(amount) FROM opportunity") == before
    assert scalar(engine, "SELECT password_hash FROM app_user WHERE username = 'anna.snelling'").startswith("$2b$")
    assert scalar(engine, "SELECT t.code FROM account a JOIN territory t ON t.id = a.territory_id "
                          "WHERE a.name = 'Acme Corporation'") == "North"


def test_an_unknown_agent_is_reported_and_nothing_is_written(engine, tmp_path):
    for name in ("sales_teams.csv", "accounts.csv", "products.csv"):
        (tmp_path / name).write_bytes((MAVEN / name).read_bytes())
    (tmp_path / "sales_pipeline.csv").write_text(
        "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
        "AAA,Moses Frase,GTX Basic,Cancity,Won,2016-10-20,2017-03-01,1054\n"
        "BBB,Nobody Here,GTX Basic,Cancity,Won,2016-10-20,2017-03-01,1054\n"
        "CCC,Moses Frase,GTX Basic,Cancity,Won,2016-10-20,2017-02-30,1054\n", encoding="utf-8")
    with pytest.raises(MavenDataInvalid) as info:
        import_maven(tmp_path, engine=engine)
    assert info.value.problems == ["sales_pipeline.csv:3: sales_agent: unknown agent 'Nobody Here' (not in sales_teams.csv)"]
    (tmp_path / "sales_pipeline.csv").write_text(
        "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n"
        "CCC,Moses Frase,GTX Basic,Cancity,Won,2016-10-20,2017-02-30,1054\n", encoding="utf-8")
    with pytest.raises(MavenDataInvalid) as info:
        import_maven(tmp_path, engine=engine)
    assert info.value.problems == ["sales_pipeline.csv:2: close_date: bad date '2017-02-30' (no such day)"]
    assert scalar(engine, "SELECT COUNT(*) FROM app_user") == 0
