"""The schema: every entity of DESIGN.md as a SQLModel table.

Natural keys are those of the CSV bundle (docs/BUNDLE.md) and are unique in the database.
Enumerations are VARCHAR + CHECK (non-native) so SQLite and PostgreSQL enforce the same sets.
Money is ``Money`` (integer cents) and timestamps ``UTCDateTime`` (UTC), see ``models.types``.
``version`` columns on rows that people edit concurrently give optimistic locking.

One module per domain; this package re-exports every table (and the column helpers), so
``from models.tables import X`` works and importing it puts every table on ``SQLModel.metadata``.
"""
from .columns import enum_col, fk, money_col, ts_col
from .people import Territory, User, LoginThrottle, Account
from .marketing import Campaign, CampaignTerritory, Event, CampaignNote, NoteRead, Feedback
from .registrations import Registration, CalendarToken
from .leads import ImportBatch, Lead, LeadRejection, LeadEscalation, Notification, MailDigest
from .sales import Opportunity, Activity, MonthlyTarget
from .admin import Setting, AuditLog

__all__ = [
    "enum_col",
    "fk",
    "money_col",
    "ts_col",
    "Territory",
    "User",
    "LoginThrottle",
    "Account",
    "Campaign",
    "CampaignTerritory",
    "Event",
    "CampaignNote",
    "NoteRead",
    "Feedback",
    "Registration",
    "CalendarToken",
    "ImportBatch",
    "Lead",
    "LeadRejection",
    "LeadEscalation",
    "Notification",
    "MailDigest",
    "Opportunity",
    "Activity",
    "MonthlyTarget",
    "Setting",
    "AuditLog",
]
