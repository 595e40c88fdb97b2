"""The KPI filter, resolved once against the company settings, and the WHERE clauses it implies.

Every KPI function and every drill-down builds its WHERE clause from the helpers here, so a
filter means the same thing on a tile, in its drill-down, on a chart and in the CLI
(KPIS.md, "Conventions").
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta, timezone
from fractions import Fraction
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy import Integer, and_, case, cast, func, select
from sqlmodel import Session

from models.enums import Role, Segment
from models.settings_store import load_settings
from models.tables import Account, Campaign, CampaignTerritory, Territory
from models.timefmt import local_date, period_bounds_utc
from queries.scope import AccessDenied, Viewer, campaign_targets_territory
from i18n import _

# Who may read KPIs: company-wide roles any filter, a manager only their own territory.
KPI_ROLES = (Role.executive, Role.admin, Role.marketer, Role.manager)


@dataclass(frozen=True)
class KpiFilter:
    """What the person asked for: a period of local dates, the moment of measurement and filters."""
    start: date
    end: date
    as_of: datetime
    territory_id: int | None = None
    campaign_id: int | None = None
    segment: Segment | None = None

    def __post_init__(self):
        if self.start > self.end:
            raise ValueError(f"the period starts ({self.start}) after it ends ({self.end})")
        if self.as_of.tzinfo is None:
            raise ValueError("as_of needs a time zone")
        if self.segment is not None:
            object.__setattr__(self, "segment", Segment(self.segment))

    def shifted_back(self) -> KpiFilter:
        """The previous period of equal length, ending the day before this one starts."""
        days = (self.end - self.start).days + 1
        return replace(self, start=self.start - timedelta(days=days), end=self.start - timedelta(days=1))


@dataclass(frozen=True)
class ResolvedFilter:
    """A KpiFilter checked against the viewer and turned into UTC bounds once."""
    f: KpiFilter
    tz: ZoneInfo
    start_utc: datetime      # local midnight of f.start, in UTC
    end_utc: datetime        # local midnight after f.end, in UTC (exclusive)
    as_of: datetime          # UTC
    as_of_date: date         # as_of's local date, for "up to as_of" on date columns
    sla_hours: float
    dialect: str
    # Aggregates several KPIs share (one pass per table), computed at most once per measurement:
    # see ``once``. Not part of the filter's identity; ``dataclasses.replace`` starts it empty.
    shared: dict = field(default_factory=dict, init=False, compare=False, repr=False)
    _pass_locks: dict = field(default_factory=dict, init=False, compare=False, repr=False)
    _guard: threading.Lock = field(default_factory=threading.Lock, init=False, compare=False, repr=False)

    def once(self, name: str, compute):
        """``compute()`` the first time ``name`` is asked for with this filter, the same value after.

        A ResolvedFilter is one measurement (``resolve`` makes a new one for every request), so
        the KPIs of one dashboard share a pass over each table instead of repeating it. Safe
        across threads (``all_kpis`` computes on several): a second thread asking for a pass that
        is being computed waits for it instead of running it again.
        """
        if name in self.shared:
            return self.shared[name]
        with self._guard:
            lock = self._pass_locks.setdefault(name, threading.Lock())
        with lock:
            if name not in self.shared:
                self.shared[name] = compute()
            return self.shared[name]

    @property
    def start(self) -> date:
        return self.f.start

    @property
    def end(self) -> date:
        return self.f.end

    @property
    def territory_id(self) -> int | None:
        return self.f.territory_id

    @property
    def campaign_id(self) -> int | None:
        return self.f.campaign_id

    @property
    def segment(self) -> Segment | None:
        return self.f.segment

    @property
    def sla_deadline_cutoff(self) -> datetime:
        """assigned_at + sla_hours < as_of  ⇔  assigned_at < as_of − sla_hours."""
        return self.as_of - timedelta(hours=self.sla_hours)

    # -- periods ---------------------------------------------------------------------------
    def ts_in_period(self, column):
        """A timestamp is in the period when its local date is: compare with the UTC bounds."""
        return and_(column >= self.start_utc, column < self.end_utc)

    def date_in_period(self, column):
        return column.between(self.f.start, self.f.end)

    # -- filters per record kind (KPIS.md "Conventions") -----------------------------------
    def opportunity_filters(self, opp) -> list:
        conds = []
        if self.territory_id is not None:
            conds.append(opp.territory_id == self.territory_id)
        if self.campaign_id is not None:
            conds.append(opp.source_campaign_id == self.campaign_id)
        if self.segment is not None:
            conds.append(opp.account_id.in_(_accounts_of_segment(self.segment)))
        return conds

    def lead_filters(self, lead) -> list:
        conds = []
        if self.territory_id is not None:
            conds.append(lead.territory_id == self.territory_id)
        if self.campaign_id is not None:
            conds.append(lead.campaign_id == self.campaign_id)
        if self.segment is not None:
            conds.append(lead.account_id.in_(_accounts_of_segment(self.segment)))
        return conds

    def event_filters(self, event) -> list:
        # The segment filter names accounts, their deals and leads, and campaigns: not events.
        conds = []
        if self.territory_id is not None:
            conds.append(event.territory_id == self.territory_id)
        if self.campaign_id is not None:
            conds.append(event.campaign_id == self.campaign_id)
        return conds

    def campaign_filters(self, campaign) -> list:
        conds = []
        if self.territory_id is not None:
            conds.append(campaign_targets_territory(campaign.id, self.territory_id))
        if self.campaign_id is not None:
            conds.append(campaign.id == self.campaign_id)
        if self.segment is not None:
            conds.append(campaign.target_segment == self.segment)
        return conds

    def note_filters(self, note) -> list:
        # Notes follow their campaign (territory); the campaign filter keeps its notes.
        conds = []
        if self.territory_id is not None:
            conds.append(campaign_targets_territory(note.campaign_id, self.territory_id))
        if self.campaign_id is not None:
            conds.append(note.campaign_id == self.campaign_id)
        return conds

    def target_filters(self, target) -> list:
        return [] if self.territory_id is None else [target.territory_id == self.territory_id]

    def account_filters(self, account) -> list:
        conds = []
        if self.territory_id is not None:
            conds.append(account.territory_id == self.territory_id)
        if self.segment is not None:
            conds.append(account.segment == self.segment)
        return conds


def _accounts_of_segment(segment: Segment):
    return select(Account.id).where(Account.segment == segment)


def resolve(viewer: Viewer, f: KpiFilter, *, session: Session) -> ResolvedFilter:
    """Check the viewer may ask for this filter and compute the UTC bounds once.

    A manager's filter is forced to their own territory; asking for another one is refused.
    """
    if viewer.role not in KPI_ROLES:
        raise AccessDenied(_("your role ({role}) may not see company KPIs").format(role=viewer.role))
    if viewer.role is Role.manager:
        if f.territory_id is None:
            f = replace(f, territory_id=viewer.territory_id)
        elif f.territory_id != viewer.territory_id:
            raise AccessDenied(_("a manager sees the KPIs of their own territory only"))
    settings = load_settings(session=session)
    tz = settings.tz
    start_utc, end_utc = period_bounds_utc(f.start, f.end, tz)
    return ResolvedFilter(
        f=f, tz=tz, start_utc=start_utc, end_utc=end_utc,
        as_of=f.as_of.astimezone(timezone.utc), as_of_date=local_date(f.as_of, tz),
        sla_hours=settings.sla_hours, dialect=session.get_bind().dialect.name,
    )


# -- dialect-aware SQL arithmetic (one helper each) ------------------------------------------

def days_between(later, earlier, dialect: str):
    """Whole days between two DATE columns."""
    if dialect == "sqlite":
        return cast(func.julianday(later) - func.julianday(earlier), Integer)
    return later - earlier


def first_of_month(date_column, dialect: str):
    """The first day of the month of a DATE column, comparable with MonthlyTarget.month."""
    if dialect == "sqlite":
        return func.date(date_column, "start of month")
    return cast(func.date_trunc("month", date_column), sa.Date)


def first_of_next_month(month_column, dialect: str):
    """The first day of the month after a DATE column holding a first of month (MonthlyTarget.month)."""
    if dialect == "sqlite":
        return func.date(month_column, "+1 month")
    return cast(month_column + sa.literal_column("interval '1 month'"), sa.Date)


def as_date(value) -> date:
    """A date from either database's rendering of a DATE expression."""
    return value if isinstance(value, date) and not isinstance(value, datetime) else date.fromisoformat(str(value)[:10])


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


