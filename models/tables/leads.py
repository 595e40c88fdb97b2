"""Leads and the handoff: imports, leads, rejections, escalations, notifications and mail digests."""
from __future__ import annotations

from datetime import date, datetime
from typing import Optional

from sqlalchemy import CheckConstraint, Column, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from ..enums import EscalationStep, LeadStatus, NotificationKind, RejectReason
from .columns import duration_us_col, enum_col, fk, ts_col


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
        # A territory's queue, its per-rep counts and its unassigned leads from the index alone; on
        # PostgreSQL with the id, so "the leads of a territory" is an index-only scan too (migration
        # 0012; SQLite keeps the row id in every index anyway).
        Index("ix_lead_territory_queue_cover", "territory_id", "status", "assigned_to_id", "first_touch_at",
              "due_at", "assigned_at", "created_at", postgresql_include=["id"]),
        Index("ix_lead_campaign_created", "campaign_id", "created_at"),   # 0012: a campaign's first lead
        Index("ix_lead_event", "event_id"),
        Index("ix_lead_account", "account_id"),
        Index("ix_lead_created_at", "created_at"),
        Index("ix_lead_batch", "import_batch_id"),
        # Covering indexes for the KPI aggregates and the lead queue (migrations 0002, 0008, 0009, 0011; bench/README.md).
        Index("ix_lead_assigned_cover", "assigned_at", "territory_id", "first_touch_at", "due_at", "status",
              "touch_delay_us"),
        Index("ix_lead_territory_assigned_cover", "territory_id", "assigned_at", "first_touch_at", "due_at",
              "status", "touch_delay_us"),
        Index("ix_lead_created_cover", "created_at", "territory_id", "status", "first_touch_at"),   # 0011: the funnel
        Index("ix_lead_territory_created_cover", "territory_id", "created_at", "status", "first_touch_at"),
        Index("ix_lead_campaign_territory", "campaign_id", "territory_id"),
        Index("ix_lead_event_territory", "event_id", "territory_id"),
        Index("ix_lead_assignee_status_assigned", "assigned_to_id", "status", "assigned_at"),
        # The escalation sweep and the company's overdue counts: untouched leads by deadline, a
        # partial index (migration 0010) so a rep's or a territory's counts keep their own index; with
        # the status (0012) the company's count reads no row.
        Index("ix_lead_untouched_due", "due_at", "status", sqlite_where=text("first_touch_at IS NULL"),
              postgresql_where=text("first_touch_at IS NULL")),
        Index("ix_lead_accepted_at", "accepted_at", "territory_id"),   # migration 0009
        Index("ix_lead_recycled_at", "recycled_at", "territory_id"),
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
    # first_touch_at − assigned_at in whole microseconds, computed by the database (migration
    # 0009): the median first touch sorts these integers instead of an expression per row.
    touch_delay_us: Optional[int] = Field(default=None, sa_column=duration_us_col("first_touch_at", "assigned_at"))
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
