"""The schema: every entity of DESIGN.md as a SQLModel table.

Natural keys are those of the CSV bundle (docs/BUNDLE.md) and are unique in the database.
Enumerations are VARCHAR + CHECK (non-native) so SQLite and PostgreSQL enforce the same sets.
Money is ``Money`` (integer cents) and timestamps ``UTCDateTime`` (UTC), see ``models.types``.
``version`` columns on rows that people edit concurrently give optimistic locking.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Optional

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import Enum as SAEnum
from sqlmodel import Field, SQLModel

from .enums import (
    ActivityKind,
    CampaignStatus,
    EscalationStep,
    Channel,
    EventKind,
    EventStatus,
    FeedbackKind,
    Language,
    LeadStatus,
    NoteStatus,
    NotificationKind,
    NotifyPreference,
    RegistrationStatus,
    RejectReason,
    Role,
    Segment,
    Stage,
)
from .types import Money, UTCDateTime, utcnow


def enum_col(enum_cls, *, nullable: bool = False, default=None, index: bool = False) -> Column:
    return Column(
        SAEnum(enum_cls, native_enum=False, create_constraint=True, length=20,
               name=f"ck_{enum_cls.__name__.lower()}", values_callable=lambda e: [m.value for m in e],
               validate_strings=True),
        nullable=nullable, default=default, index=index,
    )


def fk(target: str, *, nullable: bool = True, ondelete: str | None = None, index: bool = False) -> Column:
    return Column(Integer, ForeignKey(target, ondelete=ondelete), nullable=nullable, index=index)


def money_col(nullable: bool = True) -> Column:
    return Column(Money(), nullable=nullable)


def ts_col(nullable: bool = True, index: bool = False) -> Column:
    return Column(UTCDateTime(), nullable=nullable, index=index)


class Territory(SQLModel, table=True):
    __tablename__ = "territory"
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(200), nullable=False))


class User(SQLModel, table=True):
    __tablename__ = "app_user"
    __table_args__ = (
        CheckConstraint("role NOT IN ('rep', 'manager') OR territory_id IS NOT NULL",
                        name="ck_user_field_role_has_territory"),
        Index("ix_user_territory_role_active", "territory_id", "role", "active"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    username: str = Field(sa_column=Column(String(150), nullable=False, unique=True))
    display_name: str = Field(sa_column=Column(String(200), nullable=False))
    email: Optional[str] = Field(default=None, sa_column=Column(String(320)))
    role: Role = Field(sa_column=enum_col(Role))
    territory_id: Optional[int] = Field(default=None, sa_column=fk("territory.id", index=True))
    manager_id: Optional[int] = Field(default=None, sa_column=fk("app_user.id"))
    active: bool = Field(default=True, sa_column=Column(Boolean, nullable=False, default=True))
    password_hash: Optional[str] = Field(default=None, sa_column=Column(String(100)))
    # A one-time password set by an admin must be replaced at the next sign-in.
    must_change_password: bool = Field(default=False, sa_column=Column(Boolean, nullable=False, default=False))
    # Cookies issued before this moment are refused (sign-out, password/role change, disabling).
    session_epoch: Optional[datetime] = Field(default=None, sa_column=ts_col())
    # NULL = not chosen yet: the browser's language decides.
    language: Optional[Language] = Field(default=None, sa_column=enum_col(Language, nullable=True))
    notify: NotifyPreference = Field(
        default=NotifyPreference.inbox,
        sa_column=Column(SAEnum(NotifyPreference, native_enum=False, create_constraint=True, length=20,
                                name="ck_notifypreference", values_callable=lambda e: [m.value for m in e],
                                validate_strings=True),
                         nullable=False, default=NotifyPreference.inbox, server_default="inbox"))


class LoginThrottle(SQLModel, table=True):
    """Failed sign-ins per typed username (existing or not, so lockout reveals nothing)."""
    __tablename__ = "login_throttle"
    username: str = Field(sa_column=Column(String(150), primary_key=True))
    failed_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    first_failed_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    locked_until: Optional[datetime] = Field(default=None, sa_column=ts_col())


class Account(SQLModel, table=True):
    __tablename__ = "account"
    id: Optional[int] = Field(default=None, primary_key=True)
    name: str = Field(sa_column=Column(String(300), nullable=False, unique=True))
    sector: Optional[str] = Field(default=None, sa_column=Column(String(100)))
    segment: Optional[Segment] = Field(default=None, sa_column=enum_col(Segment, nullable=True))
    # NULL territory = a company-wide (key) account.
    territory_id: Optional[int] = Field(default=None, sa_column=fk("territory.id", index=True))
    owner_id: Optional[int] = Field(default=None, sa_column=fk("app_user.id", index=True))


class Campaign(SQLModel, table=True):
    __tablename__ = "campaign"
    __table_args__ = (
        CheckConstraint("end_date >= start_date", name="ck_campaign_dates"),
        CheckConstraint("budget IS NULL OR budget >= 0", name="ck_campaign_budget"),
        CheckConstraint("actual_cost IS NULL OR actual_cost >= 0", name="ck_campaign_cost"),
        Index("ix_campaign_start_date", "start_date"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(300), nullable=False))
    channel: Channel = Field(sa_column=enum_col(Channel))
    status: CampaignStatus = Field(sa_column=enum_col(CampaignStatus))
    start_date: date = Field(sa_column=Column(Date, nullable=False))
    end_date: date = Field(sa_column=Column(Date, nullable=False))
    objective: Optional[str] = Field(default=None, sa_column=Column(Text))
    budget: Optional[Decimal] = Field(default=None, sa_column=money_col())
    actual_cost: Optional[Decimal] = Field(default=None, sa_column=money_col())
    target_segment: Optional[Segment] = Field(default=None, sa_column=enum_col(Segment, nullable=True))
    owner_id: Optional[int] = Field(default=None, sa_column=fk("app_user.id"))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False, default=1))


class CampaignTerritory(SQLModel, table=True):
    """A campaign's target territories; a campaign with no rows here targets every territory."""
    __tablename__ = "campaign_territory"
    campaign_id: int = Field(sa_column=Column(Integer, ForeignKey("campaign.id", ondelete="CASCADE"), primary_key=True))
    territory_id: int = Field(sa_column=Column(Integer, ForeignKey("territory.id"), primary_key=True, index=True))


