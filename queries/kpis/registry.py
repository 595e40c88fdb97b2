"""The KPI registry: every KPI of KPIS.md is one ``Kpi`` record here, in KPIS.md's order.

A record says everything the portal knows about a KPI: its key, title, unit (for formatting),
dashboard section, its definition as the dashboard explains it to an executive (what it counts, in
plain words and without column names; the exact rule, with every reading we chose, is docs/KPIS.md),
the SQL function that computes it, its drill-down (the record set behind the tile
and the ``Measure`` that turns those rows back into the tile) and whether lower is better.
Adding a KPI is one ``Kpi(...)`` line below plus its function (and, if new, its record set).
Titles, sections and definitions are English source text marked with ``N_()``; show them with
``kpi.label()`` / ``kpi.help()`` (or ``_()``), which translate them.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass

from i18n import N_, _

from . import customers, handoff, marketing, records, sales
from .records import Measure

SALES, MARKETING, HANDOFF, CUSTOMERS = N_("Sales"), N_("Marketing"), N_("Handoff"), N_("Customers")
UNITS = ("money", "count", "ratio", "days", "hours", "number")  # ratio = a fraction of 1

# How the dashboard filters narrow every KPI; shown after each definition.
FILTERS_NOTE = N_("Filters: a territory shows the records of that territory; a campaign, that campaign's records (deals by the campaign they came from); a segment, the records of accounts in that segment (leads and deals without an account drop out) and the campaigns aimed at it.")


@dataclass(frozen=True)
class Kpi:
    key: str
    title: str                 # N_() source text; shown with label()
    unit: str                  # one of UNITS
    section: str               # N_() source text
    _: KW_ONLY
    lower_is_better: bool = False  # a rise is bad news (the dashboard's delta turns red)
    lifetime: bool = False     # ignores the period and as_of (KPIS.md): one value per filter set
    compute: Callable          # (ResolvedFilter, *, session) -> the value
    records: Callable          # (ResolvedFilter, *, session, limit) -> records.Records
    measure: Measure           # how the records' rows give the value back
    definition: str            # N_() source text for an executive; shown with help()

    def label(self) -> str:
        return _(self.title)

    def help(self) -> str:
        return _(self.definition) + " " + _(FILTERS_NOTE)


_ALL = (
    Kpi("won_revenue", N_("Won revenue"), "money", SALES,
        compute=sales.won_revenue, records=records.won_deals, measure=Measure("sum", "amount"),
        definition=N_("The money from deals won in the period, counted on the day each deal was closed as won. A deal without an amount counts as 0.")),
    Kpi("won_deals", N_("Won deals"), "count", SALES,
        compute=sales.won_deals, records=records.won_deals, measure=Measure("count"),
        definition=N_("How many deals were closed as won in the period.")),
    Kpi("lost_deals", N_("Lost deals"), "count", SALES, lower_is_better=True,
        compute=sales.lost_deals, records=records.lost_deals, measure=Measure("count"),
        definition=N_("How many deals were closed as lost in the period. Lower is better.")),
    Kpi("win_rate", N_("Win rate"), "ratio", SALES,
        compute=sales.win_rate, records=records.closed_deals, measure=Measure("ratio", "won"),
        definition=N_("Of the deals closed in the period, the share that was won (won ÷ (won + lost)). Empty when no deal closed.")),
    Kpi("avg_deal_size", N_("Avg deal size"), "money", SALES,
        compute=sales.avg_deal_size, records=records.won_deals, measure=Measure("mean", "amount"),
        definition=N_("The average value of a deal won in the period (won revenue ÷ won deals). Empty when nothing was won.")),
    Kpi("avg_sales_cycle_days", N_("Avg sales cycle (days)"), "days", SALES, lower_is_better=True,
        compute=sales.avg_sales_cycle_days, records=records.won_deals_with_opened_on, measure=Measure("mean", "cycle_days"),
        definition=N_("How many days a deal won in the period took on average, from the day it was opened to the day it was won. Lower is better.")),
    Kpi("open_deals", N_("Open deals"), "count", SALES,
        compute=sales.open_deals, records=records.open_deals, measure=Measure("count"),
        definition=N_("How many deals are in progress right now (prospecting, engaging or proposal), whatever the period; the territory, campaign and segment filters apply.")),
    Kpi("open_pipeline", N_("Open pipeline"), "money", SALES,
        compute=sales.open_pipeline, records=records.open_deals, measure=Measure("sum", "amount"),
        definition=N_("The value of the deals in progress right now: the amounts of the open deals added up.")),
    Kpi("revenue_target", N_("Revenue target"), "money", SALES,
        compute=sales.revenue_target, records=records.monthly_targets, measure=Measure("sum", "revenue_target"),
        definition=N_("The revenue planned for the period: the monthly targets of the months that start in the period. Targets are set per territory, so the campaign and segment filters leave them as they are.")),
    Kpi("target_attainment", N_("Target attainment"), "ratio", SALES,
        compute=sales.target_attainment, records=records.won_deals_and_targets, measure=Measure("ratio", "won_amount", "revenue_target"),
        definition=N_("Won revenue as a share of the revenue target. With a campaign or segment filter the won revenue narrows and the target does not.")),
    Kpi("forecast_accuracy", N_("Forecast accuracy"), "ratio", SALES,
        compute=sales.forecast_accuracy, records=records.forecast_months, measure=Measure("mean", "accuracy"),
        definition=N_("How close the monthly forecasts came to what was then won: for each territory and month (starting in the period) with a forecast and some won revenue, 1 − the forecast's error as a share of that month's won revenue, averaged. A forecast more than twice too high gives a negative score.")),
    Kpi("marketing_spend", N_("Marketing spend"), "money", MARKETING,
        compute=marketing.marketing_spend, records=records.campaigns_started, measure=Measure("sum", "attributed_cost"),
        definition=N_("What the campaigns started in the period cost (their actual cost; none recorded counts as 0). For one territory, each campaign's cost is shared equally among the territories it targets.")),
    Kpi("campaigns_started", N_("Campaigns started"), "count", MARKETING,
        compute=marketing.campaigns_started, records=records.campaigns_started, measure=Measure("count"),
        definition=N_("How many campaigns started in the period (for one territory: the campaigns aimed at it).")),
    Kpi("leads_created", N_("Leads created"), "count", MARKETING,
        compute=marketing.leads_created, records=records.leads_created, measure=Measure("count"),
        definition=N_("How many new leads came in during the period (by the day they were created, company time zone).")),
    Kpi("cost_per_lead", N_("Cost per lead"), "money", MARKETING, lower_is_better=True,
        compute=marketing.cost_per_lead, records=records.campaigns_started, measure=Measure("ratio", "attributed_cost", "leads"),
        definition=N_("What one lead cost: the spend of the campaigns started in the period ÷ the leads those campaigns brought in (whenever they came).")),
    Kpi("campaign_roi", N_("Campaign ROI"), "ratio", MARKETING,
        compute=marketing.campaign_roi, records=records.campaigns_started, measure=Measure("roi", "attributed_won_revenue", "attributed_cost"),
        definition=N_("What the campaigns started in the period earned back: (revenue of the deals they sourced and won so far − their spend) ÷ their spend.")),
    Kpi("lead_conversion_rate", N_("Lead conversion rate"), "ratio", MARKETING,
        compute=marketing.lead_conversion_rate, records=records.leads_created, measure=Measure("ratio", "converted"),
        definition=N_("Of the leads created in the period, the share that has become a deal.")),
    Kpi("marketing_sourced_revenue_share", N_("Marketing-sourced revenue share"), "ratio", MARKETING,
        compute=marketing.marketing_sourced_revenue_share, records=records.won_deals_sourced, measure=Measure("ratio", "sourced_amount", "amount"),
        definition=N_("The share of the won revenue that came from deals a marketing campaign sourced.")),
    Kpi("events_held", N_("Events held"), "count", MARKETING,
        compute=marketing.events_held, records=records.events_held, measure=Measure("count"),
        definition=N_("How many events took place in the period (by their start; cancelled events count too). The segment filter does not apply to events.")),
    Kpi("leads_per_event", N_("Leads per event"), "number", MARKETING,
        compute=marketing.leads_per_event, records=records.events_held, measure=Measure("ratio", "leads"),
        definition=N_("How many leads an event brought in on average: leads from the events held in the period ÷ those events.")),
    Kpi("event_attendance_rate", N_("Event attendance rate"), "ratio", MARKETING,
        compute=marketing.event_attendance_rate, records=records.event_registrations,
        measure=Measure("ratio", "attended", "registrations"),
        definition=N_("Of the people registered for the events held in the period, the share that came. Cancelled registrations do not count.")),
    Kpi("leads_assigned", N_("Leads assigned"), "count", HANDOFF,
        compute=handoff.leads_assigned, records=records.leads_assigned, measure=Measure("count"),
        definition=N_("How many leads marketing handed to sales reps in the period (a re-routed lead counts at its latest hand-over).")),
    Kpi("median_first_touch_hours", N_("Median first touch (h)"), "hours", HANDOFF, lower_is_better=True,
        compute=handoff.median_first_touch_hours, records=records.touched_leads_assigned, measure=Measure("median", "hours_to_first_touch"),
        definition=N_("How long a typical lead handed over in the period waited for the rep's first response, in hours (the median). Lower is better.")),
    Kpi("sla_compliance", N_("SLA compliance"), "ratio", HANDOFF,
        compute=handoff.sla_compliance, records=records.leads_sla_counted, measure=Measure("ratio", "within_sla"),
        definition=N_("Of the leads handed over in the period that were answered or are past their response deadline, the share answered by the deadline. The deadline is fixed at the hand-over by the SLA policy of that moment.")),
    Kpi("untouched_leads", N_("Untouched leads"), "count", HANDOFF, lower_is_better=True,
        compute=handoff.untouched_leads, records=records.untouched_overdue_leads, measure=Measure("count"),
        definition=N_("Leads handed over in the period that passed their response deadline without any answer and are still open: the black hole itself. Lower is better.")),
    Kpi("note_read_rate", N_("Note read rate"), "ratio", HANDOFF,
        compute=handoff.note_read_rate, records=records.notes_published, measure=Measure("ratio", "reps_read", "reps_targeted"),
        definition=N_("Of the reps who should read the campaign notes published in the period (the active reps of each campaign's territories), the share who did.")),
    Kpi("leads_accepted", N_("Leads accepted"), "count", HANDOFF,
        compute=handoff.leads_accepted, records=records.leads_accepted, measure=Measure("count"),
        definition=N_("How many handed-over leads reps accepted in the period: the field's \"yes\".")),
    Kpi("leads_rejected", N_("Leads rejected"), "count", HANDOFF, lower_is_better=True,
        compute=handoff.leads_rejected, records=records.rejections, measure=Measure("count"),
        definition=N_("How many times reps handed a lead back in the period, with a reason (a lead handed back twice counts twice).")),
    Kpi("acceptance_rate", N_("Acceptance rate"), "ratio", HANDOFF,
        compute=handoff.acceptance_rate, records=records.acceptances_and_rejections,
        measure=Measure("ratio", "accepted"),
        definition=N_("Of the reps' answers in the period, the share that were acceptances (accepted ÷ (accepted + rejected)).")),
    Kpi("leads_recycled", N_("Leads recycled"), "count", HANDOFF,
        compute=handoff.leads_recycled, records=records.leads_recycled, measure=Measure("count"),
        definition=N_("Rejected leads that marketing sent back to nurture in the period instead of routing them again.")),
    Kpi("lead_commitment", N_("Lead commitment"), "count", HANDOFF,
        compute=handoff.lead_commitment, records=records.lead_commitments, measure=Measure("total", "lead_commitment"),
        definition=N_("The number of leads marketing promised to hand over: the monthly commitments of the months that start in the period.")),
    Kpi("commitment_attainment", N_("Commitment attainment"), "ratio", HANDOFF,
        compute=handoff.commitment_attainment, records=records.leads_assigned_and_commitments,
        measure=Measure("ratio", "assigned", "lead_commitment"),
        definition=N_("How much of its promise marketing delivered: leads handed over ÷ leads promised.")),
    Kpi("ltv_by_segment", N_("LTV by segment"), "money", CUSTOMERS, lifetime=True,
        compute=customers.ltv_by_segment, records=records.accounts_with_won_deals, measure=Measure("ltv", "won_amount"),
        definition=N_("What a customer is worth over its whole history, per segment: all revenue ever won from the segment's accounts ÷ the number of those accounts that bought. Not limited to the period.")),
)

KPIS: dict[str, Kpi] = {kpi.key: kpi for kpi in _ALL}
KPI_KEYS: tuple[str, ...] = tuple(KPIS)
# The period's KPIs, and the lifetime ones a page reads once for every period it shows.
PERIOD_KEYS: tuple[str, ...] = tuple(k for k in KPI_KEYS if not KPIS[k].lifetime)
LIFETIME_KEYS: tuple[str, ...] = tuple(k for k in KPI_KEYS if KPIS[k].lifetime)
# Section → its keys, in registry order (a section is listed where its first KPI is).
SECTIONS: dict[str, tuple[str, ...]] = {}
for _kpi in _ALL:
    SECTIONS[_kpi.section] = (*SECTIONS.get(_kpi.section, ()), _kpi.key)
del _kpi
