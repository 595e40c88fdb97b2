"""The head every campaign row starts with, in the marketing workspace and in the field's event
list alike: its key, names, channel, status and dates (the columns in that order)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class CampaignHead:
    id: int
    code: str
    name: str
    channel: str
    status: str
    start_date: date
    end_date: date
