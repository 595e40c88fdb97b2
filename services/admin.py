"""Administration: users (edit, disable with handover, one-time passwords), territories (create,
rename, merge), settings, and monthly targets/forecasts. Admin only; every write is audited."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import delete, func, update
from sqlmodel import Session, select

from models.enums import OPEN_LEAD_STATUSES, OPEN_STAGES, SETTING_DEFAULTS, Role, SettingKey
from models.settings_store import validate_setting
from models.tables import (
    Account, CampaignTerritory, Event, Lead, MonthlyTarget, Opportunity, Setting, Territory, User,
)
from models.errors import NotFound, ValidationFailed
from models.types import to_money
from queries.scope import Viewer, require_role
from services import audit
from services.auth import bump_session_epoch
from services.reassign import Moved, move_open_work
from services.users import USER_FIELDS, find_user, generate_one_time_password, set_password, territory_by_code
from services.users import create_user as create_user_row
from i18n import _

TERRITORY_CODE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def _admin(viewer: Viewer) -> None:
    require_role(viewer, Role.admin)


def create_user(viewer: Viewer, *, session: Session, username: str, role: str, territory_code: str | None,
                display_name: str | None, email: str | None, manager_username: str | None) -> tuple[User, str]:
    """A new user with a one-time password (returned, to be shown once) that must be changed at
    the first sign-in. Admin only (the CLI creates users through services.users directly)."""
    _admin(viewer)
    one_time = generate_one_time_password()
    user = create_user_row(session=session, actor=viewer.username, username=username, role=role, password=one_time,
                           territory_code=territory_code, display_name=display_name, email=email,
                           manager_username=manager_username, must_change_password=True)
    return user, one_time


def update_user(viewer: Viewer, username: str, *, session: Session, display_name: str, email: str | None,
                role: str, territory_code: str | None, manager_username: str | None) -> User:
    """Change a user's profile; a role or territory change ends their open sessions."""
    _admin(viewer)
    user = find_user(username, session=session)
    before = audit.snapshot(user, USER_FIELDS)
    problems = []
    try:
        role = Role(role)
    except ValueError:
        raise ValidationFailed(_("role: unknown role {role!r}").format(role=role)) from None
    territory = territory_by_code(territory_code, session=session) if territory_code else None
    if role in (Role.rep, Role.manager) and territory is None:
        problems.append(_("territory: required for role {role}").format(role=role))
    if not (display_name or "").strip() or len(display_name) > 200:
        problems.append(_("display name: 1–200 characters"))
    manager = find_user(manager_username, session=session) if manager_username else None
    if manager is not None and manager.id == user.id:
        problems.append(_("manager: a user cannot manage themselves"))
    if user.username == viewer.username and role is not Role.admin:
        problems.append(_("role: you cannot remove your own admin role"))
    if problems:
        raise ValidationFailed(problems)
    if user.role != role and role not in (Role.rep, Role.manager):
        open_work = _open_work_count(user, session=session)
        if open_work:
            problems.append(_("role: {username} still holds {open_work} open leads/deals; hand them over first").format(username=user.username, open_work=open_work))
            raise ValidationFailed(problems)
    scope_changed = user.role != role or user.territory_id != (territory.id if territory else None)
    user.display_name, user.email, user.role = display_name.strip(), (email or None), role
    user.territory_id = territory.id if territory else None
    user.manager_id = manager.id if manager else None
    if scope_changed:
        bump_session_epoch(user)
    audit.record(session=session, username=viewer.username, action="update", entity="user", entity_key=username,
                 detail=audit.changes(before, audit.snapshot(user, USER_FIELDS)))
    return user


def _open_work_count(user: User, *, session: Session) -> int:
    leads = session.exec(select(func.count()).select_from(Lead).where(
        Lead.assigned_to_id == user.id, Lead.status.in_(OPEN_LEAD_STATUSES))).one()
    deals = session.exec(select(func.count()).select_from(Opportunity).where(
        Opportunity.owner_id == user.id, Opportunity.stage.in_(OPEN_STAGES))).one()
    return leads + deals


