"""Sales KPIs (KPIS.md "Sales"): one function per key, aggregates computed in SQL."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from fractions import Fraction

from sqlalchemy import func, select
from sqlmodel import Session

from models.enums import OPEN_STAGES, Stage
from models.tables import MonthlyTarget, Opportunity

from .exact import money, ratio, to_decimal
from .filters import ResolvedFilter, as_date, days_between, first_of_month, next_month


# -- the record sets, shared with the drill-down ---------------------------------------------

def won_in_period(p: ResolvedFilter) -> list:
    return [Opportunity.stage == Stage.won, p.date_in_period(Opportunity.closed_on),
            *p.opportunity_filters(Opportunity)]


def lost_in_period(p: ResolvedFilter) -> list:
    return [Opportunity.stage == Stage.lost, p.date_in_period(Opportunity.closed_on),
            *p.opportunity_filters(Opportunity)]


def open_now(p: ResolvedFilter) -> list:
    # Not period-filtered, but the territory/campaign/segment filters apply as to every deal count.
    return [Opportunity.stage.in_(OPEN_STAGES), *p.opportunity_filters(Opportunity)]


def targets_in_period(p: ResolvedFilter) -> list:
    # month is the first day of the month: "months whose first day is in the period".
    return [p.date_in_period(MonthlyTarget.month), *p.target_filters(MonthlyTarget)]


def _count(conditions, *, session: Session) -> int:
    # count(*), not count(id): PostgreSQL can then answer from a covering index alone.
    return int(session.execute(select(func.count()).select_from(Opportunity).where(*conditions)).scalar_one())


def _amount(conditions, *, session: Session) -> Decimal:
    return money(session.execute(select(func.sum(Opportunity.amount)).where(*conditions)).scalar_one())


# -- KPIs ------------------------------------------------------------------------------------

def won_revenue(p: ResolvedFilter, *, session: Session) -> Decimal:
    return _amount(won_in_period(p), session=session)


def won_deals(p: ResolvedFilter, *, session: Session) -> int:
    return _count(won_in_period(p), session=session)


def lost_deals(p: ResolvedFilter, *, session: Session) -> int:
    return _count(lost_in_period(p), session=session)


def win_rate(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    won = won_deals(p, session=session)
    return ratio(won, won + lost_deals(p, session=session))


def avg_deal_size(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    return ratio(won_revenue(p, session=session), won_deals(p, session=session))


def avg_sales_cycle_days(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    days = days_between(Opportunity.closed_on, Opportunity.opened_on, p.dialect)
    total, n = session.execute(
        select(func.sum(days), func.count()).select_from(Opportunity)
        .where(*won_in_period(p), Opportunity.opened_on.is_not(None))
    ).one()
    return ratio(int(total or 0), n)


def open_deals(p: ResolvedFilter, *, session: Session) -> int:
    return _count(open_now(p), session=session)


def open_pipeline(p: ResolvedFilter, *, session: Session) -> Decimal:
    return _amount(open_now(p), session=session)


def revenue_target(p: ResolvedFilter, *, session: Session) -> Decimal:
    total = session.execute(select(func.sum(MonthlyTarget.revenue_target)).where(*targets_in_period(p))).scalar_one()
    return money(total)


def target_attainment(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    return ratio(won_revenue(p, session=session), revenue_target(p, session=session))


def forecast_months(p: ResolvedFilter, *, session: Session) -> list[tuple[int, date, Decimal, Decimal]]:
    """(territory_id, month, forecast, whole month's won revenue) of the territory-months that
    forecast_accuracy averages over: a forecast, and won revenue > 0 in that calendar month."""
    month_of_close = first_of_month(Opportunity.closed_on, p.dialect)
    # closed_on bounds are implied by the month join; they let the database use its index.
    won_sum = func.sum(func.coalesce(Opportunity.amount, 0))
    rows = session.execute(
        select(MonthlyTarget.territory_id, MonthlyTarget.month, MonthlyTarget.forecast,
               func.sum(Opportunity.amount))
        .join(Opportunity, (Opportunity.territory_id == MonthlyTarget.territory_id)
              & (Opportunity.stage == Stage.won)
              & (Opportunity.closed_on >= p.start)
              & (Opportunity.closed_on < next_month(p.end))
              & (month_of_close == MonthlyTarget.month))
        .where(*targets_in_period(p), MonthlyTarget.forecast.is_not(None),
               *p.opportunity_filters(Opportunity))
        .group_by(MonthlyTarget.id, MonthlyTarget.territory_id, MonthlyTarget.month, MonthlyTarget.forecast)
        .having(won_sum > 0)
        .order_by(MonthlyTarget.month, MonthlyTarget.territory_id)
    ).all()
    return [(t, as_date(m), forecast, money(won)) for t, m, forecast, won in rows]


def month_accuracy(forecast: Decimal, won: Decimal) -> Fraction:
    """1 − |forecast − won| / won; not clamped (a forecast over twice too high is negative)."""
    won = Fraction(won)
    return 1 - abs(Fraction(forecast) - won) / won


def forecast_accuracy(p: ResolvedFilter, *, session: Session) -> Decimal | None:
    # With a territory filter only that territory's months count; the campaign and segment
    # filters narrow the won deals that make up each month's revenue, as for every deal sum.
    months = forecast_months(p, session=session)
    if not months:
        return None
    return to_decimal(sum((month_accuracy(f, w) for _, _, f, w in months), Fraction(0)) / len(months))
