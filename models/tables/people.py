"""People, territories and accounts: who uses the portal, where, and whom they sell to."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Boolean, CheckConstraint, Column, Index, Integer, String, text
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel

from ..enums import Language, NotifyPreference, Role, Segment
from .columns import enum_col, fk, ts_col


class Territory(SQLModel, table=True):
    __tablename__ = "territory"
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint("role NOT IN ('rep', 'manager') OR territory_id IS NOT NULL",
                        name="ck_user_field_role_has_territory"),
        Index("ix_user_territory_role_active", "territory_id", "role", "active"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String(150), nullable=False, unique=True))
    display_name: str = Field(sa_column=Column(String(200), nullable=False))
    email: Optional[str] = Field(default=None, sa_column=Column(String(320)))
    role: Role = Field(sa_column=enum_col(Role))
    territory_id: Optional[int] = Field(default=None, sa_column=fk("territory.id", index=True))
    manager_id: Optional[int] = Field(default=None, sa_column=fk("app_user.id"))
    active: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, default=True))
    password_hash: Optional[str] = Field(default=None, sa_column=Column(String(100)))
    # A one-time password set by an admin must be replaced at the next sign-in.
    must_change_password: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
    # Cookies issued before this moment are refused (sign-out, password/role change, disabling).
    session_epoch: Optional[datetime] = Field(default=None, sa_column=ts_col())
    # NULL = not chosen yet: the browser's language decides.
    language: Optional[Language] = Field(default=None, sa_column=enum_col(Language, nullable=True))
    notify: NotifyPreference = Field(
        default=NotifyPreference.inbox,
        sa_column=Column(SAEnum(NotifyPreference, native_enum=False, create_constraint=True, length=20,
                                name="ck_notifypreference", values_callable=lambda e: [m.value for m in e],
                                validate_strings=True),
                         nullable=False, default=NotifyPreference.inbox, server_default="inbox"))


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins per typed username (existing or not, so lockout reveals nothing)."""
    __tablename__ = "login_throttle"
    username: str = Field(sa_column=Column(String(150), primary_key=True))
    failed_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    first_failed_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    locked_until: Optional[datetime] = Field(default=None, sa_column=ts_col())


class Account(SQLModel, table=True):
    __tablename__ = "account"
    # Migration 0015: a lead import finds the file's companies by lower(name) (services.lead_import).
    __table_args__ = (Index("ix_account_name_lower", text("lower(name)")),)
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(300), nullable=False, unique=True))
    sector: Optional[str] = Field(default=None, sa_column=Column(String(100)))
    segment: Optional[Segment] = Field(default=None, sa_column=enum_col(Segment, nullable=True))
    # NULL territory = a company-wide (key) account.
    territory_id: Optional[int] = Field(default=None, sa_column=fk("territory.id", index=True))
    owner_id: Optional[int] = Field(default=None, sa_column=fk("app_user.id", index=True))
