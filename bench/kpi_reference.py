"""What the two KPI baselines share: the period turned into bounds, and the arithmetic that turns
raw aggregates (integer cents, counts) into the KPIS.md values exactly as ``queries.kpis`` does.

A baseline (``naive_pandas``, ``duckdb_baseline``) computes a ``Raw`` from the tables its own way;
``assemble`` then does the little exact arithmetic left (ratios as fractions, money in cents).
Only the territory filter is supported: the benchmark asks for all territories and one territory.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from fractions import Fraction
from zoneinfo import ZoneInfo

from models.enums import Segment
from queries.kpis.exact import money, ratio, to_decimal

OPEN_STAGES = ("prospecting", "engaging", "proposal")


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    as_of: datetime                  # aware
    territory_id: int | None = None
    time_zone: str = "Asia/Seoul"

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def _utc(self, day: date) -> datetime:
        return datetime.combine(day, datetime.min.time(), tzinfo=self.tz).astimezone(timezone.utc).replace(tzinfo=None)

    @property
    def start_utc(self) -> datetime:
        """Naive UTC, as stored: local midnight of the first day."""
        return self._utc(self.start)

    @property
    def end_utc(self) -> datetime:
        """Naive UTC local midnight after the last day (exclusive)."""
        return self._utc(self.end + timedelta(days=1))

    @property
    def as_of_utc(self) -> datetime:
        return self.as_of.astimezone(timezone.utc).replace(tzinfo=None)

    @property
    def as_of_date(self) -> date:
        return self.as_of.astimezone(self.tz).date()

    @property
    def month_after_end(self) -> date:
        return date(self.end.year + (self.end.month == 12), self.end.month % 12 + 1, 1)


@dataclass
class Raw:
    """Aggregates in integer cents and counts; every field is filled by a baseline."""
    won_cents: int = 0
    won_n: int = 0
    lost_n: int = 0
    cycle_days: int = 0
    cycle_n: int = 0
    open_n: int = 0
    open_cents: int = 0
    sourced_cents: int = 0
    target_cents: int = 0
    forecast_months: list[tuple[int, int]] = field(default_factory=list)   # (forecast, won) cents
    spend_groups: list[tuple[int, int]] = field(default_factory=list)      # (territories targeted, cost)
    campaigns_n: int = 0
    leads_created: int = 0
    converted_created: int = 0
    started_leads: int = 0
    attributed_cents: int = 0
    events_n: int = 0
    event_leads: int = 0
    registrations_counted: int = 0   # of the events held: registered, attended or no-show
    registrations_attended: int = 0
    assigned_n: int = 0
    touch_middle_us: list[int] = field(default_factory=list)   # the one or two middle values
    sla_on_time: int = 0          # touched at or before their due_at
    sla_counted: int = 0          # touched, or due_at before as_of
    untouched: int = 0
    reads: int = 0
    targeted: int = 0
    accepted_n: int = 0           # leads whose accepted_at is in the period
    rejected_n: int = 0           # rejections whose rejected_at is in the period
    recycled_n: int = 0           # leads whose recycled_at is in the period
    commitment: int = 0           # Σ lead_commitment of the period's monthly targets
    ltv: dict[str, tuple[int, int]] = field(default_factory=dict)   # segment -> (cents, accounts)


def cents(value) -> Decimal:
    return money(Fraction(int(value), 100))


def assemble(r: Raw) -> dict:
    """The KPI dict of ``queries.kpis.all_kpis`` (same keys, order and exact values)."""
    won = cents(r.won_cents)
    target = cents(r.target_cents)
    spend = sum((Fraction(cost, 100) / n for n, cost in r.spend_groups), Fraction(0))
    months = [1 - abs(Fraction(f, 100) - Fraction(w, 100)) / Fraction(w, 100) for f, w in r.forecast_months]
    median = None
    if r.touch_middle_us:
        median = float(sum(Decimal(us) / 1_000_000 for us in r.touch_middle_us) / len(r.touch_middle_us) / 3600)
    return {
        "won_revenue": won, "won_deals": r.won_n, "lost_deals": r.lost_n,
        "win_rate": ratio(r.won_n, r.won_n + r.lost_n), "avg_deal_size": ratio(won, r.won_n),
        "avg_sales_cycle_days": ratio(r.cycle_days, r.cycle_n), "open_deals": r.open_n,
        "open_pipeline": cents(r.open_cents), "revenue_target": target, "target_attainment": ratio(won, target),
        "forecast_accuracy": to_decimal(sum(months, Fraction(0)) / len(months)) if months else None,
        "marketing_spend": money(spend), "campaigns_started": r.campaigns_n, "leads_created": r.leads_created,
        "cost_per_lead": ratio(spend, r.started_leads),
        "campaign_roi": ratio(Fraction(cents(r.attributed_cents)) - spend, spend),
        "lead_conversion_rate": ratio(r.converted_created, r.leads_created),
        "marketing_sourced_revenue_share": ratio(cents(r.sourced_cents), won),
        "events_held": r.events_n, "leads_per_event": ratio(r.event_leads, r.events_n),
        "event_attendance_rate": ratio(r.registrations_attended, r.registrations_counted),
        "leads_assigned": r.assigned_n, "median_first_touch_hours": median,
        "sla_compliance": ratio(r.sla_on_time, r.sla_counted), "untouched_leads": r.untouched,
        "note_read_rate": ratio(r.reads, r.targeted),
        "leads_accepted": r.accepted_n, "leads_rejected": r.rejected_n,
        "acceptance_rate": ratio(r.accepted_n, r.accepted_n + r.rejected_n), "leads_recycled": r.recycled_n,
        "lead_commitment": r.commitment, "commitment_attainment": ratio(r.assigned_n, r.commitment),
        "ltv_by_segment": {s.value: ratio(cents(r.ltv[s.value][0]), r.ltv[s.value][1])
                           for s in Segment if s.value in r.ltv},
    }


def differences(app: dict, reference: dict, *, rel: float = 1e-9) -> dict:
    """Keys whose values differ (the median in hours, a float, within ``rel``)."""
    out = {}
    for key, value in app.items():
        other = reference.get(key)
        if key == "median_first_touch_hours" and value is not None and other is not None:
            if abs(value - other) > rel * max(abs(value), 1e-12):
                out[key] = (value, other)
        elif value != other:
            out[key] = (value, other)
    return out
