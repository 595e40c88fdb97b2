"""Erasing a person's data on request (Korea's PIPA): the lead record and every number built on
it stay; the contact name, e-mail and phone are gone. The audit entry records that it happened,
never the erased values."""
from __future__ import annotations

from sqlmodel import Session, select

from models.enums import Role
from models.errors import NotFound
from models.tables import Lead
from queries.scope import Viewer, require_role
from services import audit

PERSONAL_FIELDS = ("contact_name", "email", "phone")


def erase_lead_personal_data(viewer: Viewer, lead_code: str, *, session: Session, reason: str) -> Lead:
    require_role(viewer, Role.admin, Role.marketer)
    reason = (reason or "").strip()
    if not reason:
        from models.errors import ValidationFailed
        raise ValidationFailed("reason: say why (e.g. the request's reference)")
    lead = session.exec(select(Lead).where(Lead.code == lead_code)).first()
    if lead is None:
        raise NotFound(f"no lead with code {lead_code!r}")
    erased = [f for f in PERSONAL_FIELDS if getattr(lead, f) is not None]
    for field in PERSONAL_FIELDS:
        setattr(lead, field, None)
    lead.version += 1
    audit.record(session=session, username=viewer.username, action="erase_personal_data", entity="lead",
                 entity_key=lead_code, detail={"fields": erased, "reason": reason[:500]})
    return lead