def disable_user(viewer: Viewer, username: str, *, session: Session, handover_to: str | None = None) -> Moved:
    """Disable a user at once (their sessions and cookies stop working); a rep's open leads and
    open deals go to ``handover_to``, an active rep of the same territory."""
    _admin(viewer)
    user = find_user(username, session=session)
    if user.username == viewer.username:
        raise ValidationFailed(_("you cannot disable yourself"))
    open_work = _open_work_count(user, session=session)
    moved = Moved(0, 0)
    if open_work:
        if not handover_to:
            raise ValidationFailed(_("{username} holds {open_work} open leads/deals: choose a rep to hand them to").format(username=username, open_work=open_work))
        target = find_user(handover_to, session=session)
        if target.role is not Role.rep or not target.active or target.territory_id != user.territory_id \
                or target.id == user.id:
            raise ValidationFailed(_("handover: {handover_to} is not another active rep of {username}'s territory").format(handover_to=handover_to, username=username))
        moved = move_open_work(session=session, from_user_id=user.id, to_user_id=target.id)
        audit.record(session=session, username=viewer.username, action="handover", entity="user",
                     entity_key=username, detail={"to": target.username, "open_leads": moved.leads,
                                                  "open_opportunities": moved.opportunities})
    user.active = False
    bump_session_epoch(user)
    audit.record(session=session, username=viewer.username, action="disable", entity="user", entity_key=username,
                 detail={"active": {"before": True, "after": False}})
    return moved


def enable_user(viewer: Viewer, username: str, *, session: Session) -> User:
    _admin(viewer)
    user = find_user(username, session=session)
    user.active = True
    audit.record(session=session, username=viewer.username, action="enable", entity="user", entity_key=username,
                 detail={"active": {"before": False, "after": True}})
    return user


def reset_password(viewer: Viewer, username: str, *, session: Session) -> str:
    """A one-time password, returned once (shown once, never stored in clear); the user must
    choose a new one at the next sign-in."""
    _admin(viewer)
    one_time = generate_one_time_password()
    set_password(session=session, actor=viewer.username, username=username, password=one_time, must_change=True)
    return one_time


def create_territory(viewer: Viewer, code: str, name: str, *, session: Session) -> Territory:
    _admin(viewer)
    code, name = (code or "").strip(), (name or "").strip()
    problems = []
    if not TERRITORY_CODE.match(code):
        problems.append(_("code: 1–64 letters, digits, '.', '_' or '-'"))
    if not name or len(name) > 200:
        problems.append(_("name: 1–200 characters"))
    if code and session.exec(select(Territory.id).where(Territory.code == code)).first() is not None:
        problems.append(_("code: {code!r} already exists").format(code=code))
    if problems:
        raise ValidationFailed(problems)
    territory = Territory(code=code, name=name)
    session.add(territory)
    session.flush()
    audit.record(session=session, username=viewer.username, action="create", entity="territory", entity_key=code,
                 detail={"name": {"before": None, "after": name}})
    return territory


def rename_territory(viewer: Viewer, code: str, new_name: str, *, session: Session) -> Territory:
    _admin(viewer)
    territory = territory_by_code(code, session=session)
    new_name = (new_name or "").strip()
    if not new_name or len(new_name) > 200:
        raise ValidationFailed(_("name: 1–200 characters"))
    before = territory.name
    territory.name = new_name
    audit.record(session=session, username=viewer.username, action="rename", entity="territory", entity_key=code,
                 detail={"name": {"before": before, "after": new_name}})
    return territory