class Event(SQLModel, table=True):
    __tablename__ = "event"
    __table_args__ = (
        CheckConstraint("ends_at >= starts_at", name="ck_event_dates"),
        CheckConstraint("capacity IS NULL OR capacity >= 0", name="ck_event_capacity"),
        Index("ix_event_territory_starts", "territory_id", "starts_at"),
        Index("ix_event_starts_at", "starts_at"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    campaign_id: int = Field(sa_column=fk("campaign.id", nullable=False, index=True))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    kind: EventKind = Field(sa_column=enum_col(EventKind))
    territory_id: int = Field(sa_column=fk("territory.id", nullable=False))
    venue: Optional[str] = Field(default=None, sa_column=Column(String(300)))
    starts_at: datetime = Field(sa_column=ts_col(nullable=False))
    ends_at: datetime = Field(sa_column=ts_col(nullable=False))
    capacity: Optional[int] = Field(default=None, sa_column=Column(Integer))
    status: EventStatus = Field(default=EventStatus.scheduled, sa_column=enum_col(EventStatus, default=EventStatus.scheduled))
    # iCalendar SEQUENCE: grows whenever the time, venue, title or status changes (calendar feed).
    sequence: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0, server_default="0"))
    # iCalendar LAST-MODIFIED: the last such change.
    updated_at: Optional[datetime] = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=True,
                                                                                    default=utcnow))


