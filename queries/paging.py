"""The one pager of every list the portal shows: ``ResultPage`` (the rows of one page and how
many rows the whole filtered list has), the clamp on what a widget may ask for, and ``paged``,
which runs a query's page and its count. The widget that draws it is ``ui.field_widgets.pager``."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Generic, TypeVar

from sqlmodel import Session

T = TypeVar("T")
MAX_PAGE_SIZE = 200


@dataclass(frozen=True)
class ResultPage(Generic[T]):
    """One page of a list: the rows, and how many rows the whole filtered list has."""
    rows: list[T] = field(default_factory=list)
    total: int = 0
    limit: int = 20
    offset: int = 0

    @property
    def page_count(self) -> int:
        return max(1, -(-self.total // self.limit))

    @property
    def page(self) -> int:
        """This page's number, from 1."""
        return self.offset // self.limit + 1


def page_bounds(limit: int, offset: int) -> tuple[int, int]:
    """Clamp what a widget sent: a page is 1..MAX_PAGE_SIZE rows, the offset never negative."""
    return max(1, min(int(limit), MAX_PAGE_SIZE)), max(0, int(offset))


def paged(session: Session, query, count_query, *, limit: int, offset: int, make) -> ResultPage:
    """``query``'s rows from ``offset`` (at most ``limit``), each made into a row by ``make``, and
    ``count_query``'s total."""
    limit, offset = page_bounds(limit, offset)
    total = int(session.execute(count_query).scalar_one())
    rows = session.execute(query.limit(limit).offset(offset)).all()
    return ResultPage([make(r) for r in rows], total, limit, offset)
