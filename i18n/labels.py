"""What a person reads for each enumerated value: one ``N_()`` label per StrEnum member.

Codes stay in the database, the bundle and URLs; the screen, exports and messages show
``label(member)`` (translated into the current language). ``label`` accepts a member or its code
string, so a dataframe column of codes is relabelled with ``relabel(df, {"stage": Stage})``.
"""
from __future__ import annotations

import re
from enum import StrEnum

from i18n import N_, _, current_language
from models.enums import (ActivityKind, CampaignStatus, Channel, DisqualifyReason, EscalationStep, EventKind,
                          EventStatus, FeedbackKind, Language, LeadStatus, NoteStatus, NotificationKind,
                          NotifyPreference, RegistrationStatus, RejectReason, Role, Segment, SettingKey, SlaClock,
                          Stage)

LABELS: dict[type[StrEnum], dict[str, str]] = {
    Role: {
        Role.rep: N_("Sales rep"), Role.manager: N_("Sales manager"), Role.marketer: N_("Marketer"),
        Role.executive: N_("Executive"), Role.admin: N_("Administrator"),
    },
    Segment: {
        Segment.enterprise: N_("Enterprise"), Segment.mid_market: N_("Mid-market"), Segment.smb: N_("Small business"),
    },
    Channel: {
        Channel.event: N_("Event"), Channel.webinar: N_("Webinar"), Channel.email: N_("E-mail"),
        Channel.digital: N_("Digital"), Channel.print: N_("Print"), Channel.partner: N_("Partner"),
        Channel.other: N_("Other channel"),
    },
    CampaignStatus: {
        CampaignStatus.planned: N_("Planned"), CampaignStatus.active: N_("Active"),
        CampaignStatus.completed: N_("Completed"), CampaignStatus.cancelled: N_("Cancelled"),
    },
    EventKind: {
        EventKind.seminar: N_("Seminar"), EventKind.trade_show: N_("Trade show"), EventKind.webinar: N_("Webinar"),
        EventKind.roadshow: N_("Roadshow"), EventKind.workshop: N_("Workshop"), EventKind.promotion: N_("Promotion"),
        EventKind.other: N_("Other event"),
    },
    EventStatus: {EventStatus.scheduled: N_("Scheduled"), EventStatus.cancelled: N_("Cancelled")},
    NoteStatus: {NoteStatus.draft: N_("Draft"), NoteStatus.published: N_("Published")},
    LeadStatus: {
        LeadStatus.new: N_("New"), LeadStatus.working: N_("Working"), LeadStatus.qualified: N_("Qualified"),
        LeadStatus.converted: N_("Converted"), LeadStatus.disqualified: N_("Disqualified"),
        LeadStatus.accepted: N_("Accepted"), LeadStatus.rejected: N_("Rejected, back with marketing"),
        LeadStatus.nurture: N_("Nurture (recycled to marketing)"),
    },
    Stage: {
        Stage.prospecting: N_("Prospecting"), Stage.engaging: N_("Engaging"), Stage.proposal: N_("Proposal"),
        Stage.won: N_("Won"), Stage.lost: N_("Lost"),
    },
    ActivityKind: {
        ActivityKind.call: N_("Call"), ActivityKind.visit: N_("Visit"), ActivityKind.email: N_("E-mail"),
        ActivityKind.meeting: N_("Meeting"), ActivityKind.event: N_("Event"),
    },
    FeedbackKind: {
        FeedbackKind.question: N_("Customer question"), FeedbackKind.objection: N_("Objection"),
        FeedbackKind.competitor: N_("Competitor news"), FeedbackKind.win_story: N_("Win story"),
        FeedbackKind.other: N_("Other feedback"),
    },
    SettingKey: {
        SettingKey.sla_hours: N_("Lead follow-up deadline (hours)"), SettingKey.time_zone: N_("Company time zone"),
        SettingKey.currency: N_("Currency"),
        SettingKey.sla_hours_enterprise: N_("SLA hours, enterprise (empty = the general SLA)"),
        SettingKey.sla_hours_mid_market: N_("SLA hours, mid-market (empty = the general SLA)"),
        SettingKey.sla_hours_smb: N_("SLA hours, SMB (empty = the general SLA)"),
        SettingKey.sla_clock: N_("SLA clock"),
        SettingKey.business_hours: N_("Business hours (e.g. 09:00-18:00)"),
        SettingKey.business_days: N_("Business days (e.g. Mon-Fri)"),
        SettingKey.holiday_country: N_("Public holidays of (country code, e.g. KR)"),
        SettingKey.warn_before_hours: N_("Warn the rep this many hours before the deadline"),
        SettingKey.reassign_after_hours: N_("Reassign this many hours after the deadline (empty = never)"),
    },
    SlaClock: {
        SlaClock.wall: N_("Wall clock (elapsed hours)"),
        SlaClock.business: N_("Business hours on business days, public holidays excluded"),
    },
    EscalationStep: {
        EscalationStep.warn: N_("Warning before the deadline"), EscalationStep.overdue: N_("Manager told at the deadline"),
        EscalationStep.reassign: N_("Reassigned after the deadline"),
    },
    RejectReason: {
        RejectReason.not_my_territory: N_("Not my territory"), RejectReason.duplicate: N_("Duplicate"),
        RejectReason.bad_contact: N_("Bad contact details"), RejectReason.not_a_fit: N_("Not a fit"),
        RejectReason.too_early: N_("Too early"), RejectReason.other: N_("Other"),
    },
    NotificationKind: {
        NotificationKind.lead_assigned: N_("Lead handed to you"), NotificationKind.lead_due_soon: N_("Lead due soon"),
        NotificationKind.lead_overdue: N_("Lead overdue"), NotificationKind.lead_reassigned: N_("Lead reassigned"),
        NotificationKind.lead_rejected: N_("Lead rejected"), NotificationKind.note_published: N_("New campaign note"),
        NotificationKind.feedback_answered: N_("Feedback answered"), NotificationKind.event_changed: N_("Event changed"),
    },
    DisqualifyReason: {
        DisqualifyReason.no_budget: N_("No budget"), DisqualifyReason.no_need: N_("No need"),
        DisqualifyReason.competitor_chosen: N_("Chose a competitor"), DisqualifyReason.unreachable: N_("Unreachable"),
        DisqualifyReason.duplicate: N_("Duplicate"), DisqualifyReason.not_decision_maker: N_("Not the decision maker"),
        DisqualifyReason.other: N_("Other reason"),
    },
    Language: {Language.ko: N_("Korean (한국어)"), Language.en: N_("English")},
    NotifyPreference: {
        NotifyPreference.inbox: N_("In the portal only"), NotifyPreference.email: N_("E-mail at once"),
        NotifyPreference.digest: N_("One e-mail a day"),
    },
    RegistrationStatus: {
        RegistrationStatus.registered: N_("Registered"), RegistrationStatus.attended: N_("Attended"),
        RegistrationStatus.no_show: N_("No-show"), RegistrationStatus.cancelled: N_("Cancelled"),
    },
}


