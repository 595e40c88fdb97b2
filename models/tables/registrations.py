"""Event registrations and the calendar-feed tokens (issue 16)."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlmodel import Field, SQLModel

from ..enums import RegistrationStatus
from .columns import enum_col, fk, ts_col


class Registration(SQLModel, table=True):
    """One person registered for an event. Key (event, e-mail without case): ``email_key`` is the
    lower-cased e-mail, so the stored ``email`` keeps its spelling for an exact round trip."""
    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("event_id", "email_key", name="uq_registration_event_email"),
        CheckConstraint("checked_in_at IS NULL OR status = 'attended'", name="ck_registration_checked_in"),
        Index("ix_registration_lead", "lead_id"),
        Index("ix_registration_event_status", "event_id", "status"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    event_id: int = Field(sa_column=fk("event.id", nullable=False))
    email: str = Field(sa_column=Column(String(320), nullable=False))
    email_key: str = Field(sa_column=Column(String(320), nullable=False))
    company: str = Field(sa_column=Column(String(300), nullable=False))
    contact_name: Optional[str] = Field(default=None, sa_column=Column(String(200)))
    phone: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    status: RegistrationStatus = Field(default=RegistrationStatus.registered, sa_column=enum_col(RegistrationStatus))
    registered_at: datetime = Field(sa_column=ts_col(nullable=False))
    checked_in_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    lead_id: Optional[int] = Field(default=None, sa_column=fk("lead.id"))


class CalendarToken(SQLModel, table=True):
    """A rep's or manager's private calendar-feed address: only the SHA-256 of the secret token
    is kept. Rotating replaces the row's nonce and hash, so the old address stops working at once."""
    __tablename__ = "calendar_token"
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    # Random per issue; the token is an HMAC of (user, nonce) under the server's key, so the
    # portal and manage.py can show the address again while the database holds only its hash.
    nonce: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(sa_column=ts_col(nullable=False))
