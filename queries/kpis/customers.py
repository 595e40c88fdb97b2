"""Customer KPIs (KPIS.md "Customers"): lifetime value by account segment, in SQL."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import distinct, func, select
from sqlmodel import Session

from models.enums import Segment, Stage
from models.tables import Account, Opportunity

from .exact import money, ratio
from .filters import ResolvedFilter


def won_deals_of_segmented_accounts(p: ResolvedFilter) -> list:
    # Lifetime: no period, no as_of. Deals without an account and accounts without a segment
    # are left out. A territory filter keeps accounts of that territory and deals in it.
    return [Opportunity.stage == Stage.won, Account.segment.is_not(None),
            *p.opportunity_filters(Opportunity), *p.account_filters(Account)]


def ltv_by_segment(p: ResolvedFilter, *, session: Session) -> dict[str, Decimal]:
    rows = session.execute(
        select(Account.segment, func.sum(Opportunity.amount), func.count(distinct(Account.id)))
        .join(Account, Opportunity.account_id == Account.id)
        .where(*won_deals_of_segmented_accounts(p))
        .group_by(Account.segment)
    ).all()
    by_segment = {Segment(segment): (money(total), n) for segment, total, n in rows}
    return {segment.value: ratio(*by_segment[segment]) for segment in Segment if segment in by_segment}
