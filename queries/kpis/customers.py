"""Customer KPIs (KPIS.md "Customers"): lifetime value by account segment, in SQL."""
from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlmodel import Session

from models.enums import Segment, Stage
from models.tables import Account, Opportunity

from .exact import money, ratio
from .filters import ResolvedFilter


def _won_deals(p: ResolvedFilter) -> list:
    # Lifetime: no period, no as_of. A territory filter keeps the deals in it.
    return [Opportunity.stage == Stage.won, *p.opportunity_filters(Opportunity)]


def _segmented_accounts(p: ResolvedFilter) -> list:
    # Accounts without a segment are left out; a territory filter keeps that territory's accounts.
    return [Account.segment.is_not(None), *p.account_filters(Account)]


def won_deals_of_segmented_accounts(p: ResolvedFilter) -> list:
    """The rows of ltv_by_segment (its drill-down): won deals joined to their segmented account;
    deals without an account are left out by the join."""
    return [*_won_deals(p), *_segmented_accounts(p)]


def ltv_by_segment(p: ResolvedFilter, *, session: Session) -> dict[str, Decimal]:
    # The won deals are summed per account first (ix_opp_stage_account_amount, in account
    # order), then the accounts by segment: one row per account, so the accounts are counted
    # with count(*), not a count(DISTINCT) over every deal (which PostgreSQL sorted on disk at
    # large). An account whose won deals have no amount still counts (its sum is NULL).
    per_account = (select(Opportunity.account_id, func.sum(Opportunity.amount).label("total"))
                   .where(*_won_deals(p), Opportunity.account_id.is_not(None))
                   .group_by(Opportunity.account_id).subquery("won_per_account"))
    rows = session.execute(
        select(Account.segment, func.sum(per_account.c.total), func.count())
        .select_from(per_account).join(Account, Account.id == per_account.c.account_id)
        .where(*_segmented_accounts(p))
        .group_by(Account.segment)
    ).all()
    by_segment = {Segment(segment): (money(total), n) for segment, total, n in rows}
    return {segment.value: ratio(*by_segment[segment]) for segment in Segment if segment in by_segment}
