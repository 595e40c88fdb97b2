"""Marketing: campaigns, their territories and events, the notes reps read, and feedback."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..enums import CampaignStatus, Channel, EventKind, EventStatus, FeedbackKind, NoteStatus, Segment
from ..types import UTCDateTime, utcnow
from .columns import enum_col, fk, money_col, ts_col


class Campaign(SQLModel, table=True):
    __tablename__ = "campaign"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="ck_campaign_dates"),
        CheckConstraint("budget IS NULL OR budget >= 0", name="ck_campaign_budget"),
        CheckConstraint("actual_cost IS NULL OR actual_cost >= 0", name="ck_campaign_cost"),
        Index("ix_campaign_start_date", "start_date"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(300), nullable=False))
    channel: Channel = Field(sa_column=enum_col(Channel))
    status: CampaignStatus = Field(sa_column=enum_col(CampaignStatus))
    start_date: date = Field(sa_column=Column(Date, nullable=False))
    end_date: date = Field(sa_column=Column(Date, nullable=False))
    objective: Optional[str] = Field(default=None, sa_column=Column(Text))
    budget: Optional[Decimal] = Field(default=None, sa_column=money_col())
    actual_cost: Optional[Decimal] = Field(default=None, sa_column=money_col())
    target_segment: Optional[Segment] = Field(default=None, sa_column=enum_col(Segment, nullable=True))
    owner_id: Optional[int] = Field(default=None, sa_column=fk("app_user.id"))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False, default=1))


class CampaignTerritory(SQLModel, table=True):
    """A campaign's target territories; a campaign with no rows here targets every territory."""
    __tablename__ = "campaign_territory"
    campaign_id: int = Field(sa_column=Column(Integer, ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True))
    territory_id: int = Field(sa_column=Column(Integer, ForeignKey("territory.id"), primary_key=True, index=True))


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="ck_event_dates"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="ck_event_capacity"),
        Index("ix_event_territory_starts", "territory_id", "starts_at"),
        Index("ix_event_starts_at", "starts_at"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    campaign_id: int = Field(sa_column=fk("campaign.id", nullable=False, index=True))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    kind: EventKind = Field(sa_column=enum_col(EventKind))
    territory_id: int = Field(sa_column=fk("territory.id", nullable=False))
    venue: Optional[str] = Field(default=None, sa_column=Column(String(300)))
    starts_at: datetime = Field(sa_column=ts_col(nullable=False))
    ends_at: datetime = Field(sa_column=ts_col(nullable=False))
    capacity: Optional[int] = Field(default=None, sa_column=Column(Integer))
    status: EventStatus = Field(default=EventStatus.scheduled, sa_column=enum_col(EventStatus, default=EventStatus.scheduled))
    # iCalendar SEQUENCE: grows whenever the time, venue, title or status changes (calendar feed).
    sequence: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0, server_default="0"))
    # iCalendar LAST-MODIFIED: the last such change.
    updated_at: Optional[datetime] = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=True,
                                                                                    default=utcnow))


class CampaignNote(SQLModel, table=True):
    """One version of a campaign's talking points. A published version is immutable."""
    __tablename__ = "campaign_note"
    __table_args__ = (
        UniqueConstraint("campaign_id", "version", name="uq_note_campaign_version"),
        CheckConstraint("version >= 1", name="ck_note_version"),
        Index("ix_note_status_published", "status", "published_at"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(sa_column=fk("campaign.id", nullable=False))
    version: int = Field(sa_column=Column(Integer, nullable=False))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    body_md: str = Field(sa_column=Column(Text, nullable=False))
    status: NoteStatus = Field(sa_column=enum_col(NoteStatus))
    published_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    author_id: Optional[int] = Field(default=None, sa_column=fk("app_user.id"))


class NoteRead(SQLModel, table=True):
    __tablename__ = "note_read"
    __table_args__ = (UniqueConstraint("note_id", "user_id", name="uq_note_read"),
                      Index("ix_note_read_note_user_at", "note_id", "user_id", "read_at"),
                      Index("ix_note_read_at", "read_at"))   # 0014: receipts made after a KPI's as_of
    id: Optional[int] = Field(default=None, primary_key=True)
    note_id: int = Field(sa_column=fk("campaign_note.id", nullable=False, ondelete="CASCADE"))
    user_id: int = Field(sa_column=fk("app_user.id", nullable=False, index=True))
    read_at: datetime = Field(sa_column=ts_col(nullable=False))


class Feedback(SQLModel, table=True):
    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("user_id", "created_at", "kind", name="uq_feedback_key"),
        Index("ix_feedback_campaign", "campaign_id"),
        Index("ix_feedback_territory", "territory_id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: Optional[int] = Field(default=None, sa_column=fk("campaign.id"))
    event_id: Optional[int] = Field(default=None, sa_column=fk("event.id"))
    user_id: int = Field(sa_column=fk("app_user.id", nullable=False))
    # The territory the feedback was written in (the author's then), kept when the author moves.
    territory_id: Optional[int] = Field(default=None, sa_column=fk("territory.id"))
    kind: FeedbackKind = Field(sa_column=enum_col(FeedbackKind))
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=ts_col(nullable=False))
    answer: Optional[str] = Field(default=None, sa_column=Column(Text))
    answered_by_id: Optional[int] = Field(default=None, sa_column=fk("app_user.id"))
    answered_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    resolved_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