# -- campaign cost split ---------------------------------------------------------------------

def target_count_expr(campaign):
    """How many territories a campaign targets: its rows, or every territory when it lists none."""
    listed = (select(func.count()).select_from(CampaignTerritory)
              .where(CampaignTerritory.campaign_id == campaign.id).scalar_subquery())
    every = select(func.count()).select_from(Territory).scalar_subquery()
    return case((listed == 0, every), else_=listed)


def attributed_cost(p: ResolvedFilter, conditions: list, *, session: Session) -> Fraction:
    """Σ actual_cost of the campaigns matching ``conditions`` (null = 0); with a territory filter
    each cost is split evenly across the campaign's target territories, exactly."""
    if p.territory_id is None:
        total = session.execute(select(func.sum(Campaign.actual_cost)).where(*conditions)).scalar_one()
        return Fraction(total or 0)
    n_targets = target_count_expr(Campaign).label("n_targets")
    rows = session.execute(
        select(n_targets, func.sum(Campaign.actual_cost)).where(*conditions).group_by(n_targets)
    ).all()
    return sum((Fraction(cost or 0) / int(n) for n, cost in rows), Fraction(0))


def territory_share(p: ResolvedFilter, n_targets: int) -> Fraction:
    """The part of a campaign's cost the filter's territory carries."""
    return Fraction(1) if p.territory_id is None else Fraction(1, int(n_targets))
