"""Importing lead lists into a campaign: validate every row, preview, import the good rows as one
batch in one transaction, hand back the rejects with their reasons, and undo a batch.

Preview and import run the same pass (``_run``) over the streamed file, so the preview shows
exactly what the import will do; the import re-checks everything inside its own transaction.
One query reads the campaign's existing leads' dedup keys; rows are then handled in chunks: one
query per chunk finds the matching accounts, and good rows go to the database with one write per
chunk (PostgreSQL COPY, SQLite a Core executemany).
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from typing import Callable, Iterable

from sqlalchemy import delete, exists, func, insert, or_, select, text
from sqlmodel import Session

from models.enums import CampaignStatus, LeadStatus, Role
from models.errors import NotFound, ValidationFailed
from models.inputs import ContactRow, contact_problems
from models.tables import Account, Activity, Campaign, Event, ImportBatch, Lead, Opportunity, User
from models.types import utcnow
from queries.scope import Viewer, require_role
from services import audit, codes, notifications, sla
from services.spreadsheet_export import neutralise_formula
from services.lead_import_parsing import LeadFile, check_mapping, count_records, iter_records, read_header
from services.routing import RepPicker, routed_territory
from services.territory_names import TerritoryIndex
from i18n import N_, _

Progress = Callable[[int, int], None]
MARKETING_ROLES = (Role.marketer, Role.admin)
CHUNK_ROWS = 1000
PREVIEW_LIMIT = 200
# A row's company, e-mail, name and phone: the rules of models.inputs.ContactRow (the lead table's
# lengths, the one e-mail pattern), worded the import's way and named by the file's own columns.
ROW_WORDING = {"text_required": N_("{column}: missing"), "text_too_long": N_("{column}: longer than {n} characters")}


@dataclass
class RowOutcome:
    row_no: int
    values: dict[str, str]
    reasons: list[str] = field(default_factory=list)
    territory_id: int | None = None
    account_id: int | None = None
    assigned_to_id: int | None = None


@dataclass
class ImportReport:
    total_rows: int = 0
    good_rows: int = 0
    rejected_rows: int = 0
    problems: list[RowOutcome] = field(default_factory=list)       # the first PREVIEW_LIMIT rejected rows
    sample: list[RowOutcome] = field(default_factory=list)         # the first PREVIEW_LIMIT good rows
    assigned_by_rep: dict[str, int] = field(default_factory=dict)  # rep display name -> leads
    unassigned: int = 0
    rejects_csv: bytes = b""
    batch_id: int | None = None


def normalize_email(value: str | None) -> str:
    return (value or "").strip().lower()


def normalize_text(value: str | None) -> str:
    return " ".join((value or "").split()).lower()


def dedup_key(email: str | None, company: str | None, name: str | None) -> tuple:
    """Normalized email when there is one, else company + contact name."""
    email = normalize_email(email)
    return ("email", email) if email else ("name", normalize_text(company), normalize_text(name))


def _campaign_for_import(campaign_id: int, event_id: int | None, *, session: Session) -> tuple[Campaign, Event | None]:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise NotFound(_("no campaign with id {campaign_id}").format(campaign_id=campaign_id))
    if campaign.status == CampaignStatus.cancelled:
        raise ValidationFailed(_("campaign {code} is cancelled: import leads into a running campaign").format(code=campaign.code))
    event = None
    if event_id is not None:
        event = session.get(Event, event_id)
        if event is None or event.campaign_id != campaign.id:
            raise ValidationFailed(_("event: not an event of campaign {code}").format(code=campaign.code))
    return campaign, event


def _existing_keys(campaign_id: int, *, session: Session) -> dict[tuple, str]:
    """Dedup keys of the campaign's leads before this import -> their lead code, in one query.

    Read once per import, not per chunk: a per-chunk look-up re-reads the rows this import has
    just written (the campaign grows with every chunk: quadratic), and those are in ``seen``."""
    found = {}
    rows = session.execute(select(Lead.code, Lead.email, Lead.company, Lead.contact_name)
                           .where(Lead.campaign_id == campaign_id))
    for code, email, company, name in rows:
        if email:
            found.setdefault(("email", normalize_email(email)), code)
        found.setdefault(("name", normalize_text(company), normalize_text(name)), code)
    return found


def _accounts(outcomes: list[RowOutcome], *, session: Session) -> dict[str, tuple[int, int | None, int | None]]:
    """normalized company -> (account id, account territory, account owner) for this chunk."""
    names = sorted({normalize_text(o.values["company"]) for o in outcomes if o.values["company"]})
    if not names:
        return {}
    query = select(Account.id, Account.name, Account.territory_id, Account.owner_id).where(
        func.lower(Account.name).in_(names))
    if session.connection().dialect.name != "postgresql":
        rows = session.execute(query).all()
    else:
        # PostgreSQL's planner prices a thousand probes of ix_account_name_lower (migration 0015)
        # above a scan of every account, which evaluates lower() 100,000 times (21 ms a chunk at
        # large, against 1.5 ms through the index on SQLite); for this one statement it is told
        # not to scan, and the transaction's setting is put back right after.
        before = session.execute(text("SELECT current_setting('enable_seqscan')")).scalar_one()
        session.execute(text("SELECT set_config('enable_seqscan', 'off', true)"))
        try:
            rows = session.execute(query).all()
        finally:
            session.execute(text("SELECT set_config('enable_seqscan', :before, true)"), {"before": before})
    return {normalize_text(name): (aid, tid, owner) for aid, name, tid, owner in rows}


def _row_values(cells: list[str], mapping: dict[str, int | None]) -> dict[str, str]:
    return {f: (" ".join(cells[i].split()) if i is not None and i < len(cells) else "") for f, i in mapping.items()}


def _check_row(outcome: RowOutcome, territories: TerritoryIndex, columns: dict[str, str]) -> None:
    """Problems of one row, each named by its column as the file spells it (``지역: …``)."""
    values = outcome.values
    labels = {**columns, "company": columns.get("company") or _("company")}
    outcome.reasons.extend(contact_problems(ContactRow, values, labels=labels, wording=ROW_WORDING))
    if values["territory"]:
        outcome.territory_id = territories.find(values["territory"])
        if outcome.territory_id is None:
            outcome.reasons.append(_("{column}: unknown territory {value!r}; use a code or a name: {accepted}").format(
                column=columns["territory"], value=values["territory"], accepted=territories.accepted()))


def _chunks(records: Iterable[tuple[int, list[str]]], size: int):
    chunk = []
    for record in records:
        chunk.append(record)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _insert_leads(session: Session, rows: list[dict]) -> None:
    """One write per chunk, no ORM objects kept, in the caller's transaction: PostgreSQL ``COPY``
    (one statement for the chunk; an executemany there is still one INSERT statement per row),
    SQLite one executemany (in process, no round trips)."""
    connection = session.connection()
    if connection.dialect.name != "postgresql":
        session.execute(insert(Lead.__table__), rows)
        return
    table, dialect = Lead.__table__, connection.dialect
    columns = list(rows[0])
    # The columns' own bind processing (UTC-aware -> naive UTC, enums -> their values), as an INSERT would.
    steps = [(name, table.c[name].type.dialect_impl(dialect).bind_processor(dialect)) for name in columns]
    with connection.connection.driver_connection.cursor() as cursor, \
            cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row([row[name] if proc is None else proc(row[name]) for name, proc in steps])


def _run(lead_file: LeadFile, mapping: dict[str, int | None], campaign: Campaign, event: Event | None, *,
         session: Session, progress: Progress | None, batch: ImportBatch | None) -> ImportReport:
    headers = read_header(lead_file)
    mapping = check_mapping(mapping, headers)
    total = count_records(lead_file)
    report = ImportReport(total_rows=total)
    territories = TerritoryIndex(session=session)
    columns = {f: headers[i] for f, i in mapping.items() if i is not None}
    picker = RepPicker(session=session)
    seen: dict[tuple, int] = {}
    assigned: dict[int, int] = {}
    rejects = io.StringIO()
    writer = csv.writer(rejects)
    writer.writerow([_("row"), *(neutralise_formula(h) for h in headers), _("reasons")])
    now = batch.created_at if batch is not None else utcnow()
    policy = sla.current_policy(session=session) if batch is not None else None
    segments: dict[int, object] = {}
    done = 0
    if progress:
        progress(0, total)
    existing = _existing_keys(campaign.id, session=session)
    for chunk in _chunks(iter_records(lead_file), CHUNK_ROWS):
        outcomes = [RowOutcome(row_no=n, values=_row_values(cells, mapping)) for n, cells in chunk]
        accounts = _accounts(outcomes, session=session)
        good_rows = []
        for outcome, (_line, cells) in zip(outcomes, chunk):
            values = outcome.values
            _check_row(outcome, territories, columns)
            key = dedup_key(values["email"], values["company"], values["contact_name"])
            if values["company"] or values["email"]:
                if key in seen:
                    outcome.reasons.append(_("duplicate of row {row} in this file").format(row=seen[key]))
                if key in existing:
                    outcome.reasons.append(_("already a lead of this campaign ({code})").format(code=existing[key]))
                if not outcome.reasons:
                    # Only a row that will be imported shadows later ones: a fixed copy of a bad row may follow.
                    seen[key] = outcome.row_no
            if outcome.reasons:
                report.rejected_rows += 1
                writer.writerow([outcome.row_no, *(neutralise_formula(c) for c in cells),
                                 neutralise_formula("; ".join(outcome.reasons))])
                if len(report.problems) < PREVIEW_LIMIT:
                    report.problems.append(outcome)
                continue
            account_id, account_territory, owner_id = accounts.get(normalize_text(values["company"]),
                                                                   (None, None, None))
            outcome.account_id = account_id
            outcome.territory_id = routed_territory(outcome.territory_id, account_territory,
                                                    event.territory_id if event else None)
            outcome.assigned_to_id = picker.pick(outcome.territory_id, owner_id)
            if outcome.assigned_to_id is None:
                report.unassigned += 1
            else:
                assigned[outcome.assigned_to_id] = assigned.get(outcome.assigned_to_id, 0) + 1
            report.good_rows += 1
            if len(report.sample) < PREVIEW_LIMIT:
                report.sample.append(outcome)
            if batch is not None:
                row = _lead_row(outcome, campaign, event, batch, now)
                if row["assigned_to_id"] is not None:
                    row["due_at"] = sla.due_at(now, policy, segment=_segment(outcome.account_id, segments,
                                                                             session=session))
                good_rows.append(row)
        if good_rows:
            # One block of consecutive lead codes per chunk (services/codes.py).
            for row, code in zip(good_rows, codes.allocate("lead", len(good_rows), session=session)):
                row["code"] = code
            _insert_leads(session, good_rows)
        done += len(chunk)
        if progress:
            progress(done, total)
    names = dict(session.execute(select(User.id, User.display_name).where(User.id.in_(list(assigned)))).all()) \
        if assigned else {}
    report.assigned_by_rep = {names[rep_id]: n for rep_id, n in sorted(assigned.items(), key=lambda kv: names[kv[0]])}
    report.rejects_csv = rejects.getvalue().encode("utf-8-sig")  # the BOM lets Excel show Korean text
    return report


def _segment(account_id: int | None, cache: dict, *, session: Session):
    if account_id is None:
        return None
    if account_id not in cache:
        cache[account_id] = session.execute(select(Account.segment).where(Account.id == account_id)).scalar()
    return cache[account_id]


def _lead_row(outcome: RowOutcome, campaign: Campaign, event: Event | None, batch: ImportBatch,
              now: datetime) -> dict:
    v = outcome.values
    return {"code": None, "campaign_id": campaign.id,
            "event_id": event.id if event else None, "account_id": outcome.account_id,
            "company": v["company"], "contact_name": v["contact_name"] or None, "email": v["email"] or None,
            "phone": v["phone"] or None, "territory_id": outcome.territory_id,
            "assigned_to_id": outcome.assigned_to_id, "status": LeadStatus.new, "created_at": now,
            "assigned_at": now if outcome.assigned_to_id is not None else None, "due_at": None, "first_touch_at": None,
            "converted_at": None, "disqualify_reason": None, "opportunity_id": None,
            "import_batch_id": batch.id, "version": 1}


def preview_import(viewer: Viewer, lead_file: LeadFile, mapping: dict[str, int | None], *, campaign_id: int,
                   event_id: int | None = None, session: Session, progress: Progress | None = None) -> ImportReport:
    """What the import would do, row by row, without writing anything."""
    require_role(viewer, *MARKETING_ROLES)
    campaign, event = _campaign_for_import(campaign_id, event_id, session=session)
    return _run(lead_file, mapping, campaign, event, session=session, progress=progress, batch=None)


def import_leads(viewer: Viewer, lead_file: LeadFile, mapping: dict[str, int | None], *, campaign_id: int,
                 event_id: int | None = None, session: Session, progress: Progress | None = None) -> ImportReport:
    """Import the good rows as one batch, in the caller's single transaction (all or nothing)."""
    require_role(viewer, *MARKETING_ROLES)
    campaign, event = _campaign_for_import(campaign_id, event_id, session=session)
    batch = ImportBatch(campaign_id=campaign.id, event_id=event.id if event else None,
                        filename=lead_file.filename[:300], created_at=utcnow(), created_by_id=viewer.id, row_count=0)
    session.add(batch)
    session.flush()
    report = _run(lead_file, mapping, campaign, event, session=session, progress=progress, batch=batch)
    batch.row_count = report.good_rows
    session.add(batch)
    if assigned_by_id := _assigned_per_rep(batch.id, session=session):
        notifications.leads_assigned_in_bulk(assigned_by_id, campaign, session=session)
    audit.record(session=session, username=viewer.username, action="import", entity="import_batch",
                 entity_key=str(batch.id),
                 detail={"campaign": campaign.code, "event": event.code if event else None,
                         "filename": batch.filename, "rows": report.total_rows, "imported": report.good_rows,
                         "rejected": report.rejected_rows, "unassigned": report.unassigned,
                         "assigned_by_rep": report.assigned_by_rep})
    session.flush()
    report.batch_id = batch.id
    return report


