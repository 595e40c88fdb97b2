"""Tables, enums, column types, the engine and the session factory."""
from .code_counter import CodeCounter  # noqa: F401
from .enums import *  # noqa: F401,F403
from .tables import (  # noqa: F401
    Account,
    Activity,
    AuditLog,
    CalendarToken,
    Campaign,
    CampaignNote,
    CampaignTerritory,
    Event,
    Feedback,
    ImportBatch,
    Lead,
    LeadEscalation,
    LeadRejection,
    LoginThrottle,
    MailDigest,
    MonthlyTarget,
    NoteRead,
    Notification,
    Opportunity,
    Registration,
    Setting,
    Territory,
    User,
)
from .types import Money, UTCDateTime, to_money, utcnow  # noqa: F401
