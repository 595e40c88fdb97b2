"""The records behind each KPI tile, built from the same WHERE clauses as the KPI itself.

``drilldown(viewer, f, key, *, session)`` returns a ``DrillDown``: a DataFrame of the records and
the ``Measure`` that turns its rows back into the tile (a count of rows, a Σ of a column, a ratio
of two sums, a mean or median of a column). ``measure_value`` applies it, so a page can show that
the rows add up, and the tests check that they do for every tile. Which records and which measure
belong to a KPI is said by its record in ``queries.kpis.registry``; the record sets are in
``queries.kpis.records``.
"""
from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import pandas as pd
from sqlalchemy import select
from sqlmodel import Session

from i18n.labels import name_in_language
from models.tables import Campaign, Territory, User
from queries.kpis import KPIS, KpiFilter, resolve
from queries.kpis.exact import money, ratio
from queries.kpis.records import Measure
from queries.scope import scope_only


@dataclass(frozen=True)
class DrillDown:
    key: str
    records: str              # what the rows are, for the page heading
    frame: pd.DataFrame
    measure: Measure
    truncated: bool = False   # more rows exist than the limit asked for


def _col_sum(frame: pd.DataFrame, column: str) -> Fraction:
    return sum((Fraction(v) for v in frame[column] if v is not None and not pd.isna(v)), Fraction(0))


def measure_value(dd: DrillDown):
    """The tile value recomputed from the rows (meaningful when not truncated)."""
    m, frame = dd.measure, dd.frame
    if m.how == "count":
        return len(frame)
    if m.how == "sum":
        return money(_col_sum(frame, m.value))
    if m.how == "total":
        return int(_col_sum(frame, m.value))
    if m.how == "ratio":
        return ratio(_col_sum(frame, m.value), len(frame) if m.per is None else _col_sum(frame, m.per))
    if m.how == "mean":
        return ratio(_col_sum(frame, m.value), len(frame))
    if m.how == "median":
        values = sorted(Fraction(v) for v in frame[m.value])
        if not values:
            return None
        mid = len(values) // 2
        return float(values[mid] if len(values) % 2 else (values[mid - 1] + values[mid]) / 2)
    if m.how == "roi":
        cost = _col_sum(frame, m.per)
        return ratio(_col_sum(frame, m.value) - cost, cost)
    if m.how == "ltv":
        groups = frame.groupby("segment", sort=False)
        return {seg: ratio(_col_sum(g, m.value), len(g)) for seg, g in groups}
    raise ValueError(f"unknown measure {m.how!r}")


# Columns whose values are another record's code, and the name people read instead.
_NAMES = {
    "territory": (Territory.code, Territory.name, name_in_language),
    "campaign": (Campaign.code, Campaign.name, None),
    "source_campaign": (Campaign.code, Campaign.name, None),
    "rep": (User.username, User.display_name, None),
}


def with_names(frame: pd.DataFrame, *, session: Session) -> pd.DataFrame:
    """A copy of a drill-down frame with the codes of territories, campaigns and people replaced by
    what people read: the territory's name in the reader's language, the campaign's name, the
    person's display name. The record's own ``code`` column (LD-…, OP-…) stays: it is the key."""
    frame = frame.copy()
    for column, (key_col, name_col, shown) in _NAMES.items():
        if column not in frame.columns:
            continue
        keys = sorted({v for v in frame[column] if isinstance(v, str) and v})
        names: dict[str, str] = {}
        for i in range(0, len(keys), 500):
            names.update(session.execute(select(key_col, name_col).where(key_col.in_(keys[i:i + 500]))).all())
        frame[column] = [(shown(names[v]) if shown else names[v]) if isinstance(v, str) and v in names else v
                         for v in frame[column]]
    return frame


@scope_only
def drilldown(viewer, f: KpiFilter, key: str, *, session: Session, limit: int | None = None,
              names: bool = False) -> DrillDown:
    """The records behind one KPI tile, scoped and filtered exactly as the tile; ``names``: with the
    names people read in place of other records' codes (``with_names``), for the screen and its exports."""
    if key not in KPIS:
        raise KeyError(f"unknown KPI {key!r}")
    kpi = KPIS[key]
    p = resolve(viewer, f, session=session)
    rows = kpi.records(p, session=session, limit=limit)
    frame = with_names(rows.frame, session=session) if names else rows.frame
    return DrillDown(key=key, records=rows.label, frame=frame, measure=kpi.measure, truncated=rows.truncated)


__all__ = ["DrillDown", "Measure", "drilldown", "measure_value", "with_names"]
