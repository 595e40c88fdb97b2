"""Every enumerated value of the domain, one StrEnum each, shared by models, forms and importers."""
from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    rep = "rep"
    manager = "manager"
    marketer = "marketer"
    executive = "executive"
    admin = "admin"


class Segment(StrEnum):
    enterprise = "enterprise"
    mid_market = "mid_market"
    smb = "smb"


class Channel(StrEnum):
    event = "event"
    webinar = "webinar"
    email = "email"
    digital = "digital"
    print = "print"
    partner = "partner"
    other = "other"


class CampaignStatus(StrEnum):
    planned = "planned"
    active = "active"
    completed = "completed"
    cancelled = "cancelled"


class EventKind(StrEnum):
    seminar = "seminar"
    trade_show = "trade_show"
    webinar = "webinar"
    roadshow = "roadshow"
    workshop = "workshop"
    promotion = "promotion"
    other = "other"


class EventStatus(StrEnum):
    scheduled = "scheduled"
    cancelled = "cancelled"


class NoteStatus(StrEnum):
    draft = "draft"
    published = "published"


class LeadStatus(StrEnum):
    new = "new"
    working = "working"
    qualified = "qualified"
    converted = "converted"
    disqualified = "disqualified"
    # The second round's handoff (KPIS.md "The handoff as a process"): the rep's answer, and
    # marketing's recycling of a rejected lead.
    accepted = "accepted"
    rejected = "rejected"
    nurture = "nurture"


# Open = in a rep's hands and not yet closed (rejected and nurture leads are back with marketing).
OPEN_LEAD_STATUSES = (LeadStatus.new, LeadStatus.accepted, LeadStatus.working, LeadStatus.qualified)


class RejectReason(StrEnum):
    """Why a rep hands a lead back to marketing."""
    not_my_territory = "not_my_territory"
    duplicate = "duplicate"
    bad_contact = "bad_contact"
    not_a_fit = "not_a_fit"
    too_early = "too_early"
    other = "other"


class Stage(StrEnum):
    prospecting = "prospecting"
    engaging = "engaging"
    proposal = "proposal"
    won = "won"
    lost = "lost"


OPEN_STAGES = (Stage.prospecting, Stage.engaging, Stage.proposal)
CLOSED_STAGES = (Stage.won, Stage.lost)


class ActivityKind(StrEnum):
    call = "call"
    visit = "visit"
    email = "email"
    meeting = "meeting"
    event = "event"


class FeedbackKind(StrEnum):
    question = "question"
    objection = "objection"
    competitor = "competitor"
    win_story = "win_story"
    other = "other"


class SettingKey(StrEnum):
    sla_hours = "sla_hours"
    time_zone = "time_zone"
    currency = "currency"
    # The SLA policy and escalation ladder (DESIGN.md "Second round").
    sla_hours_enterprise = "sla_hours_enterprise"
    sla_hours_mid_market = "sla_hours_mid_market"
    sla_hours_smb = "sla_hours_smb"
    sla_clock = "sla_clock"
    business_hours = "business_hours"
    business_days = "business_days"
    holiday_country = "holiday_country"
    warn_before_hours = "warn_before_hours"
    reassign_after_hours = "reassign_after_hours"


# An empty value means "not set" (a segment's SLA falls back to sla_hours; no reassignment).
SETTING_DEFAULTS = {
    SettingKey.sla_hours: "24",
    SettingKey.time_zone: "Asia/Seoul",
    SettingKey.currency: "KRW",
    SettingKey.sla_hours_enterprise: "",
    SettingKey.sla_hours_mid_market: "",
    SettingKey.sla_hours_smb: "",
    SettingKey.sla_clock: "wall",
    SettingKey.business_hours: "09:00-18:00",
    SettingKey.business_days: "Mon-Fri",
    SettingKey.holiday_country: "KR",
    SettingKey.warn_before_hours: "4",
    SettingKey.reassign_after_hours: "",
}


class SlaClock(StrEnum):
    wall = "wall"          # plain elapsed hours
    business = "business"  # business hours on business days, public holidays excluded


class NotificationKind(StrEnum):
    lead_assigned = "lead_assigned"
    lead_due_soon = "lead_due_soon"
    lead_overdue = "lead_overdue"
    lead_reassigned = "lead_reassigned"
    lead_rejected = "lead_rejected"
    note_published = "note_published"
    feedback_answered = "feedback_answered"
    event_changed = "event_changed"


class EscalationStep(StrEnum):
    """The ladder's steps, each taken once per hand-over."""
    warn = "warn"
    overdue = "overdue"
    reassign = "reassign"


class DisqualifyReason(StrEnum):
    no_budget = "no_budget"
    no_need = "no_need"
    competitor_chosen = "competitor_chosen"
    unreachable = "unreachable"
    duplicate = "duplicate"
    not_decision_maker = "not_decision_maker"
    other = "other"


class Language(StrEnum):
    """A user's interface language; none chosen = the browser's."""
    ko = "ko"
    en = "en"


class NotifyPreference(StrEnum):
    """How a user hears of their notifications besides the portal's inbox."""
    inbox = "inbox"      # the portal only
    email = "email"      # an e-mail at once
    digest = "digest"    # one e-mail a day, in the company time zone


class RegistrationStatus(StrEnum):
    """An event registration: registered, then attended or no-show after the event; or cancelled."""
    registered = "registered"
    attended = "attended"
    no_show = "no_show"
    cancelled = "cancelled"
