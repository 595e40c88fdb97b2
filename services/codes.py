"""Record codes: one readable scheme per kind, allocated safely by several processes at once.

=============  ======  =====  ============  =========================================
kind           prefix  width  example       room at the design scale (ARCHITECTURE.md)
=============  ======  =====  ============  =========================================
lead           LD      7      LD-0000381    9,999,999 (design: 1,000,000 leads)
opportunity    OP      7      OP-0000316    9,999,999 (design: 500,000 opportunities)
campaign       CMP     5      CMP-00042     99,999
event          EV      6      EV-000042     999,999
=============  ======  =====  ============  =========================================

The number is fixed-width, so codes sort as they were made and "the highest code of the pattern"
is a plain ``max`` over the unique index. Numbers come from ``code_counter`` (kind, last value):
one atomic upsert raises the counter to at least the highest code of the exact pattern already in
the table (the *floor*) and adds ``n``, returning the new last value. So:

- two processes never get the same number (the upsert is one statement on one row: PostgreSQL
  locks the row, SQLite has one writer);
- codes that came in some other way (a bundle, the Maven import, a hand-typed campaign code) are
  never handed out again: the floor is read at every allocation;
- a bulk import asks for a block of ``n`` numbers in one statement.

On PostgreSQL the counter is moved in a short transaction of its own, so a long import does not
hold the counter's row lock until it commits (a rolled-back transaction leaves a gap, which is
harmless). On SQLite it runs in the caller's transaction, which already holds the write lock.

Codes given explicitly (bundles, the campaign and event forms' optional code) are kept as they
are. Past the width a number simply gets longer; the design scale is far below that.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection
from sqlmodel import Session

from models import Campaign, CodeCounter, Event, Lead, Opportunity


@dataclass(frozen=True)
class Kind:
    name: str
    prefix: str
    width: int
    model: type

    def format(self, number: int) -> str:
        return f"{self.prefix}-{number:0{self.width}d}"

    @property
    def lowest(self) -> str:
        return f"{self.prefix}-{'0' * self.width}"

    @property
    def highest(self) -> str:
        return f"{self.prefix}-{'9' * self.width}"


KINDS: dict[str, Kind] = {k.name: k for k in (
    Kind("lead", "LD", 7, Lead),
    Kind("opportunity", "OP", 7, Opportunity),
    Kind("campaign", "CMP", 5, Campaign),
    Kind("event", "EV", 6, Event),
)}


def format_code(kind: str, number: int) -> str:
    """The code of number ``number`` of ``kind``: format_code("lead", 381) == "LD-0000381"."""
    return KINDS[kind].format(number)


def parse_code(kind: str, code: str) -> int | None:
    """The number of a code of the kind's exact pattern, else None."""
    spec = KINDS[kind]
    digits = code[len(spec.prefix) + 1:]
    if (len(code) == len(spec.lowest) and code.startswith(spec.prefix + "-")
            and digits.isascii() and digits.isdigit()):
        return int(digits)
    return None


def highest_existing(kind: str, *, session: Session) -> int:
    """The highest number among the kind's codes of the exact pattern (0 if none): a descending
    walk of the unique index over the pattern's range that skips codes with a non-digit in it."""
    spec = KINDS[kind]
    col = spec.model.code
    page = select(col).where(col >= spec.lowest, col <= spec.highest, func.length(col) == len(spec.lowest))
    below = None
    while True:
        query = page if below is None else page.where(col < below)
        rows = session.execute(query.order_by(col.desc()).limit(50)).scalars().all()
        for code in rows:
            number = parse_code(kind, code)
            if number is not None:
                return number
        if len(rows) < 50:
            return 0
        below = rows[-1]


def _upsert(conn, kind: str, floor: int, n: int) -> int:
    insert = (postgresql.insert if conn.dialect.name == "postgresql" else sqlite.insert)(CodeCounter.__table__)
    value = CodeCounter.__table__.c.value
    stmt = (insert.values(kind=kind, value=floor + n)
            .on_conflict_do_update(index_elements=["kind"],
                                   set_={"value": case((value > floor, value), else_=floor) + n})
            .returning(value))
    return int(conn.execute(stmt).scalar_one())


def allocate(kind: str, n: int = 1, *, session: Session) -> list[str]:
    """``n`` fresh codes of ``kind``, consecutive, in order."""
    if n <= 0:
        return []
    spec = KINDS[kind]
    floor = highest_existing(kind, session=session)
    bind = session.get_bind()
    if bind.dialect.name == "postgresql":
        engine = bind.engine if isinstance(bind, Connection) else bind
        with engine.begin() as conn:
            last = _upsert(conn, kind, floor, n)
    else:
        last = _upsert(session.connection(), kind, floor, n)
    return [spec.format(number) for number in range(last - n + 1, last + 1)]


def new_code(kind: str, *, session: Session) -> str:
    """One fresh code of ``kind``."""
    return allocate(kind, 1, session=session)[0]
