"""Column helpers shared by the table modules: enums as VARCHAR + CHECK, foreign keys, money, UTC times."""
from __future__ import annotations

from sqlalchemy import BigInteger, Column, Computed, ForeignKey, Integer
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
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


# -- a stored duration: microseconds from one UTC time column to another ----------------------

def microseconds_between_sql(later: str, earlier: str, dialect: str) -> str:
    """SQL for the whole microseconds from ``earlier`` to ``later`` (two UTCDateTime columns of
    the same row), exact: the generation expression of a stored duration (migration 0009).

    SQLite keeps the times as 'YYYY-MM-DD HH:MM:SS[.ffffff]' text: whole seconds from the first
    19 characters, the fraction from the rest. PostgreSQL subtracts the timestamps.
    """
    if dialect == "sqlite":
        def whole(col):
            return f"CAST(strftime('%s', substr({col}, 1, 19)) AS INTEGER)"

        def micros(col):
            return f"CAST(round(CAST('0' || substr({col}, 20) AS REAL) * 1000000) AS INTEGER)"

        return f"({whole(later)} - {whole(earlier)}) * 1000000 + ({micros(later)} - {micros(earlier)})"
    return f"CAST(EXTRACT(EPOCH FROM {later} - {earlier}) * 1000000 AS BIGINT)"


class _MicrosecondsBetween(ColumnElement):
    """The generation expression as a clause, compiled for the dialect at hand (DDL only)."""
    inherit_cache = True

    def __init__(self, later: str, earlier: str):
        self.later, self.earlier = later, earlier


@compiles(_MicrosecondsBetween)
def _compile_microseconds_between(element, compiler, **kw):
    return microseconds_between_sql(element.later, element.earlier, compiler.dialect.name)


def duration_us_col(later: str, earlier: str) -> Column:
    """A read-only BIGINT the database computes from two time columns of the row (NULL while
    either is NULL); inserts and updates never name it. SQLite: VIRTUAL, held in the indexes
    that list it; PostgreSQL: STORED."""
    return Column(BigInteger, Computed(_MicrosecondsBetween(later, earlier), persisted=True), nullable=True)
