"""Administration: settings and the audit log."""
from __future__ import annotations

from datetime import datetime
from typing import Optional

from sqlalchemy import Column, Index, String, Text
from sqlmodel import Field, SQLModel

from .columns import ts_col


class Setting(SQLModel, table=True):
    __tablename__ = "setting"
    key: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str = Field(sa_column=Column(String(200), nullable=False))


class AuditLog(SQLModel, table=True):
    """Append-only: nothing in the application updates or deletes these rows."""
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_at", "at"), Index("ix_audit_entity", "entity", "entity_key"))
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=ts_col(nullable=False))
    username: Optional[str] = Field(default=None, sa_column=Column(String(150), index=True))
    action: str = Field(sa_column=Column(String(64), nullable=False))
    entity: str = Field(sa_column=Column(String(64), nullable=False))
    entity_key: Optional[str] = Field(default=None, sa_column=Column(String(300)))
    detail: Optional[str] = Field(default=None, sa_column=Column(Text))
