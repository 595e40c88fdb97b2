"""Sales: opportunities, field activities and monthly targets."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import CheckConstraint, Column, Date, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..enums import ActivityKind, Stage
from .columns import enum_col, fk, money_col, ts_col


class Opportunity(SQLModel, table=True):
    __tablename__ = "opportunity"
    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount >= 0", name="ck_opportunity_amount"),
        Index("ix_opp_territory_closed", "territory_id", "closed_on"),
        Index("ix_opp_closed_stage", "closed_on", "stage"),
        Index("ix_opp_owner_stage", "owner_id", "stage"),
        Index("ix_opp_stage", "stage"),
        Index("ix_opp_account", "account_id"),
        Index("ix_opp_source_campaign", "source_campaign_id"),
        Index("ix_opp_stage_closed_cover", "stage", "closed_on", "territory_id", "amount", "source_campaign_id",
              "opened_on", "account_id"),
        Index("ix_opp_territory_stage_closed_cover", "territory_id", "stage", "closed_on", "amount",
              "source_campaign_id", "opened_on", "account_id"),
        Index("ix_opp_source_campaign_cover", "source_campaign_id", "stage", "closed_on", "amount", "territory_id"),
        Index("ix_opp_lead_stage", "lead_id", "stage"),   # migration 0011: the funnel's won step
        Index("ix_opp_stage_account_amount", "stage", "account_id", "amount"),   # 0014: lifetime value by segment
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(300), nullable=False))
    account_id: Optional[int] = Field(default=None, sa_column=fk("account.id"))
    owner_id: Optional[int] = Field(default=None, sa_column=fk("app_user.id"))
    territory_id: int = Field(sa_column=fk("territory.id", nullable=False))
    stage: Stage = Field(sa_column=enum_col(Stage))
    amount: Optional[Decimal] = Field(default=None, sa_column=money_col())
    product: Optional[str] = Field(default=None, sa_column=Column(String(200)))
    opened_on: Optional[date] = Field(default=None, sa_column=Column(Date))
    expected_close_on: Optional[date] = Field(default=None, sa_column=Column(Date))
    closed_on: Optional[date] = Field(default=None, sa_column=Column(Date))
    source_campaign_id: Optional[int] = Field(default=None, sa_column=fk("campaign.id"))
    lead_id: Optional[int] = Field(default=None, sa_column=fk("lead.id"))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False, default=1))


class Activity(SQLModel, table=True):
    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_user_territory_time", "user_id", "territory_id", "occurred_at"),   # 0013: a rep's own activity
        Index("ix_activity_lead", "lead_id"),
        Index("ix_activity_account", "account_id"),
        Index("ix_activity_opportunity", "opportunity_id"),
        Index("ix_activity_territory_time", "territory_id", "occurred_at"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=fk("app_user.id", nullable=False))
    # The territory the activity belongs to (the author's when written), kept when the author moves.
    territory_id: Optional[int] = Field(default=None, sa_column=fk("territory.id"))
    kind: ActivityKind = Field(sa_column=enum_col(ActivityKind))
    occurred_at: datetime = Field(sa_column=ts_col(nullable=False))
    account_id: Optional[int] = Field(default=None, sa_column=fk("account.id"))
    lead_id: Optional[int] = Field(default=None, sa_column=fk("lead.id"))
    opportunity_id: Optional[int] = Field(default=None, sa_column=fk("opportunity.id"))
    event_id: Optional[int] = Field(default=None, sa_column=fk("event.id"))
    notes: Optional[str] = Field(default=None, sa_column=Column(Text))


class MonthlyTarget(SQLModel, table=True):
    __tablename__ = "monthly_target"
    __table_args__ = (
        UniqueConstraint("territory_id", "month", name="uq_target_territory_month"),
        CheckConstraint("revenue_target IS NULL OR revenue_target >= 0", name="ck_target_nonneg"),
        CheckConstraint("forecast IS NULL OR forecast >= 0", name="ck_forecast_nonneg"),
        CheckConstraint("lead_commitment IS NULL OR lead_commitment >= 0", name="ck_target_commitment_nonneg"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    territory_id: int = Field(sa_column=fk("territory.id", nullable=False))
    # The first day of the month.
    month: date = Field(sa_column=Column(Date, nullable=False, index=True))
    revenue_target: Optional[Decimal] = Field(default=None, sa_column=money_col())
    forecast: Optional[Decimal] = Field(default=None, sa_column=money_col())
    # The leads marketing promises to hand over to the territory that month (the scorecard).
    lead_commitment: Optional[int] = Field(default=None, sa_column=Column(Integer))