def merge_territories(viewer: Viewer, source_code: str, target_code: str, *, session: Session) -> dict[str, int]:
    """Move every record of ``source`` into ``target`` and delete ``source``. Targets and
    forecasts of the same month are added together; campaign targeting is unioned."""
    _admin(viewer)
    if source_code == target_code:
        raise ValidationFailed(_("choose two different territories"))
    source = territory_by_code(source_code, session=session)
    target = territory_by_code(target_code, session=session)
    moved: dict[str, int] = {}
    for table in (User, Account, Lead, Opportunity, Event):
        moved[table.__tablename__] = session.execute(
            update(table).where(table.territory_id == source.id).values(territory_id=target.id)
            .execution_options(synchronize_session=False)).rowcount
    # Campaign targeting: a campaign that targeted the source now targets the target (once).
    targeted = set(session.exec(select(CampaignTerritory.campaign_id).where(
        CampaignTerritory.territory_id == target.id)).all())
    rows = session.exec(select(CampaignTerritory).where(CampaignTerritory.territory_id == source.id)).all()
    for row in rows:
        if row.campaign_id not in targeted:
            session.add(CampaignTerritory(campaign_id=row.campaign_id, territory_id=target.id))
    session.execute(delete(CampaignTerritory).where(CampaignTerritory.territory_id == source.id))
    moved["campaign_territory"] = len(rows)
    existing = {t.month: t for t in session.exec(select(MonthlyTarget).where(MonthlyTarget.territory_id == target.id))}
    source_targets = session.exec(select(MonthlyTarget).where(MonthlyTarget.territory_id == source.id)).all()
    for t in source_targets:
        mine = existing.get(t.month)
        if mine is None:
            t.territory_id = target.id
        else:
            mine.revenue_target = _add(mine.revenue_target, t.revenue_target)
            mine.forecast = _add(mine.forecast, t.forecast)
            if mine.lead_commitment is not None or t.lead_commitment is not None:
                mine.lead_commitment = (mine.lead_commitment or 0) + (t.lead_commitment or 0)
            session.delete(t)
    moved["monthly_target"] = len(source_targets)
    session.flush()
    session.delete(source)
    audit.record(session=session, username=viewer.username, action="merge", entity="territory",
                 entity_key=source_code, detail={"into": target_code, "moved": moved})
    return moved


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None and b is None:
        return None
    return (a or Decimal(0)) + (b or Decimal(0))


def _normalised(key: str, value: str | None) -> str | None:
    try:
        return validate_setting(key, value)
    except ValueError:
        return value


def update_setting(viewer: Viewer, key: str, value: str, *, session: Session) -> Setting:
    """Store a setting; saving the value it already has writes nothing and audits nothing."""
    _admin(viewer)
    try:
        value = validate_setting(key, value)
    except ValueError as exc:
        raise ValidationFailed(str(exc)) from None
    row = session.get(Setting, key)
    before = row.value if row else None
    if value == "":
        # An empty optional policy value means "not set": no row (the bundle has no empty values).
        if row is not None:
            session.delete(row)
            audit.record(session=session, username=viewer.username, action="update", entity="setting",
                         entity_key=key, detail={"value": {"before": before, "after": None}})
        return Setting(key=key, value="")
    if _normalised(key, before if row else SETTING_DEFAULTS[SettingKey(key)]) == value:
        return row or Setting(key=key, value=value)  # unchanged: nothing written, nothing audited
    if row is None:
        row = Setting(key=key, value=value)
        session.add(row)
    else:
        row.value = value
    audit.record(session=session, username=viewer.username, action="update", entity="setting", entity_key=key,
                 detail={"value": {"before": before, "after": value}})
    return row


TARGET_FIELDS = ["revenue_target", "forecast", "lead_commitment"]


@dataclass(frozen=True)
class TargetRow:
    territory: str
    month: str          # YYYY-MM
    revenue_target: object
    forecast: object
    lead_commitment: object = None


def _parse_month(text: str) -> date:
    if not re.fullmatch(r"\d{4}-\d{2}", (text or "").strip()):
        raise ValueError(f"month: expected YYYY-MM, got {text!r}")
    year, month = map(int, text.strip().split("-"))
    if not 1 <= month <= 12:
        raise ValueError(f"month: expected YYYY-MM, got {text!r}")
    return date(year, month, 1)


