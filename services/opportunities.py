"""Opportunities a field viewer opens and works: a deal that did not start as a lead, and edits of
stage, amount and expected close by its owner or the territory's manager."""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Session, select

from models.enums import CLOSED_STAGES, OPEN_STAGES, Role, Stage
from models.errors import StaleEdit, ValidationFailed
from models.settings_store import load_settings
from models.tables import Opportunity, User
from models.timefmt import local_date
from models.types import utcnow
from queries.accounts import linkable_account
from queries.field_common import require_field
from queries.scope import AccessDenied, Viewer, opportunity_scope

from . import audit
from . import codes
from .field_rules import MAX_NAME, checked_amount, checked_date, checked_text
from i18n import _

STALE_OPPORTUNITY = "this opportunity was changed by someone else since you opened it; reload"
OPPORTUNITY_FIELDS = ["name", "account_id", "owner_id", "territory_id", "stage", "amount", "product", "opened_on",
                      "expected_close_on", "closed_on", "source_campaign_id", "lead_id", "version"]


def _owner_for(viewer: Viewer, owner_id: int | None, *, session: Session) -> int:
    """A rep owns what they open; a manager may give it to an active rep of the territory."""
    if owner_id is None or int(owner_id) == viewer.id:
        return viewer.id
    if viewer.role is not Role.manager:
        raise AccessDenied(_("a rep opens opportunities for themselves only"))
    owner = session.exec(select(User).where(User.id == int(owner_id), User.territory_id == viewer.territory_id,
                                            User.role == Role.rep, User.active.is_(True))).first()
    if owner is None:
        raise AccessDenied(_("user #{owner_id} is not an active rep of your territory").format(owner_id=owner_id))
    return owner.id


def _stage(value) -> Stage:
    try:
        return Stage(value)
    except ValueError:
        raise ValidationFailed(_("stage: unknown stage {value!r}").format(value=value)) from None


def create_opportunity(viewer: Viewer, *, session: Session, name: str, account_id: int | None, amount=None,
                       expected_close_on=None, product: str | None = None, stage: Stage | str = Stage.prospecting,
                       owner_id: int | None = None, now: datetime | None = None) -> Opportunity:
    require_field(viewer)
    now = now or utcnow()
    today = local_date(now, load_settings(session=session).tz)
    name = checked_text(name, "name", max_length=MAX_NAME)
    product = checked_text(product, "product", max_length=200, required=False)
    amount = checked_amount(amount, required=False)
    expected = checked_date(expected_close_on, "expected close date", required=False, not_before=today)
    stage = _stage(stage)
    if stage not in OPEN_STAGES:
        raise ValidationFailed(_("stage: a new opportunity starts in an open stage"))
    if account_id is not None:
        linkable_account(viewer, account_id, session=session)
    owner = _owner_for(viewer, owner_id, session=session)
    # The code last, once every check passed: a refused call moves no counter.
    opportunity = Opportunity(code=codes.new_code("opportunity", session=session), name=name, account_id=account_id,
                              owner_id=owner,
                              territory_id=viewer.territory_id, stage=stage, amount=amount, product=product,
                              opened_on=today, expected_close_on=expected)
    session.add(opportunity)
    session.flush()
    audit.record(session=session, username=viewer.username, action="create", entity="opportunity",
                 entity_key=opportunity.code, detail=audit.changes({}, audit.snapshot(opportunity, OPPORTUNITY_FIELDS)))
    return opportunity


def scoped_opportunity(viewer: Viewer, opportunity_id: int, *, session: Session, for_update: bool = False) -> Opportunity:
    """A rep's own deal, or any deal of a manager's territory; else AccessDenied."""
    require_field(viewer)
    stmt = select(Opportunity).where(Opportunity.id == int(opportunity_id), opportunity_scope(viewer))
    opportunity = session.exec(stmt.with_for_update() if for_update else stmt).first()
    if opportunity is None:
        raise AccessDenied(_("opportunity #{opportunity_id} is not one of your opportunities").format(opportunity_id=opportunity_id))
    return opportunity


def update_opportunity(viewer: Viewer, opportunity_id: int, *, expected_version: int, session: Session,
                       stage: Stage | str, amount=None, expected_close_on=None,
                       now: datetime | None = None) -> Opportunity:
    """Closing (won/lost) sets closed_on to the company's today; reopening clears it."""
    now = now or utcnow()
    today = local_date(now, load_settings(session=session).tz)
    stage = _stage(stage)
    amount = checked_amount(amount, required=False)
    expected = checked_date(expected_close_on, "expected close date", required=False)
    opportunity = scoped_opportunity(viewer, opportunity_id, session=session, for_update=True)
    if opportunity.version != int(expected_version):
        raise StaleEdit(STALE_OPPORTUNITY)
    if stage in OPEN_STAGES and expected is not None and expected < today and expected != opportunity.expected_close_on:
        raise ValidationFailed(_("expected close date: {isoformat} is in the past").format(isoformat=expected.isoformat()))
    before = audit.snapshot(opportunity, OPPORTUNITY_FIELDS)
    was_closed = opportunity.stage in CLOSED_STAGES
    opportunity.stage, opportunity.amount, opportunity.expected_close_on = stage, amount, expected
    if stage in CLOSED_STAGES and not was_closed:
        opportunity.closed_on = today
    elif stage in OPEN_STAGES:
        opportunity.closed_on = None
    opportunity.version += 1
    detail = audit.changes(before, audit.snapshot(opportunity, OPPORTUNITY_FIELDS))
    audit.record(session=session, username=viewer.username, action="update", entity="opportunity",
                 entity_key=opportunity.code, detail=detail)
    return opportunity