def label(value, enum: type[StrEnum] | None = None) -> str:
    """The translated label of an enum member (or of its code, given the enum); unknown → the code."""
    if value is None:
        return ""
    if enum is None and isinstance(value, StrEnum):
        enum = type(value)
    table = LABELS.get(enum) if enum is not None else None
    if table is None:
        return str(value)
    text = table.get(str(value))
    return _(text) if text else str(value)


def labeller(enum: type[StrEnum]):
    """A ``format_func`` for selectboxes of codes or members of ``enum``."""
    return lambda value: label(value, enum)


def choices(enum: type[StrEnum]) -> dict[str, str]:
    """code → translated label, in the enum's order."""
    return {member.value: label(member) for member in enum}


def relabel(frame, columns: dict[str, type[StrEnum]]):
    """A copy of a DataFrame whose code columns show labels."""
    frame = frame.copy()
    for column, enum in columns.items():
        if column in frame.columns:
            frame[column] = frame[column].map(lambda v, e=enum: label(v, e) if v is not None and v == v else v)
    return frame


def reason_text(stored: str | None) -> str:
    """A lead's stored disqualify reason ('no_budget' or 'no_budget: frozen until April') as a person
    reads it: 'No budget' / 'No budget: frozen until April' in the current language."""
    if not stored:
        return ""
    code, sep, rest = str(stored).partition(":")
    if code.strip() not in LABELS[DisqualifyReason]:
        return str(stored)
    return label(code.strip(), DisqualifyReason) + (f": {rest.strip()}" if sep and rest.strip() else "")


