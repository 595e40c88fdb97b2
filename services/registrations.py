"""Event registrations: a registration list imported per event (CSV/XLSX, the lead import's
parsing, preview and de-duplication), one added by hand, check-in on the event day (a walk-in
included), no-shows marked after the event.

A registration's key is (event, e-mail without case): ``email_key`` holds the e-mail folded to
lower case (ASCII letters, as the bundle's SQL does), the stored ``email`` keeps its spelling.
An attendee who is not yet a lead of the event's campaign becomes one — campaign and event set,
routed like any lead (services.routing: the account's territory, else the event's; the account's
rep, else the territory's least-loaded rep) — and the registration links to its lead.

Who: marketing (marketer, admin) everywhere; reps and managers only for their own territory's
events (check-in, walk-ins). Every function writes in the caller's transaction and refuses with
every problem before it writes anything.
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, insert, select
from sqlmodel import Session

from i18n import N_, _
from models.enums import EventStatus, LeadStatus, RegistrationStatus, Role
from models.errors import NotFound, ValidationFailed
from models.inputs import RegistrationContact, contact_problems
from models.settings_store import load_settings
from models.tables import Account, Event, Lead, Registration, User
from models.timefmt import local_date, local_midnight_utc
from models.types import utcnow
from queries import registrations as reg_q
from queries.paging import ResultPage
from queries.scope import AccessDenied, Viewer, require_role
from services import audit, codes, notifications, sla
from services.bundle.values import ascii_lower
from services.lead_import import PREVIEW_LIMIT
from services.lead_import_parsing import LeadFile, check_mapping, iter_records, read_header
from services.routing import RepPicker, routed_territory
from services.spreadsheet_export import neutralise_formula

MARKETING_ROLES = (Role.marketer, Role.admin)
CHECK_IN_ROLES = (Role.marketer, Role.admin, Role.manager, Role.rep)
REGISTRATION_FIELDS = ["email", "company", "contact_name", "phone", "status", "registered_at", "checked_in_at",
                       "lead_id"]
# A registration's contact: models.inputs.RegistrationContact (the lead's rules, an e-mail required).
ROW_WORDING = {("email", "text_required"): N_("email: required"), ("company", "text_required"): N_("company: required"),
               "email": N_("email: not a valid address {email!r}"),
               "text_too_long": N_("{field}: longer than {n} characters")}


def email_key(email: str | None) -> str:
    return ascii_lower((email or "").strip())


@dataclass
class RegistrationInput:
    email: str
    company: str
    contact_name: str | None = None
    phone: str | None = None


@dataclass
class RegistrationRow:
    row_no: int
    values: dict[str, str]
    reasons: list[str] = field(default_factory=list)


@dataclass
class RegistrationImport:
    total_rows: int = 0
    good_rows: int = 0
    rejected_rows: int = 0
    problems: list[RegistrationRow] = field(default_factory=list)   # the first PREVIEW_LIMIT rejected rows
    sample: list[RegistrationRow] = field(default_factory=list)     # the first PREVIEW_LIMIT good rows
    rejects_csv: bytes = b""


# -- the event and who may touch it ----------------------------------------------------------------

def event_for(viewer: Viewer, event_id: int, *, session: Session, roles=CHECK_IN_ROLES) -> Event:
    """The event, if the viewer may work its registrations: marketing any, reps and managers
    only their territory's (a foreign event is refused as an unknown one would be)."""
    require_role(viewer, *roles)
    event = session.get(Event, int(event_id)) if event_id is not None else None
    if event is None:
        raise NotFound(_("unknown event: no event with id {id}").format(id=event_id))
    if viewer.is_field and event.territory_id != viewer.territory_id:
        raise AccessDenied(_("event {code} is not an event of your territory").format(code=event.code))
    return event


@dataclass(frozen=True)
class DoorView:
    """What the check-in page shows for one event and search, read together."""
    event: Event
    refusal: str | None            # why check-in is closed, or None when it is open
    registrations: ResultPage      # the first `limit` registrations matching the search
    total: int                     # everyone registered
    attended: int                  # checked in so far


def door_view(viewer: Viewer, event_id: int, *, session: Session, search: str = "", limit: int = 30) -> DoorView:
    event = event_for(viewer, event_id, session=session)
    return DoorView(event, check_in_refusal(event, session=session),
                    reg_q.event_registrations(viewer, event_id, session=session, search=search, limit=limit),
                    reg_q.event_registrations(viewer, event_id, session=session, limit=1).total,
                    reg_q.event_registrations(viewer, event_id, session=session, status="attended", limit=1).total)