def _assigned_per_rep(batch_id: int, *, session: Session) -> dict[int, int]:
    return dict(session.execute(select(Lead.assigned_to_id, func.count()).where(
        Lead.import_batch_id == batch_id, Lead.assigned_to_id.is_not(None)).group_by(Lead.assigned_to_id)).all())


def batch_blockers(batch_id: int, *, session: Session, limit: int = 20) -> tuple[list[str], int]:
    """(codes of up to ``limit`` leads of the batch that someone has worked, how many in all)."""
    touched = or_(Lead.first_touch_at.is_not(None), Lead.status != LeadStatus.new, Lead.opportunity_id.is_not(None),
                  exists().where(Activity.lead_id == Lead.id), exists().where(Opportunity.lead_id == Lead.id))
    conditions = [Lead.import_batch_id == batch_id, touched]
    count = int(session.execute(select(func.count(Lead.id)).where(*conditions)).scalar_one())
    codes = session.execute(select(Lead.code).where(*conditions).order_by(Lead.code).limit(limit)).scalars().all()
    return list(codes), count


def undo_batch(viewer: Viewer, batch_id: int, *, session: Session) -> int:
    """Remove a batch's leads while none has been touched; otherwise say which leads block it."""
    require_role(viewer, *MARKETING_ROLES)
    batch = session.get(ImportBatch, batch_id)
    if batch is None:
        raise NotFound(_("no import batch {batch_id}").format(batch_id=batch_id))
    if batch.undone_at is not None:
        raise ValidationFailed(_("import batch {batch_id} was already undone").format(batch_id=batch_id))
    codes, count = batch_blockers(batch_id, session=session)
    if count:
        more = f" and {count - len(codes)} more" if count > len(codes) else ""
        raise ValidationFailed(_("cannot undo import {batch_id}: {count} of its leads have been worked by sales (touched, moved on from 'new' or given activities): {join}{more}").format(batch_id=batch_id, count=count, join=', '.join(codes), more=more))
    removed = session.execute(delete(Lead).where(Lead.import_batch_id == batch_id)).rowcount
    batch.undone_at = utcnow()
    session.add(batch)
    audit.record(session=session, username=viewer.username, action="undo", entity="import_batch",
                 entity_key=str(batch_id),
                 detail={"leads_removed": removed, **audit.changes({"undone_at": None}, {"undone_at": batch.undone_at})})
    session.flush()
    return int(removed or 0)