# Column headers of the KPI drill-downs and their exports (the frames keep these codes; people read
# the labels). A column not listed shows its code with spaces.
COLUMN_LABELS = {
    "code": N_("Code"), "name": N_("Name"), "territory": N_("Territory"), "account": N_("Account"),
    "segment": N_("Segment"), "stage": N_("Stage"), "amount": N_("Amount"), "opened_on": N_("Opened on"),
    "closed_on": N_("Closed on"), "source_campaign": N_("Source campaign"), "cycle_days": N_("Sales cycle (days)"),
    "month": N_("Month"), "revenue_target": N_("Revenue target"), "forecast": N_("Forecast"),
    "start_date": N_("Start date"), "target_segment": N_("Target segment"),
    "target_territories": N_("Target territories"), "actual_cost": N_("Actual cost"),
    "attributed_cost": N_("Attributed cost"), "attributed_won_revenue": N_("Attributed won revenue"),
    "company": N_("Company"), "campaign": N_("Campaign"), "status": N_("Status"), "created": N_("Created"),
    "assigned": N_("Handed to sales"), "first_touch": N_("First touch"), "title": N_("Title"), "kind": N_("Kind"),
    "starts": N_("Starts"), "leads": N_("Leads"), "published": N_("Published"), "reps_read": N_("Reps who read it"),
    "reps_targeted": N_("Reps targeted"), "version": N_("Version"), "won_amount": N_("Won amount"),
    "won_deals": N_("Won deals"), "record": N_("Record"), "date": N_("Date"), "won_revenue": N_("Won revenue"),
    "accuracy": N_("Accuracy"), "converted": N_("Converted"), "won": N_("Won"), "sourced_amount": N_("Marketing-sourced amount"),
    "hours_to_first_touch": N_("Hours to first touch"), "within_sla": N_("Within the deadline"),
    "due_at": N_("Deadline"), "deadline": N_("Deadline"), "rep": N_("Rep"), "reason": N_("Reason"),
    "registrations": N_("Registrations"), "attended": N_("Attended"),
}
# Values that are codes in some columns: relabelled for people.
COLUMN_ENUMS = {"stage": Stage, "segment": Segment, "target_segment": Segment, "kind": EventKind,
                "channel": Channel, "role": Role}
RECORD_NOUNS = {"won deal": N_("won deal"), "monthly target": N_("monthly target")}


def people_frame(frame):
    """A copy of a drill-down frame for people and their exports: code values as labels, column
    headers in the current language (the values themselves stay exact)."""
    frame = relabel(frame, {c: e for c, e in COLUMN_ENUMS.items() if c in frame.columns})
    if "status" in frame.columns:
        frame["status"] = frame["status"].map(lambda v: _status_label(v))
    if "record" in frame.columns:
        frame["record"] = frame["record"].map(lambda v: _(RECORD_NOUNS[v]) if v in RECORD_NOUNS else v)
    for column in ("within_sla", "converted", "won"):
        if column in frame.columns:
            frame[column] = frame[column].map(lambda v: v if v is None or v != v else (_("Yes") if int(v) else _("No")))
    return frame.rename(columns={c: _(COLUMN_LABELS[c]) if c in COLUMN_LABELS else c.replace("_", " ")
                                 for c in frame.columns})


def _status_label(value):
    for enum in (LeadStatus, EventStatus, CampaignStatus, NoteStatus):
        if value in LABELS[enum]:
            return label(value, enum)
    return value


# "Seoul 서울": an English name, then its Korean name (the demo's and most real territories' form).
_BILINGUAL = re.compile(r"^(?P<en>[^\uac00-\ud7a3]*[A-Za-z][^\uac00-\ud7a3]*?)\s+(?P<ko>[\uac00-\ud7a3][\uac00-\ud7a3\s]*)$")


def name_in_language(name: str | None, language: str | None = None) -> str | None:
    """The half of a bilingual name ("Seoul 서울") in the reader's language: "Seoul" in English,
    "서울" in Korean. A name of any other form is shown as it is."""
    if not name:
        return name
    match = _BILINGUAL.match(name.strip())
    if not match:
        return name
    return match["ko"].strip() if (language or current_language()) == "ko" else match["en"].strip()