def check_in_window(event: Event, *, session: Session) -> tuple[datetime, datetime]:
    """Check-in is open from local midnight of the event's first day until the event ends."""
    tz = load_settings(session=session).tz
    return local_midnight_utc(local_date(event.starts_at, tz), tz), event.ends_at


def check_in_refusal(event: Event, *, session: Session, now: datetime | None = None) -> str | None:
    """Why check-in is not possible now, or None when it is."""
    now = now or utcnow()
    if event.status == EventStatus.cancelled:
        return _("event {code} is cancelled: there is no check-in").format(code=event.code)
    opens, closes = check_in_window(event, session=session)
    tz = load_settings(session=session).tz
    if now >= closes:
        return _("event {code} ended at {ended}: check-in is closed; mark no-shows instead").format(
            code=event.code, ended=closes.astimezone(tz).strftime("%Y-%m-%d %H:%M"))
    if now < opens:
        return _("check-in for event {code} opens on the event day ({day})").format(
            code=event.code, day=local_date(event.starts_at, tz).isoformat())
    return None


def _require_check_in_open(event: Event, *, session: Session, now: datetime) -> None:
    reason = check_in_refusal(event, session=session, now=now)
    if reason:
        raise ValidationFailed(reason)


# -- leads of attendees -----------------------------------------------------------------------------

def _existing_lead(event: Event, key: str, *, session: Session) -> Lead | None:
    """A lead of the event's campaign with the same e-mail (without case), oldest first."""
    return session.execute(select(Lead).where(Lead.campaign_id == event.campaign_id,
                                           func.lower(func.trim(Lead.email)) == key)
                        .order_by(Lead.created_at, Lead.id)).scalars().first() if key else None


def ensure_lead(viewer: Viewer, registration: Registration, event: Event, *, session: Session,
                now: datetime, picker: RepPicker | None = None) -> Lead:
    """The attendee's lead: an existing one of the campaign (same e-mail), else a new one routed
    like any lead. The registration is linked to it."""
    lead = session.get(Lead, registration.lead_id) if registration.lead_id else None
    if lead is None:
        lead = _existing_lead(event, registration.email_key, session=session)
    if lead is None:
        account = session.execute(select(Account).where(func.lower(Account.name) == registration.company.lower())
                               ).scalars().first()
        territory_id = routed_territory(None, account.territory_id if account else None, event.territory_id)
        rep_id = (picker or RepPicker(session=session)).pick(territory_id, account.owner_id if account else None)
        lead = Lead(code=codes.new_code("lead", session=session), campaign_id=event.campaign_id, event_id=event.id,
                    account_id=account.id if account else None, company=registration.company,
                    contact_name=registration.contact_name, email=registration.email, phone=registration.phone,
                    territory_id=territory_id, status=LeadStatus.new, created_at=now)
        if rep_id is not None:
            sla.hand_over(lead, rep_id, now, session=session)   # assigned_at and its stored deadline
        session.add(lead)
        session.flush()
        audit.record(session=session, username=viewer.username, action="create", entity="lead", entity_key=lead.code,
                     detail={"source": "event_check_in", "event": event.code, "territory_id": territory_id,
                             "assigned_to_id": rep_id, "due_at": lead.due_at.isoformat() if lead.due_at else None})
        if rep_id is not None:
            notifications.lead_assigned(lead, session=session, now=now)
    registration.lead_id = lead.id
    session.add(registration)
    return lead


# -- one by hand, walk-ins, check-in, no-shows --------------------------------------------------------

def _validated(data: RegistrationInput) -> dict:
    values = {"email": " ".join((data.email or "").split()), "company": " ".join((data.company or "").split()),
              "contact_name": " ".join((data.contact_name or "").split()), "phone": " ".join((data.phone or "").split())}
    problems = _row_problems(values)
    if problems:
        raise ValidationFailed(problems)
    return values


def _row_problems(values: dict[str, str]) -> list[str]:
    return contact_problems(RegistrationContact, values, labels={f: f for f in values}, wording=ROW_WORDING,
                            order=("email", "company"))


def _taken(event: Event, key: str, *, session: Session) -> Registration | None:
    return session.execute(select(Registration).where(Registration.event_id == event.id,
                                                   Registration.email_key == key)).scalars().first()


