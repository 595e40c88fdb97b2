"""The bundle format of docs/BUNDLE.md as data: every file, every column, in the document's order.

One description drives validation, loading and export, so the three cannot disagree.
``db`` is the column of the target table; for a reference it is the foreign-key column and
``ref`` names the entity whose natural key the bundle cell holds.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy import Table

from models.inputs import column_length
from models.enums import (
    ActivityKind, CampaignStatus, Channel, EventKind, EventStatus, FeedbackKind, Language, LeadStatus,
    NoteStatus, NotifyPreference, RegistrationStatus, RejectReason, Role, Segment, SettingKey, Stage,
)
from models.tables import (
    Account, Activity, AuditLog, Campaign, CampaignNote, Event, Feedback, Lead, LeadRejection, MonthlyTarget,
    NoteRead, Opportunity, Registration, Setting, Territory, User,
)

TEXT, ENUM, DATE, TIMESTAMP, MONEY, INT, BOOL, MONTH, JSON, REF, CODES = (
    "text", "enum", "date", "timestamp", "money", "int", "bool", "month", "json", "ref", "codes")


@dataclass(frozen=True)
class Entity:
    """Something other rows point at by a natural key."""
    name: str
    table: Table
    key: str          # the natural-key column of ``table``
    unknown: str      # how an unknown key is described: "unknown code 'X'"


ENTITIES = {
    "territory": Entity("territory", Territory.__table__, "code", "unknown code"),
    "user": Entity("user", User.__table__, "username", "unknown user"),
    "account": Entity("account", Account.__table__, "name", "unknown account"),
    "campaign": Entity("campaign", Campaign.__table__, "code", "unknown code"),
    "event": Entity("event", Event.__table__, "code", "unknown code"),
    "lead": Entity("lead", Lead.__table__, "code", "unknown code"),
    "opportunity": Entity("opportunity", Opportunity.__table__, "code", "unknown code"),
}


@dataclass(frozen=True)
class Col:
    name: str
    kind: str = TEXT
    required: bool = False
    db: str | None = None                  # target column; None = not a column of the table
    enum: type[StrEnum] | None = None
    ref: str | None = None                 # entity name for REF / CODES
    default: object = None                 # used when the cell is empty or the column absent
    late: bool = False                     # a reference set after every row of the file exists
    fold_case: bool = False                # a key compared without (ASCII) case, e.g. an e-mail


@dataclass(frozen=True)
class FileSpec:
    name: str
    table: Table
    columns: tuple[Col, ...]
    key: tuple[str, ...]                   # bundle columns matched on (BUNDLE.md); () = every column
    entity: str | None = None              # rows of this file are referenced as this entity
    constants: dict = field(default_factory=dict)   # NOT NULL columns outside the bundle, on insert
    bump_version: bool = False             # optimistic-locking ``version`` column, +1 on change
    # No unique index: rows sharing a key (two calls logged the same minute) are legitimate and
    # are matched by occurrence, the n-th such row of the file to the n-th in the database.
    repeats_allowed: bool = False
    # NOT NULL columns outside the bundle holding a bundle column lower-cased (ASCII), and the
    # columns of the unique key re-imports are matched on when it is not the key columns' own.
    lowered: dict = field(default_factory=dict)
    conflict: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def col(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)

    def max_length(self, col: Col) -> int | None:
        if col.kind != TEXT or col.db is None:
            return None
        return column_length(self.table, col.db)


def _c(name, kind=TEXT, required=False, db=None, **kw) -> Col:
    return Col(name, kind, required, db if db is not None else (None if kind == CODES else name), **kw)


def _ref(name, entity, required=False, db=None, late=False) -> Col:
    return Col(name, REF, required, db or f"{name}_id", ref=entity, late=late)


FILES: tuple[FileSpec, ...] = (
    FileSpec("territories.csv", Territory.__table__, (
        _c("code", required=True), _c("name", required=True),
    ), key=("code",), entity="territory"),
    FileSpec("users.csv", User.__table__, (
        _c("username", required=True), _c("display_name", required=True), _c("email"),
        _c("role", ENUM, True, enum=Role), _ref("territory", "territory"),
        _ref("manager", "user", late=True), _c("active", BOOL, default=True), _c("password_hash"),
        _c("language", ENUM, enum=Language), _c("notify", ENUM, enum=NotifyPreference, default=NotifyPreference.inbox),
    ), key=("username",), entity="user", constants={"must_change_password": False}),
    FileSpec("accounts.csv", Account.__table__, (
        _c("name", required=True), _c("sector"), _c("segment", ENUM, enum=Segment),
        _ref("territory", "territory"), _ref("owner", "user"),
    ), key=("name",), entity="account"),
    FileSpec("campaigns.csv", Campaign.__table__, (
        _c("code", required=True), _c("name", required=True),
        _c("channel", ENUM, True, enum=Channel), _c("status", ENUM, True, enum=CampaignStatus),
        _c("start_date", DATE, True), _c("end_date", DATE, True), _c("objective"),
        _c("budget", MONEY), _c("actual_cost", MONEY), _c("target_segment", ENUM, enum=Segment),
        _ref("owner", "user"), _c("territories", CODES, ref="territory"),
    ), key=("code",), entity="campaign", constants={"version": 1}, bump_version=True),
    FileSpec("events.csv", Event.__table__, (
        _c("code", required=True), _ref("campaign", "campaign", True), _c("title", required=True),
        _c("kind", ENUM, True, enum=EventKind), _ref("territory", "territory", True), _c("venue"),
        _c("starts_at", TIMESTAMP, True), _c("ends_at", TIMESTAMP, True), _c("capacity", INT),
        _c("status", ENUM, enum=EventStatus, default=EventStatus.scheduled),
    ), key=("code",), entity="event"),
    FileSpec("registrations.csv", Registration.__table__, (
        _ref("event", "event", True), _c("email", required=True, fold_case=True), _c("company", required=True),
        _c("contact_name"), _c("phone"), _c("status", ENUM, True, enum=RegistrationStatus),
        _c("registered_at", TIMESTAMP, True), _c("checked_in_at", TIMESTAMP), _ref("lead", "lead"),
    ), key=("event", "email"), lowered={"email_key": "email"}, conflict=("event_id", "email_key")),
    FileSpec("notes.csv", CampaignNote.__table__, (
        _ref("campaign", "campaign", True), _c("version", INT, True), _c("title", required=True),
        _c("body_md", required=True), _c("status", ENUM, True, enum=NoteStatus),
        _c("published_at", TIMESTAMP), _ref("author", "user"),
    ), key=("campaign", "version")),
    FileSpec("note_reads.csv", NoteRead.__table__, (
        # campaign + version together name the note (note_id); see load.py
        _c("campaign", REF, True, db="", ref="campaign"), _c("version", INT, True, db=""),
        _ref("username", "user", True, db="user_id"), _c("read_at", TIMESTAMP, True),
    ), key=("campaign", "version", "username")),
    FileSpec("leads.csv", Lead.__table__, (
        _c("code", required=True), _ref("campaign", "campaign", True), _ref("event", "event"),
        _ref("account", "account"), _c("company", required=True), _c("contact_name"), _c("email"),
        _c("phone"), _ref("territory", "territory"), _ref("assigned_to", "user"),
        _c("status", ENUM, True, enum=LeadStatus), _c("created_at", TIMESTAMP, True),
        _c("assigned_at", TIMESTAMP), _c("due_at", TIMESTAMP), _c("accepted_at", TIMESTAMP),
        _c("recycled_at", TIMESTAMP), _c("first_touch_at", TIMESTAMP), _c("converted_at", TIMESTAMP),
        _c("disqualify_reason"), _ref("opportunity", "opportunity", late=True),
    ), key=("code",), entity="lead", constants={"version": 1}, bump_version=True),
    FileSpec("lead_rejections.csv", LeadRejection.__table__, (
        _ref("lead", "lead", True), _ref("username", "user", True, db="user_id"),
        _c("reason", ENUM, True, enum=RejectReason), _c("note"), _c("rejected_at", TIMESTAMP, True),
    ), key=("lead", "rejected_at")),
    FileSpec("opportunities.csv", Opportunity.__table__, (
        _c("code", required=True), _c("name", required=True), _ref("account", "account"),
        _ref("owner", "user"), _ref("territory", "territory", True),
        _c("stage", ENUM, True, enum=Stage), _c("amount", MONEY), _c("product"),
        _c("opened_on", DATE), _c("expected_close_on", DATE), _c("closed_on", DATE),
        _ref("source_campaign", "campaign"), _ref("lead", "lead"),
    ), key=("code",), entity="opportunity", constants={"version": 1}, bump_version=True),
    FileSpec("activities.csv", Activity.__table__, (
        _ref("username", "user", True, db="user_id"), _c("kind", ENUM, True, enum=ActivityKind),
        _c("occurred_at", TIMESTAMP, True), _ref("account", "account"), _ref("lead", "lead"),
        _ref("opportunity", "opportunity"), _ref("event", "event"), _c("notes"),
    ), key=("username", "kind", "occurred_at", "account", "lead", "opportunity", "event"),
        repeats_allowed=True),
    FileSpec("targets.csv", MonthlyTarget.__table__, (
        _ref("territory", "territory", True), _c("month", MONTH, True),
        _c("revenue_target", MONEY), _c("forecast", MONEY), _c("lead_commitment", INT),
    ), key=("territory", "month")),
    FileSpec("feedback.csv", Feedback.__table__, (
        _ref("campaign", "campaign"), _ref("event", "event"), _ref("username", "user", True, db="user_id"),
        _c("kind", ENUM, True, enum=FeedbackKind), _c("body", required=True),
        _c("created_at", TIMESTAMP, True), _c("answer"), _ref("answered_by", "user"),
        _c("answered_at", TIMESTAMP), _c("resolved_at", TIMESTAMP),
    ), key=("username", "created_at", "kind")),
    FileSpec("settings.csv", Setting.__table__, (
        _c("key", ENUM, True, enum=SettingKey), _c("value", required=True),
    ), key=("key",)),
    FileSpec("audit_log.csv", AuditLog.__table__, (
        _c("at", TIMESTAMP, True), _c("username"), _c("action", required=True),
        _c("entity", required=True), _c("entity_key"), _c("detail", JSON),
    ), key=("at", "username", "action", "entity", "entity_key", "detail"), repeats_allowed=True),
)

BY_NAME = {f.name: f for f in FILES}

# Settings first (the time zone reads every timestamp); then referenced before referencing.
# Opportunities precede leads: a lead's opportunity and an opportunity's lead point both ways,
# the latter is checked once leads.csv has been read.
VALIDATION_ORDER = (
    "settings.csv", "territories.csv", "users.csv", "accounts.csv", "campaigns.csv", "events.csv",
    "notes.csv", "note_reads.csv", "opportunities.csv", "leads.csv", "lead_rejections.csv", "registrations.csv",
    "activities.csv", "targets.csv", "feedback.csv", "audit_log.csv",
)
# Leads are written before opportunities (opportunity.lead_id), then linked (lead.opportunity_id).
LOAD_ORDER = (
    "settings.csv", "territories.csv", "users.csv", "accounts.csv", "campaigns.csv", "events.csv",
    "notes.csv", "note_reads.csv", "leads.csv", "lead_rejections.csv", "opportunities.csv", "registrations.csv",
    "activities.csv", "targets.csv", "feedback.csv", "audit_log.csv",
)
assert set(VALIDATION_ORDER) == set(BY_NAME) == set(LOAD_ORDER)
