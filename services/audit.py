"""The append-only audit log: who, when, which entity and key, what action, fields before/after."""
from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from sqlmodel import Session

from models.tables import AuditLog
from models.types import utcnow


def _jsonable(value: Any):
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Enum):
        return value.value
    return value


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Only the fields that changed, as {field: {"before": x, "after": y}}."""
    out = {}
    for key in sorted(set(before) | set(after)):
        old, new = _jsonable(before.get(key)), _jsonable(after.get(key))
        if old != new:
            out[key] = {"before": old, "after": new}
    return out


def snapshot(row, fields: list[str]) -> dict[str, Any]:
    return {f: getattr(row, f) for f in fields}


def record(*, session: Session, username: str | None, action: str, entity: str,
           entity_key: str | None = None, detail: dict[str, Any] | None = None,
           at: datetime | None = None) -> AuditLog:
    entry = AuditLog(
        at=at or utcnow(), username=username, action=action, entity=entity,
        entity_key=None if entity_key is None else str(entity_key),
        detail=None if detail is None else json.dumps(detail, default=_jsonable, ensure_ascii=False, sort_keys=True),
    )
    session.add(entry)
    return entry
