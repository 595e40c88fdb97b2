"""The counters behind the readable record codes (LD-0000381, OP-0000316, CMP-00042, EV-000042).

One row per kind of record: the last number handed out. ``services.codes`` allocates from it with
one atomic upsert, so several processes never hand out the same number.
"""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, String
from sqlmodel import Field, SQLModel


class CodeCounter(SQLModel, table=True):
    __tablename__ = "code_counter"
    kind: str = Field(sa_column=Column(String(16), primary_key=True))
    value: int = Field(sa_column=Column(BigInteger, nullable=False))
