"""The definition shown next to each KPI tile: the KPIS.md text, then how we read it where
KPIS.md leaves a choice ("Reading: …"). Keep in step with the function of the same key."""
from __future__ import annotations

_FILTERS = (" Filters: territory = the record's own territory; campaign = that campaign's records "
            "(deals by source campaign); segment = records of accounts of that segment (leads and "
            "deals without an account drop out) and campaigns whose target_segment it is.")

DEFINITIONS: dict[str, str] = {
    "won_revenue": "Σ amount of opportunities with stage `won` and `closed_on` in the period. Null amounts count as 0.",
    "won_deals": "Count of opportunities with stage `won` and `closed_on` in the period.",
    "lost_deals": "Count of opportunities with stage `lost` and `closed_on` in the period.",
    "win_rate": "won_deals / (won_deals + lost_deals). Null when no deal was closed.",
    "avg_deal_size": "won_revenue / won_deals. Null when nothing was won.",
    "avg_sales_cycle_days": "Mean of (`closed_on` − `opened_on`) in days over the won deals counted above "
                            "that have `opened_on`.",
    "open_deals": "Count of opportunities in an open stage (prospecting, engaging, proposal); not "
                  "period-filtered. Reading: stages as stored now (as_of does not apply); the territory, "
                  "campaign and segment filters do apply.",
    "open_pipeline": "Σ amount of the open deals. Reading: as for open_deals.",
    "revenue_target": "Σ monthly revenue targets of the months whose first day is in the period. Reading: "
                      "targets belong to territories only, so the campaign and segment filters leave them as they are.",
    "target_attainment": "won_revenue / revenue_target. Reading: with a campaign or segment filter the won "
                         "revenue narrows and the target does not.",
    "forecast_accuracy": "Mean, over territory-months (months whose first day is in the period) that have a "
                         "forecast and whose whole calendar month's won revenue in that territory is > 0, of "
                         "1 − |forecast − that won revenue| / that won revenue. Not clamped: a forecast more "
                         "than twice too high is negative. Reading: the whole month counts even past the period "
                         "end or as_of; with a territory filter only its months; campaign and segment filters "
                         "narrow the won deals making up each month's revenue.",
    "marketing_spend": "Σ actual_cost of campaigns whose start_date is in the period (empty cost = 0). With a "
                       "territory filter: campaigns targeting it, each cost split evenly (exactly) across the "
                       "campaign's target territories; a campaign with no targets targets every territory.",
    "campaigns_started": "Count of campaigns whose start_date is in the period (with a territory filter: those "
                         "targeting it, each counted once).",
    "leads_created": "Count of leads whose created_at is in the period (local date, company time zone).",
    "cost_per_lead": "marketing_spend / count of leads (created at any date) of the campaigns started in the "
                     "period. Reading: the lead filters (territory, segment) apply to those leads.",
    "campaign_roi": "(Σ amount of `won` opportunities closed up to as_of whose source campaign started in the "
                    "period − marketing_spend) / marketing_spend. Reading: closed on or before as_of's local "
                    "date, any earlier date; the source campaign must be one counted in marketing_spend "
                    "(with a territory filter: targets it) and, with a territory filter, the deal must be in it.",
    "lead_conversion_rate": "Leads created in the period whose status is `converted` (as stored now) / leads_created.",
    "marketing_sourced_revenue_share": "Σ amount of the won deals counted in won_revenue that have a source "
                                       "campaign (any campaign) / won_revenue.",
    "events_held": "Count of events whose starts_at is in the period. Reading: every status counts, "
                   "cancelled included, as the definition names none; the segment filter does not apply to events.",
    "leads_per_event": "Count of leads (created at any date) whose event is one of the events held in the "
                       "period / events_held.",
    "event_attendance_rate": "Over the events held in the period: registrations with status `attended` / "
                             "registrations with status `registered`, `attended` or `no_show` (cancelled "
                             "registrations never count).",
    "leads_assigned": "Count of leads whose assigned_at is in the period.",
    "median_first_touch_hours": "Median of (first_touch_at − assigned_at) in hours over the leads assigned in "
                                "the period that have first_touch_at. Reading: as_of does not apply.",
    "sla_compliance": "Leads assigned in the period first touched within sla_hours of assigned_at "
                      "(first_touch_at − assigned_at ≤ sla_hours) / leads assigned in the period that were "
                      "either touched or whose deadline (assigned_at + sla_hours) is before as_of, whatever "
                      "their status. Reading: 'touched' = has a first_touch_at as stored now; 'before as_of' = "
                      "strictly before.",
    "untouched_leads": "Leads assigned in the period with no first_touch_at, not disqualified, whose deadline "
                       "(assigned_at + sla_hours) is strictly before as_of.",
    "note_read_rate": "Over notes published in the period (each published version its own note): Σ per note of "
                      "distinct active reps in the note's campaign's target territories with a read receipt "
                      "up to as_of / Σ per note of active reps in those territories. Reading: a receipt counts "
                      "when read_at ≤ as_of; users' role, activity and territory as stored now; with a territory "
                      "filter, notes of campaigns targeting it and only that territory's reps; the segment "
                      "filter does not apply to notes.",
    "ltv_by_segment": "Per account segment with at least one account with a won deal: Σ amount of all `won` "
                      "opportunities ever of accounts in the segment / number of such accounts. Lifetime (no "
                      "period). Accounts without a segment and won deals without an account are left out. "
                      "Reading: a territory filter keeps accounts of that territory and their won deals in it.",
}

DEFINITIONS = {key: text + _FILTERS for key, text in DEFINITIONS.items()}
