"""Column helpers shared by the table modules: enums as VARCHAR + CHECK, foreign keys, money, UTC times."""
from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer
from sqlalchemy import Enum as SAEnum

from ..types import Money, UTCDateTime


def enum_col(enum_cls, *, nullable: bool = False, default=None, index: bool = False) -> Column:
    return Column(
        SAEnum(enum_cls, native_enum=False, create_constraint=True, length=20,
               name=f"ck_{enum_cls.__name__.lower()}", values_callable=lambda e: [m.value for m in e],
               validate_strings=True),
        nullable=nullable, default=default, index=index,
    )


def fk(target: str, *, nullable: bool = True, ondelete: str | None = None, index: bool = False) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


def money_col(nullable: bool = True) -> Column:
    return Column(Money(), nullable=nullable)


def ts_col(nullable: bool = True, index: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable, index=index)
