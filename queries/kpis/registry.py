"""The KPI registry: every KPI of KPIS.md is one ``Kpi`` record here, in KPIS.md's order.

A record says everything the portal knows about a KPI: its key, title, unit (for formatting),
dashboard section, the KPIS.md definition (plus how we read it where KPIS.md leaves a choice:
"Reading: …"), the SQL function that computes it, its drill-down (the record set behind the tile
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
FILTERS_NOTE = N_("Filters: territory = the record's own territory; campaign = that campaign's records "
                  "(deals by source campaign); segment = records of accounts of that segment (leads and "
                  "deals without an account drop out) and campaigns whose target_segment it is.")


@dataclass(frozen=True)
class Kpi:
    key: str
    title: str                 # N_() source text; shown with label()
    unit: str                  # one of UNITS
    section: str               # N_() source text
    _: KW_ONLY
    lower_is_better: bool = False  # a rise is bad news (the dashboard's delta turns red)
    compute: Callable          # (ResolvedFilter, *, session) -> the value
    records: Callable          # (ResolvedFilter, *, session, limit) -> records.Records
    measure: Measure           # how the records' rows give the value back
    definition: str            # N_() source text; shown with help()

    def label(self) -> str:
        return _(self.title)

    def help(self) -> str:
        return _(self.definition) + " " + _(FILTERS_NOTE)


_ALL = (
    Kpi("won_revenue", N_("Won revenue"), "money", SALES,
        compute=sales.won_revenue, records=records.won_deals, measure=Measure("sum", "amount"),
        definition=N_("Σ amount of opportunities with stage `won` and `closed_on` in the period. Null amounts count as 0.")),
    Kpi("won_deals", N_("Won deals"), "count", SALES,
        compute=sales.won_deals, records=records.won_deals, measure=Measure("count"),
        definition=N_("Count of opportunities with stage `won` and `closed_on` in the period.")),
    Kpi("lost_deals", N_("Lost deals"), "count", SALES, lower_is_better=True,
        compute=sales.lost_deals, records=records.lost_deals, measure=Measure("count"),
        definition=N_("Count of opportunities with stage `lost` and `closed_on` in the period.")),
    Kpi("win_rate", N_("Win rate"), "ratio", SALES,
        compute=sales.win_rate, records=records.closed_deals, measure=Measure("ratio", "won"),
        definition=N_("won_deals / (won_deals + lost_deals). Null when no deal was closed.")),
    Kpi("avg_deal_size", N_("Avg deal size"), "money", SALES,
        compute=sales.avg_deal_size, records=records.won_deals, measure=Measure("mean", "amount"),
        definition=N_("won_revenue / won_deals. Null when nothing was won.")),
    Kpi("avg_sales_cycle_days", N_("Avg sales cycle (days)"), "days", SALES, lower_is_better=True,
        compute=sales.avg_sales_cycle_days, records=records.won_deals_with_opened_on, measure=Measure("mean", "cycle_days"),
        definition=N_("Mean of (`closed_on` − `opened_on`) in days over the won deals counted above "
                      "that have `opened_on`.")),
    Kpi("open_deals", N_("Open deals"), "count", SALES,
        compute=sales.open_deals, records=records.open_deals, measure=Measure("count"),
        definition=N_("Count of opportunities in an open stage (prospecting, engaging, proposal); not "
                      "period-filtered. Reading: stages as stored now (as_of does not apply); the territory, "
                      "campaign and segment filters do apply.")),
    Kpi("open_pipeline", N_("Open pipeline"), "money", SALES,
        compute=sales.open_pipeline, records=records.open_deals, measure=Measure("sum", "amount"),
        definition=N_("Σ amount of the open deals. Reading: as for open_deals.")),
    Kpi("revenue_target", N_("Revenue target"), "money", SALES,
        compute=sales.revenue_target, records=records.monthly_targets, measure=Measure("sum", "revenue_target"),
        definition=N_("Σ monthly revenue targets of the months whose first day is in the period. Reading: "
                      "targets belong to territories only, so the campaign and segment filters leave them as they are.")),
    Kpi("target_attainment", N_("Target attainment"), "ratio", SALES,
        compute=sales.target_attainment, records=records.won_deals_and_targets, measure=Measure("ratio", "won_amount", "revenue_target"),
        definition=N_("won_revenue / revenue_target. Reading: with a campaign or segment filter the won "
                      "revenue narrows and the target does not.")),
    Kpi("forecast_accuracy", N_("Forecast accuracy"), "ratio", SALES,
        compute=sales.forecast_accuracy, records=records.forecast_months, measure=Measure("mean", "accuracy"),
        definition=N_("Mean, over territory-months (months whose first day is in the period) that have a "
                      "forecast and whose whole calendar month's won revenue in that territory is > 0, of "
                      "1 − |forecast − that won revenue| / that won revenue. Not clamped: a forecast more "
                      "than twice too high is negative. Reading: the whole month counts even past the period "
                      "end or as_of; with a territory filter only its months; campaign and segment filters "
                      "narrow the won deals making up each month's revenue.")),
    Kpi("marketing_spend", N_("Marketing spend"), "money", MARKETING,
        compute=marketing.marketing_spend, records=records.campaigns_started, measure=Measure("sum", "attributed_cost"),
        definition=N_("Σ actual_cost of campaigns whose start_date is in the period (empty cost = 0). With a "
                      "territory filter: campaigns targeting it, each cost split evenly (exactly) across the "
                      "campaign's target territories; a campaign with no targets targets every territory.")),
    Kpi("campaigns_started", N_("Campaigns started"), "count", MARKETING,
        compute=marketing.campaigns_started, records=records.campaigns_started, measure=Measure("count"),
        definition=N_("Count of campaigns whose start_date is in the period (with a territory filter: those "
                      "targeting it, each counted once).")),
    Kpi("leads_created", N_("Leads created"), "count", MARKETING,
        compute=marketing.leads_created, records=records.leads_created, measure=Measure("count"),
        definition=N_("Count of leads whose created_at is in the period (local date, company time zone).")),
    Kpi("cost_per_lead", N_("Cost per lead"), "money", MARKETING, lower_is_better=True,
        compute=marketing.cost_per_lead, records=records.campaigns_started, measure=Measure("ratio", "attributed_cost", "leads"),
        definition=N_("marketing_spend / count of leads (created at any date) of the campaigns started in the "
                      "period. Reading: the lead filters (territory, segment) apply to those leads.")),
    Kpi("campaign_roi", N_("Campaign ROI"), "ratio", MARKETING,
        compute=marketing.campaign_roi, records=records.campaigns_started, measure=Measure("roi", "attributed_won_revenue", "attributed_cost"),
        definition=N_("(Σ amount of `won` opportunities closed up to as_of whose source campaign started in the "
                      "period − marketing_spend) / marketing_spend. Reading: closed on or before as_of's local "
                      "date, any earlier date; the source campaign must be one counted in marketing_spend "
                      "(with a territory filter: targets it) and, with a territory filter, the deal must be in it.")),
    Kpi("lead_conversion_rate", N_("Lead conversion rate"), "ratio", MARKETING,
        compute=marketing.lead_conversion_rate, records=records.leads_created, measure=Measure("ratio", "converted"),
        definition=N_("Leads created in the period whose status is `converted` (as stored now) / leads_created.")),
    Kpi("marketing_sourced_revenue_share", N_("Marketing-sourced revenue share"), "ratio", MARKETING,
        compute=marketing.marketing_sourced_revenue_share, records=records.won_deals_sourced, measure=Measure("ratio", "sourced_amount", "amount"),
        definition=N_("Σ amount of the won deals counted in won_revenue that have a source "
                      "campaign (any campaign) / won_revenue.")),
    Kpi("events_held", N_("Events held"), "count", MARKETING,
        compute=marketing.events_held, records=records.events_held, measure=Measure("count"),
        definition=N_("Count of events whose starts_at is in the period. Reading: every status counts, "
                      "cancelled included, as the definition names none; the segment filter does not apply to events.")),
    Kpi("leads_per_event", N_("Leads per event"), "number", MARKETING,
        compute=marketing.leads_per_event, records=records.events_held, measure=Measure("ratio", "leads"),
        definition=N_("Count of leads (created at any date) whose event is one of the events held in the "
                      "period / events_held.")),
    Kpi("event_attendance_rate", N_("Event attendance rate"), "ratio", MARKETING,
        compute=marketing.event_attendance_rate, records=records.event_registrations,
        measure=Measure("ratio", "attended", "registrations"),
        definition=N_("Over the events held in the period: registrations with status `attended` / "
                      "registrations with status `registered`, `attended` or `no_show` (cancelled "
                      "registrations never count).")),
    Kpi("leads_assigned", N_("Leads assigned"), "count", HANDOFF,
        compute=handoff.leads_assigned, records=records.leads_assigned, measure=Measure("count"),
        definition=N_("Count of leads whose assigned_at is in the period.")),
    Kpi("median_first_touch_hours", N_("Median first touch (h)"), "hours", HANDOFF, lower_is_better=True,
        compute=handoff.median_first_touch_hours, records=records.touched_leads_assigned, measure=Measure("median", "hours_to_first_touch"),
        definition=N_("Median of (first_touch_at − assigned_at) in hours over the leads assigned in "
                      "the period that have first_touch_at. Reading: as_of does not apply.")),
    Kpi("sla_compliance", N_("SLA compliance"), "ratio", HANDOFF,
        compute=handoff.sla_compliance, records=records.leads_sla_counted, measure=Measure("ratio", "within_sla"),
        definition=N_("Leads assigned in the period first touched within the SLA (first_touch_at ≤ due_at, the "
                      "deadline stored at the hand-over) / leads assigned in the period that were either touched "
                      "or whose deadline (due_at) is before as_of, whatever their status. Reading: 'touched' = "
                      "has a first_touch_at as stored now; 'before as_of' = strictly before.")),
    Kpi("untouched_leads", N_("Untouched leads"), "count", HANDOFF, lower_is_better=True,
        compute=handoff.untouched_leads, records=records.untouched_overdue_leads, measure=Measure("count"),
        definition=N_("Leads assigned in the period with no first_touch_at, not disqualified, whose deadline "
                      "(due_at) is strictly before as_of.")),
    Kpi("note_read_rate", N_("Note read rate"), "ratio", HANDOFF,
        compute=handoff.note_read_rate, records=records.notes_published, measure=Measure("ratio", "reps_read", "reps_targeted"),
        definition=N_("Over notes published in the period (each published version its own note): Σ per note of "
                      "distinct active reps in the note's campaign's target territories with a read receipt "
                      "up to as_of / Σ per note of active reps in those territories. Reading: a receipt counts "
                      "when read_at ≤ as_of; users' role, activity and territory as stored now; with a territory "
                      "filter, notes of campaigns targeting it and only that territory's reps; the segment "
                      "filter does not apply to notes.")),
    Kpi("leads_accepted", N_("Leads accepted"), "count", HANDOFF,
        compute=handoff.leads_accepted, records=records.leads_accepted, measure=Measure("count"),
        definition=N_("Count of leads whose accepted_at (the rep accepted the lead) is in the period.")),
    Kpi("leads_rejected", N_("Leads rejected"), "count", HANDOFF, lower_is_better=True,
        compute=handoff.leads_rejected, records=records.rejections, measure=Measure("count"),
        definition=N_("Count of rejections whose rejected_at is in the period (a lead rejected twice counts "
                      "twice). With a territory filter, rejections count by their lead's territory.")),
    Kpi("acceptance_rate", N_("Acceptance rate"), "ratio", HANDOFF,
        compute=handoff.acceptance_rate, records=records.acceptances_and_rejections,
        measure=Measure("ratio", "accepted"),
        definition=N_("leads_accepted / (leads_accepted + leads_rejected).")),
    Kpi("leads_recycled", N_("Leads recycled"), "count", HANDOFF,
        compute=handoff.leads_recycled, records=records.leads_recycled, measure=Measure("count"),
        definition=N_("Count of leads whose recycled_at (marketing recycled a rejected lead to nurture) is in "
                      "the period.")),
    Kpi("lead_commitment", N_("Lead commitment"), "count", HANDOFF,
        compute=handoff.lead_commitment, records=records.lead_commitments, measure=Measure("total", "lead_commitment"),
        definition=N_("Σ lead_commitment of the monthly targets whose month's first day is in the period (the "
                      "leads marketing promised to hand over).")),
    Kpi("commitment_attainment", N_("Commitment attainment"), "ratio", HANDOFF,
        compute=handoff.commitment_attainment, records=records.leads_assigned_and_commitments,
        measure=Measure("ratio", "assigned", "lead_commitment"),
        definition=N_("leads_assigned / lead_commitment.")),
    Kpi("ltv_by_segment", N_("LTV by segment"), "money", CUSTOMERS,
        compute=customers.ltv_by_segment, records=records.accounts_with_won_deals, measure=Measure("ltv", "won_amount"),
        definition=N_("Per account segment with at least one account with a won deal: Σ amount of all `won` "
                      "opportunities ever of accounts in the segment / number of such accounts. Lifetime (no "
                      "period). Accounts without a segment and won deals without an account are left out. "
                      "Reading: a territory filter keeps accounts of that territory and their won deals in it.")),
)

KPIS: dict[str, Kpi] = {kpi.key: kpi for kpi in _ALL}
KPI_KEYS: tuple[str, ...] = tuple(KPIS)
# Section → its keys, in registry order (a section is listed where its first KPI is).
SECTIONS: dict[str, tuple[str, ...]] = {}
for _kpi in _ALL:
    SECTIONS[_kpi.section] = (*SECTIONS.get(_kpi.section, ()), _kpi.key)
del _kpi