class Registration(SQLModel, table=True):
    """One person registered for an event. Key (event, e-mail without case): ``email_key`` is the
    lower-cased e-mail, so the stored ``email`` keeps its spelling for an exact round trip."""
    __tablename__ = "registration"
    __table_args__ = (
        UniqueConstraint("event_id", "email_key", name="uq_registration_event_email"),
        CheckConstraint("checked_in_at IS NULL OR status = 'attended'", name="ck_registration_checked_in"),
        Index("ix_registration_lead", "lead_id"),
        Index("ix_registration_event_status", "event_id", "status"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    event_id: int = Field(sa_column=fk("event.id", nullable=False))
    email: str = Field(sa_column=Column(String(320), nullable=False))
    email_key: str = Field(sa_column=Column(String(320), nullable=False))
    company: str = Field(sa_column=Column(String(300), nullable=False))
    contact_name: Optional[str] = Field(default=None, sa_column=Column(String(200)))
    phone: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    status: RegistrationStatus = Field(default=RegistrationStatus.registered, sa_column=enum_col(RegistrationStatus))
    registered_at: datetime = Field(sa_column=ts_col(nullable=False))
    checked_in_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    lead_id: Optional[int] = Field(default=None, sa_column=fk("lead.id"))


class CalendarToken(SQLModel, table=True):
    """A rep's or manager's private calendar-feed address: only the SHA-256 of the secret token
    is kept. Rotating replaces the row's nonce and hash, so the old address stops working at once."""
    __tablename__ = "calendar_token"
    user_id: int = Field(sa_column=Column(Integer, ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True))
    token_hash: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    # Random per issue; the token is an HMAC of (user, nonce) under the server's key, so the
    # portal and manage.py can show the address again while the database holds only its hash.
    nonce: str = Field(sa_column=Column(String(64), nullable=False))
    created_at: datetime = Field(sa_column=ts_col(nullable=False))


class CampaignNote(SQLModel, table=True):
    """One version of a campaign's talking points. A published version is immutable."""
    __tablename__ = "campaign_note"
    __table_args__ = (
        UniqueConstraint("campaign_id", "version", name="uq_note_campaign_version"),
        CheckConstraint("version >= 1", name="ck_note_version"),
        Index("ix_note_status_published", "status", "published_at"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(sa_column=fk("campaign.id", nullable=False))
    version: int = Field(sa_column=Column(Integer, nullable=False))
    title: str = Field(sa_column=Column(String(300), nullable=False))
    body_md: str = Field(sa_column=Column(Text, nullable=False))
    status: NoteStatus = Field(sa_column=enum_col(NoteStatus))
    published_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    author_id: Optional[int] = Field(default=None, sa_column=fk("app_user.id"))


class NoteRead(SQLModel, table=True):
    __tablename__ = "note_read"
    __table_args__ = (UniqueConstraint("note_id", "user_id", name="uq_note_read"),
                      Index("ix_note_read_note_user_at", "note_id", "user_id", "read_at"))
    id: Optional[int] = Field(default=None, primary_key=True)
    note_id: int = Field(sa_column=fk("campaign_note.id", nullable=False, ondelete="CASCADE"))
    user_id: int = Field(sa_column=fk("app_user.id", nullable=False, index=True))
    read_at: datetime = Field(sa_column=ts_col(nullable=False))


class Feedback(SQLModel, table=True):
    __tablename__ = "feedback"
    __table_args__ = (
        UniqueConstraint("user_id", "created_at", "kind", name="uq_feedback_key"),
        Index("ix_feedback_campaign", "campaign_id"),
        Index("ix_feedback_territory", "territory_id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: Optional[int] = Field(default=None, sa_column=fk("campaign.id"))
    event_id: Optional[int] = Field(default=None, sa_column=fk("event.id"))
    user_id: int = Field(sa_column=fk("app_user.id", nullable=False))
    # The territory the feedback was written in (the author's then), kept when the author moves.
    territory_id: Optional[int] = Field(default=None, sa_column=fk("territory.id"))
    kind: FeedbackKind = Field(sa_column=enum_col(FeedbackKind))
    body: str = Field(sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(sa_column=ts_col(nullable=False))
    answer: Optional[str] = Field(default=None, sa_column=Column(Text))
    answered_by_id: Optional[int] = Field(default=None, sa_column=fk("app_user.id"))
    answered_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    resolved_at: Optional[datetime] = Field(default=None, sa_column=ts_col())


class ImportBatch(SQLModel, table=True):
    """One lead-list upload; its leads can be removed together while none has been touched."""
    __tablename__ = "import_batch"
    id: Optional[int] = Field(default=None, primary_key=True)
    campaign_id: int = Field(sa_column=fk("campaign.id", nullable=False))
    event_id: Optional[int] = Field(default=None, sa_column=fk("event.id"))
    filename: str = Field(sa_column=Column(String(300), nullable=False))
    created_at: datetime = Field(sa_column=ts_col(nullable=False))
    created_by_id: Optional[int] = Field(default=None, sa_column=fk("app_user.id"))
    row_count: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0))
    undone_at: Optional[datetime] = Field(default=None, sa_column=ts_col())


class Lead(SQLModel, table=True):
    __tablename__ = "lead"
    __table_args__ = (
        CheckConstraint("assigned_at IS NULL OR assigned_at >= created_at", name="ck_lead_assigned_after_created"),
        CheckConstraint("first_touch_at IS NULL OR assigned_at IS NULL OR first_touch_at >= assigned_at",
                        name="ck_lead_touch_after_assigned"),
        Index("ix_lead_assignee_status", "assigned_to_id", "status"),
        Index("ix_lead_territory_status", "territory_id", "status"),
        Index("ix_lead_campaign", "campaign_id"),
        Index("ix_lead_event", "event_id"),
        Index("ix_lead_account", "account_id"),
        Index("ix_lead_created_at", "created_at"),
        Index("ix_lead_assigned_at", "assigned_at"),
        Index("ix_lead_batch", "import_batch_id"),
        # Covering indexes for the KPI aggregates and the lead queue (migration 0002, bench/README.md).
        Index("ix_lead_assigned_cover", "assigned_at", "territory_id", "first_touch_at", "status"),
        Index("ix_lead_territory_assigned_cover", "territory_id", "assigned_at", "first_touch_at", "status"),
        Index("ix_lead_created_cover", "created_at", "territory_id", "status"),
        Index("ix_lead_territory_created_cover", "territory_id", "created_at", "status"),
        Index("ix_lead_campaign_territory", "campaign_id", "territory_id"),
        Index("ix_lead_event_territory", "event_id", "territory_id"),
        Index("ix_lead_assignee_status_assigned", "assigned_to_id", "status", "assigned_at"),
        # The escalation sweep: untouched handed-over leads by deadline (migration 0005).
        Index("ix_lead_untouched_due", "first_touch_at", "due_at"),
        Index("ix_lead_accepted_at", "accepted_at"),
        Index("ix_lead_recycled_at", "recycled_at"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    campaign_id: int = Field(sa_column=fk("campaign.id", nullable=False))
    event_id: Optional[int] = Field(default=None, sa_column=fk("event.id"))
    account_id: Optional[int] = Field(default=None, sa_column=fk("account.id"))
    company: str = Field(sa_column=Column(String(300), nullable=False))
    contact_name: Optional[str] = Field(default=None, sa_column=Column(String(200)))
    email: Optional[str] = Field(default=None, sa_column=Column(String(320)))
    phone: Optional[str] = Field(default=None, sa_column=Column(String(64)))
    # NULL territory = not yet routed.
    territory_id: Optional[int] = Field(default=None, sa_column=fk("territory.id"))
    assigned_to_id: Optional[int] = Field(default=None, sa_column=fk("app_user.id"))
    status: LeadStatus = Field(default=LeadStatus.new, sa_column=enum_col(LeadStatus))
    created_at: datetime = Field(sa_column=ts_col(nullable=False))
    assigned_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    # The response deadline, fixed at the hand-over by the SLA policy then in force (services.sla).
    due_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    accepted_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    recycled_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    first_touch_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    converted_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    disqualify_reason: Optional[str] = Field(default=None, sa_column=Column(Text))
    opportunity_id: Optional[int] = Field(
        default=None,
        sa_column=Column(Integer, ForeignKey("opportunity.id", use_alter=True, name="fk_lead_opportunity")),
    )
    import_batch_id: Optional[int] = Field(default=None, sa_column=fk("import_batch.id"))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False, default=1))


class LeadRejection(SQLModel, table=True):
    """A rep's "not for me": kept for ever, whatever becomes of the lead (history, KPIs, bundle)."""
    __tablename__ = "lead_rejection"
    __table_args__ = (
        UniqueConstraint("lead_id", "rejected_at", name="uq_lead_rejection_key"),
        Index("ix_lead_rejection_at", "rejected_at"),
        Index("ix_lead_rejection_user", "user_id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    lead_id: int = Field(sa_column=fk("lead.id", nullable=False, ondelete="CASCADE"))
    user_id: int = Field(sa_column=fk("app_user.id", nullable=False))
    reason: RejectReason = Field(sa_column=enum_col(RejectReason))
    note: Optional[str] = Field(default=None, sa_column=Column(Text))
    rejected_at: datetime = Field(sa_column=ts_col(nullable=False))


class LeadEscalation(SQLModel, table=True):
    """A step of the escalation ladder taken for one hand-over (the lead's assigned_at then).
    The unique key is what makes the sweep idempotent across processes."""
    __tablename__ = "lead_escalation"
    __table_args__ = (UniqueConstraint("lead_id", "handover_at", "step", name="uq_lead_escalation_step"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    lead_id: int = Field(sa_column=fk("lead.id", nullable=False, ondelete="CASCADE"))
    handover_at: datetime = Field(sa_column=ts_col(nullable=False))
    step: EscalationStep = Field(sa_column=enum_col(EscalationStep))
    done_at: datetime = Field(sa_column=ts_col(nullable=False))


class Notification(SQLModel, table=True):
    """One message to one user. ``mail`` is the user's choice when it was made (email/digest,
    NULL = inbox only); the rows with mail set and no emailed_at are the outbox."""
    __tablename__ = "notification"
    __table_args__ = (
        Index("ix_notification_user_read", "user_id", "read_at"),
        Index("ix_notification_outbox", "mail", "emailed_at"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=fk("app_user.id", nullable=False))
    kind: NotificationKind = Field(sa_column=enum_col(NotificationKind))
    entity: str = Field(sa_column=Column(String(64), nullable=False))
    entity_key: Optional[str] = Field(default=None, sa_column=Column(String(300)))
    # JSON of the message's values (code, company, …); the text is written in the reader's language.
    params: Optional[str] = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(sa_column=ts_col(nullable=False))
    read_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    mail: Optional[str] = Field(default=None, sa_column=Column(String(20)))
    emailed_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    mail_claimed_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    mail_attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0, server_default="0"))
    mail_error: Optional[str] = Field(default=None, sa_column=Column(Text))
    mail_next_at: Optional[datetime] = Field(default=None, sa_column=ts_col())


class MailDigest(SQLModel, table=True):
    """One daily digest per user and company-local day: the unique key keeps it to one."""
    __tablename__ = "mail_digest"
    __table_args__ = (UniqueConstraint("user_id", "day", name="uq_mail_digest_user_day"),)
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=fk("app_user.id", nullable=False))
    day: date = Field(sa_column=Column(Date, nullable=False))
    claimed_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    sent_at: Optional[datetime] = Field(default=None, sa_column=ts_col())
    attempts: int = Field(default=0, sa_column=Column(Integer, nullable=False, default=0, server_default="0"))
    last_error: Optional[str] = Field(default=None, sa_column=Column(Text))
    next_at: Optional[datetime] = Field(default=None, sa_column=ts_col())


class Opportunity(SQLModel, table=True):
    __tablename__ = "opportunity"
    __table_args__ = (
        CheckConstraint("amount IS NULL OR amount >= 0", name="ck_opportunity_amount"),
        Index("ix_opp_territory_closed", "territory_id", "closed_on"),
        Index("ix_opp_closed_stage", "closed_on", "stage"),
        Index("ix_opp_owner_stage", "owner_id", "stage"),
        Index("ix_opp_stage", "stage"),
        Index("ix_opp_account", "account_id"),
        Index("ix_opp_source_campaign", "source_campaign_id"),
        Index("ix_opp_stage_closed_cover", "stage", "closed_on", "territory_id", "amount", "source_campaign_id",
              "opened_on", "account_id"),
        Index("ix_opp_territory_stage_closed_cover", "territory_id", "stage", "closed_on", "amount",
              "source_campaign_id", "opened_on", "account_id"),
        Index("ix_opp_source_campaign_cover", "source_campaign_id", "stage", "closed_on", "amount", "territory_id"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    code: str = Field(sa_column=Column(String(64), nullable=False, unique=True))
    name: str = Field(sa_column=Column(String(300), nullable=False))
    account_id: Optional[int] = Field(default=None, sa_column=fk("account.id"))
    owner_id: Optional[int] = Field(default=None, sa_column=fk("app_user.id"))
    territory_id: int = Field(sa_column=fk("territory.id", nullable=False))
    stage: Stage = Field(sa_column=enum_col(Stage))
    amount: Optional[Decimal] = Field(default=None, sa_column=money_col())
    product: Optional[str] = Field(default=None, sa_column=Column(String(200)))
    opened_on: Optional[date] = Field(default=None, sa_column=Column(Date))
    expected_close_on: Optional[date] = Field(default=None, sa_column=Column(Date))
    closed_on: Optional[date] = Field(default=None, sa_column=Column(Date))
    source_campaign_id: Optional[int] = Field(default=None, sa_column=fk("campaign.id"))
    lead_id: Optional[int] = Field(default=None, sa_column=fk("lead.id"))
    version: int = Field(default=1, sa_column=Column(Integer, nullable=False, default=1))


class Activity(SQLModel, table=True):
    __tablename__ = "activity"
    __table_args__ = (
        Index("ix_activity_user_time", "user_id", "occurred_at"),
        Index("ix_activity_lead", "lead_id"),
        Index("ix_activity_account", "account_id"),
        Index("ix_activity_opportunity", "opportunity_id"),
        Index("ix_activity_territory_time", "territory_id", "occurred_at"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    user_id: int = Field(sa_column=fk("app_user.id", nullable=False))
    # The territory the activity belongs to (the author's when written), kept when the author moves.
    territory_id: Optional[int] = Field(default=None, sa_column=fk("territory.id"))
    kind: ActivityKind = Field(sa_column=enum_col(ActivityKind))
    occurred_at: datetime = Field(sa_column=ts_col(nullable=False))
    account_id: Optional[int] = Field(default=None, sa_column=fk("account.id"))
    lead_id: Optional[int] = Field(default=None, sa_column=fk("lead.id"))
    opportunity_id: Optional[int] = Field(default=None, sa_column=fk("opportunity.id"))
    event_id: Optional[int] = Field(default=None, sa_column=fk("event.id"))
    notes: Optional[str] = Field(default=None, sa_column=Column(Text))


class MonthlyTarget(SQLModel, table=True):
    __tablename__ = "monthly_target"
    __table_args__ = (
        UniqueConstraint("territory_id", "month", name="uq_target_territory_month"),
        CheckConstraint("revenue_target IS NULL OR revenue_target >= 0", name="ck_target_nonneg"),
        CheckConstraint("forecast IS NULL OR forecast >= 0", name="ck_forecast_nonneg"),
        CheckConstraint("lead_commitment IS NULL OR lead_commitment >= 0", name="ck_target_commitment_nonneg"),
    )
    id: Optional[int] = Field(default=None, primary_key=True)
    territory_id: int = Field(sa_column=fk("territory.id", nullable=False))
    # The first day of the month.
    month: date = Field(sa_column=Column(Date, nullable=False, index=True))
    revenue_target: Optional[Decimal] = Field(default=None, sa_column=money_col())
    forecast: Optional[Decimal] = Field(default=None, sa_column=money_col())
    # The leads marketing promises to hand over to the territory that month (the scorecard).
    lead_commitment: Optional[int] = Field(default=None, sa_column=Column(Integer))


class Setting(SQLModel, table=True):
    __tablename__ = "setting"
    key: str = Field(sa_column=Column(String(64), primary_key=True))
    value: str = Field(sa_column=Column(String(200), nullable=False))


class AuditLog(SQLModel, table=True):
    """Append-only: nothing in the application updates or deletes these rows."""
    __tablename__ = "audit_log"
    __table_args__ = (Index("ix_audit_at", "at"), Index("ix_audit_entity", "entity", "entity_key"))
    id: Optional[int] = Field(default=None, primary_key=True)
    at: datetime = Field(sa_column=ts_col(nullable=False))
    username: Optional[str] = Field(default=None, sa_column=Column(String(150), index=True))
    action: str = Field(sa_column=Column(String(64), nullable=False))
    entity: str = Field(sa_column=Column(String(64), nullable=False))
    entity_key: Optional[str] = Field(default=None, sa_column=Column(String(300)))
    detail: Optional[str] = Field(default=None, sa_column=Column(Text))