def add_registration(viewer: Viewer, event_id: int, data: RegistrationInput, *, session: Session,
                     walk_in: bool = False, now: datetime | None = None) -> Registration:
    """A registration by hand (marketing, until the event ends), or a walk-in at check-in
    (anyone who may check in; registered and attended at once, and a lead)."""
    now = now or utcnow()
    event = event_for(viewer, event_id, session=session, roles=CHECK_IN_ROLES if walk_in else MARKETING_ROLES)
    values = _validated(data)
    if walk_in:
        _require_check_in_open(event, session=session, now=now)
    else:
        if event.status == EventStatus.cancelled:
            raise ValidationFailed(_("event {code} is cancelled: it takes no registrations").format(code=event.code))
        if now >= event.ends_at:
            raise ValidationFailed(_("event {code} has ended: it takes no registrations").format(code=event.code))
    key = email_key(values["email"])
    existing = _taken(event, key, session=session)
    if existing is not None:
        raise ValidationFailed(_("{email} is already registered for event {code}").format(
            email=existing.email, code=event.code))
    registration = Registration(
        event_id=event.id, email=values["email"], email_key=key, company=values["company"],
        contact_name=values["contact_name"] or None, phone=values["phone"] or None,
        status=RegistrationStatus.attended if walk_in else RegistrationStatus.registered, registered_at=now,
        checked_in_at=now if walk_in else None)
    session.add(registration)
    session.flush()
    if walk_in:
        ensure_lead(viewer, registration, event, session=session, now=now)
    session.flush()
    audit.record(session=session, username=viewer.username, action="walk_in" if walk_in else "create",
                 entity="registration", entity_key=f"{event.code}:{key}",
                 detail=audit.changes({}, audit.snapshot(registration, REGISTRATION_FIELDS)))
    return registration


def _registration(viewer: Viewer, registration_id: int, *, session: Session) -> tuple[Registration, Event]:
    require_role(viewer, *CHECK_IN_ROLES)
    registration = session.get(Registration, int(registration_id))
    if registration is None:
        raise NotFound(_("no registration with id {id}").format(id=registration_id))
    event = event_for(viewer, registration.event_id, session=session)
    return registration, event


def check_in(viewer: Viewer, registration_id: int, *, session: Session, now: datetime | None = None) -> Lead:
    """Tick an attendee in: attended, checked in now, and their lead (made when there is none)."""
    now = now or utcnow()
    registration, event = _registration(viewer, registration_id, session=session)
    _require_check_in_open(event, session=session, now=now)
    if registration.status == RegistrationStatus.cancelled:
        raise ValidationFailed(_("{email} cancelled their registration; add them as a walk-in instead").format(
            email=registration.email))
    if registration.status == RegistrationStatus.attended:
        raise ValidationFailed(_("{email} is already checked in").format(email=registration.email))
    before = audit.snapshot(registration, REGISTRATION_FIELDS)
    registration.status = RegistrationStatus.attended
    registration.checked_in_at = now
    lead = ensure_lead(viewer, registration, event, session=session, now=now)
    session.flush()
    audit.record(session=session, username=viewer.username, action="check_in", entity="registration",
                 entity_key=f"{event.code}:{registration.email_key}",
                 detail=audit.changes(before, audit.snapshot(registration, REGISTRATION_FIELDS)))
    return lead


def mark_no_shows(viewer: Viewer, event_id: int, *, session: Session, now: datetime | None = None) -> int:
    """After the event: every registration still 'registered' becomes a no-show. Returns how many."""
    now = now or utcnow()
    event = event_for(viewer, event_id, session=session)
    if now < event.ends_at:
        raise ValidationFailed(_("event {code} has not ended yet: mark no-shows after it").format(code=event.code))
    rows = session.execute(select(Registration).where(Registration.event_id == event.id,
                                                   Registration.status == RegistrationStatus.registered)).scalars().all()
    for registration in rows:
        registration.status = RegistrationStatus.no_show
        session.add(registration)
    session.flush()
    if rows:
        audit.record(session=session, username=viewer.username, action="no_show", entity="event",
                     entity_key=event.code, detail={"registrations": len(rows)})
    return len(rows)


# -- a registration list -------------------------------------------------------------------------------

REGISTRATION_IMPORT_FIELDS = ("company", "email", "contact_name", "phone")


