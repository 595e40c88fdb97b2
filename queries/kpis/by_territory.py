"""The KPI passes for every territory at once: one GROUP BY statement per pass instead of one
pass per territory.

A page that shows KPIs per territory (the dashboard's territory comparison, the handoff
scorecard) used to resolve one filter per territory and run each shared pass again for it: at
DESIGN.md's 100 territories that was hundreds of statements for one table (bench/README.md,
"Round 2, sixth session"). Here each pass runs once, grouped by territory; ``narrowed`` then hands
each territory a filter whose ``ResolvedFilter.once`` cache already holds its own rows, and the
ordinary KPI functions compute the values from them. Exact by construction: a territory filter
only adds ``territory_id = t`` to these passes (``ResolvedFilter.*_filters``), which is what
grouping by the same column splits; a territory with no rows gets the pass's value over no rows.
"""
from __future__ import annotations

from dataclasses import replace

from sqlmodel import Session

from . import handoff, sales
from .filters import ResolvedFilter

# pass name (as ResolvedFilter.once knows it) → (grouped query, its value over no rows)
PASSES = {
    sales.CLOSED: (sales.closed_by_territory, sales.NOTHING_CLOSED),
    sales.TARGETS: (sales.targets_by_territory, sales.NO_TARGETS),
    handoff.ASSIGNED: (handoff.assigned_by_territory, handoff.NOTHING_ASSIGNED),
    handoff.ACCEPTED: (handoff.accepted_by_territory, 0),
    handoff.REJECTED: (handoff.rejected_by_territory, 0),
}


def by_territory(p: ResolvedFilter, names: tuple[str, ...], *, session: Session) -> dict[str, dict]:
    """Each named pass over ``p``'s filter, grouped by territory: {name: {territory_id: value}}."""
    return {name: PASSES[name][0](p, session=session) for name in names}


def narrowed(p: ResolvedFilter, territory_id: int, grouped: dict[str, dict]) -> ResolvedFilter:
    """``p`` narrowed to one territory, its passes already answered from ``grouped``."""
    one = replace(p, f=replace(p.f, territory_id=territory_id))
    for name, values in grouped.items():
        one.shared[name] = values.get(territory_id, PASSES[name][1])
    return one
