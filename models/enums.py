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


OPEN_LEAD_STATUSES = (LeadStatus.new, LeadStatus.working, LeadStatus.qualified)


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


SETTING_DEFAULTS = {
    SettingKey.sla_hours: "24",
    SettingKey.time_zone: "Asia/Seoul",
    SettingKey.currency: "KRW",
}


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