def save_targets(viewer: Viewer, rows: list[TargetRow], *, session: Session) -> int:
    """Upsert targets and forecasts; every row is checked first and nothing is written if any
    row is wrong (the message names the row). Returns the number of rows changed."""
    _admin(viewer)
    codes = {t.code: t.id for t in session.exec(select(Territory))}
    problems, parsed, seen = [], [], set()
    for i, row in enumerate(rows, start=1):
        where = f"row {i}"
        try:
            month = _parse_month(str(row.month))
        except ValueError as exc:
            problems.append(f"{where}: {exc}")
            continue
        if row.territory not in codes:
            problems.append(_("{where}: territory: unknown code {territory!r}").format(where=where, territory=row.territory))
            continue
        values = {}
        for field in ("revenue_target", "forecast"):
            raw = getattr(row, field)
            try:
                amount = to_money(None if raw is None or str(raw).strip() in ("", "nan", "None") else raw)
            except ValueError as exc:
                problems.append(f"{where}: {field}: {exc}")
                continue
            if amount is not None and amount < 0:
                problems.append(_("{where}: {field}: must not be negative").format(where=where, field=field))
            values[field] = amount
        raw = row.lead_commitment
        text = "" if raw is None or str(raw).strip() in ("", "nan", "None", "<NA>") else str(raw).strip()
        if text.endswith(".0"):
            text = text[:-2]
        if text and not text.isdigit():
            problems.append(f"{where}: lead_commitment: expected a whole number of leads ≥ 0, got {raw!r}")
        values["lead_commitment"] = int(text) if text.isdigit() else None
        if (row.territory, month) in seen:
            problems.append(_("{where}: {territory} {month} appears twice").format(where=where, territory=row.territory, month=row.month))
        seen.add((row.territory, month))
        parsed.append((codes[row.territory], row.territory, month, values))
    if problems:
        raise ValidationFailed(problems)
    changed = 0
    for territory_id, code, month, values in parsed:
        existing = session.exec(select(MonthlyTarget).where(MonthlyTarget.territory_id == territory_id,
                                                            MonthlyTarget.month == month)).first()
        before = audit.snapshot(existing, TARGET_FIELDS) if existing else {}
        if existing is None:
            existing = MonthlyTarget(territory_id=territory_id, month=month)
            session.add(existing)
        existing.revenue_target = values.get("revenue_target")
        existing.forecast = values.get("forecast")
        existing.lead_commitment = values.get("lead_commitment")
        diff = audit.changes(before, audit.snapshot(existing, TARGET_FIELDS))
        if diff:
            changed += 1
            audit.record(session=session, username=viewer.username, action="upsert", entity="monthly_target",
                         entity_key=f"{code} {month:%Y-%m}", detail=diff)
    return changed


def territory_exists(code: str, *, session: Session) -> bool:
    try:
        territory_by_code(code, session=session)
        return True
    except NotFound:
        return False


ZIP_MAGIC = b"PK\x03\x04"


def check_upload(data: bytes, *, filename: str, allowed_suffixes: tuple[str, ...], max_bytes: int) -> None:
    """Type and size of an uploaded file, checked before anything parses it."""
    if len(data) > max_bytes:
        raise ValidationFailed(_("{filename}: {len:,} bytes is more than the limit of {max_bytes:,}").format(filename=filename, len=len(data), max_bytes=max_bytes))
    if not filename.lower().endswith(allowed_suffixes):
        raise ValidationFailed(_("{filename}: expected a {join} file").format(filename=filename, join=' or '.join(allowed_suffixes)))
    if filename.lower().endswith((".zip", ".xlsx")) and not data.startswith(ZIP_MAGIC):
        raise ValidationFailed(_("{filename}: the content is not a zip archive").format(filename=filename))


def import_bundle_upload(viewer: Viewer, data: bytes, *, filename: str, engine):
    """Admin upload of a zipped bundle: type and size first, then the bundle's own validation
    (every problem listed, nothing written unless all rows are good)."""
    from models.config import load_config
    from services.bundle.importer import import_bundle_zip

    _admin(viewer)
    config = load_config()
    check_upload(data, filename=filename, allowed_suffixes=(".zip",), max_bytes=config.max_upload_mb * 1024 * 1024)
    return import_bundle_zip(data, engine=engine, username=viewer.username,
                             max_unzipped_bytes=config.max_unzipped_mb * 1024 * 1024)


def export_bundle_download(viewer: Viewer, *, engine) -> bytes:
    from services.bundle.export import export_bundle_zip

    _admin(viewer)
    return export_bundle_zip(engine=engine)