def _mapping(mapping: dict[str, int | None], headers: list[str]) -> dict[str, int | None]:
    lead_mapping = check_mapping({f: mapping.get(f) for f in REGISTRATION_IMPORT_FIELDS}, headers)
    if lead_mapping["email"] is None:
        raise ValidationFailed(_("mapping: choose the column that holds the e-mail"))
    return {f: lead_mapping[f] for f in REGISTRATION_IMPORT_FIELDS}


def _run_import(viewer: Viewer, lead_file: LeadFile, mapping: dict[str, int | None], event: Event, *,
                session: Session, now: datetime | None) -> RegistrationImport:
    headers = read_header(lead_file)
    mapping = _mapping(mapping, headers)
    report = RegistrationImport()
    existing = {key: email for key, email in session.execute(
        select(Registration.email_key, Registration.email).where(Registration.event_id == event.id)).all()}
    seen: dict[str, int] = {}
    rejects = io.StringIO()
    writer = csv.writer(rejects)
    writer.writerow(["row", *headers, "reasons"])
    good: list[dict] = []
    for row_no, cells in iter_records(lead_file):
        values = {f: (" ".join(cells[i].split()) if i is not None and i < len(cells) else "")
                  for f, i in mapping.items()}
        row = RegistrationRow(row_no, values, _row_problems(values))
        key = email_key(values["email"])
        if key and key in seen:
            row.reasons.append(_("duplicate of row {n} in this file (same e-mail)").format(n=seen[key]))
        elif key and key in existing:
            row.reasons.append(_("{email} is already registered for this event").format(email=existing[key]))
        report.total_rows += 1
        if row.reasons:
            report.rejected_rows += 1
            writer.writerow([row_no, *(neutralise_formula(c) for c in cells),
                             neutralise_formula("; ".join(row.reasons))])
            if len(report.problems) < PREVIEW_LIMIT:
                report.problems.append(row)
            continue
        seen[key] = row_no
        report.good_rows += 1
        if len(report.sample) < PREVIEW_LIMIT:
            report.sample.append(row)
        if now is not None:
            good.append({"event_id": event.id, "email": values["email"], "email_key": key,
                         "company": values["company"], "contact_name": values["contact_name"] or None,
                         "phone": values["phone"] or None, "status": RegistrationStatus.registered,
                         "registered_at": now, "checked_in_at": None, "lead_id": None})
    if good:
        session.execute(insert(Registration.__table__), good)
    report.rejects_csv = rejects.getvalue().encode("utf-8-sig")
    return report


def _event_for_import(viewer: Viewer, event_id: int, *, session: Session, now: datetime) -> Event:
    event = event_for(viewer, event_id, session=session, roles=MARKETING_ROLES)
    if event.status == EventStatus.cancelled:
        raise ValidationFailed(_("event {code} is cancelled: it takes no registrations").format(code=event.code))
    if now >= event.ends_at:
        raise ValidationFailed(_("event {code} has ended: it takes no registrations").format(code=event.code))
    return event


def preview_registrations(viewer: Viewer, lead_file: LeadFile, mapping: dict[str, int | None], *, event_id: int,
                          session: Session, now: datetime | None = None) -> RegistrationImport:
    """What importing the list would do, row by row, without writing anything."""
    event = _event_for_import(viewer, event_id, session=session, now=now or utcnow())
    return _run_import(viewer, lead_file, mapping, event, session=session, now=None)


def import_registrations(viewer: Viewer, lead_file: LeadFile, mapping: dict[str, int | None], *, event_id: int,
                         session: Session, now: datetime | None = None) -> RegistrationImport:
    """Import the good rows as 'registered', in the caller's one transaction; the rejects come
    back with their reasons (and as a CSV)."""
    now = now or utcnow()
    event = _event_for_import(viewer, event_id, session=session, now=now)
    report = _run_import(viewer, lead_file, mapping, event, session=session, now=now)
    audit.record(session=session, username=viewer.username, action="import", entity="registration",
                 entity_key=event.code, detail={"filename": lead_file.filename[:300], "rows": report.total_rows,
                                                "imported": report.good_rows, "rejected": report.rejected_rows})
    session.flush()
    return report


def lead_owner_name(lead: Lead, *, session: Session) -> str | None:
    """Who the lead went to (for the check-in confirmation)."""
    if lead.assigned_to_id is None:
        return None
    return session.get(User, lead.assigned_to_id).display_name


__all__ = ["RegistrationInput", "RegistrationImport", "add_registration", "check_in", "check_in_refusal",
           "email_key", "ensure_lead", "event_for", "import_registrations", "mark_no_shows", "preview_registrations"]
