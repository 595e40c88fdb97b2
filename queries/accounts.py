"""A field viewer's accounts: their territory's, plus company-wide accounts with deals in their
scope (queries.scope.account_scope); and what a rep reads before a visit."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import func, union
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from models.enums import CLOSED_STAGES, OPEN_STAGES
from models.tables import Account, Activity, Campaign, Event, Lead, Opportunity, Territory, User

from .field_common import activity_scope, like_pattern, matches, rep_filter, require_field
from .paging import ResultPage, page_bounds
from .scope import AccessDenied, Viewer, account_scope, lead_scope, linkable_account_scope, opportunity_scope
from i18n import _

DETAIL_ROWS = 20


@dataclass(frozen=True)
class AccountRow:
    id: int
    name: str
    sector: str | None
    segment: str | None
    territory: str
    owner: str | None
    open_deals: int
    open_pipeline: Decimal


@dataclass(frozen=True)
class DealRow:
    id: int
    code: str
    name: str
    stage: str
    amount: Decimal | None
    owner: str | None
    opened_on: date | None
    expected_close_on: date | None
    closed_on: date | None


@dataclass(frozen=True)
class AccountDetail:
    account: AccountRow
    open_deals: list[DealRow]
    closed_deals: list[DealRow]
    leads: list[tuple]
    activities: list[tuple]
    campaigns: list[tuple]
    events: list[tuple]


def _account_select(viewer: Viewer):
    owner = aliased(User, name="owner")
    open_of_account = (Opportunity.account_id == Account.id) & Opportunity.stage.in_(OPEN_STAGES) \
        & opportunity_scope(viewer)
    open_deals = select(func.count(Opportunity.id)).where(open_of_account).correlate(Account).scalar_subquery()
    pipeline = select(func.coalesce(func.sum(Opportunity.amount), 0)).where(open_of_account) \
        .correlate(Account).scalar_subquery()
    return (select(Account.id, Account.name, Account.sector, Account.segment,
                   func.coalesce(Territory.name, _("company-wide")), owner.display_name,
                   open_deals.label("open_deals"), pipeline.label("pipeline"))
            .outerjoin(Territory, Territory.id == Account.territory_id)
            .outerjoin(owner, owner.id == Account.owner_id)
            .where(account_scope(viewer)))


def _to_account(row) -> AccountRow:
    pipeline = row[7]
    # Money sums come back as integer cents from a scalar subquery (the type is lost on the way).
    pipeline = Decimal(pipeline) / 100 if not isinstance(pipeline, Decimal) else pipeline
    return AccountRow(row[0], row[1], row[2], None if row[3] is None else str(row[3]), row[4], row[5], row[6],
                      pipeline.quantize(Decimal("0.01")))


def accounts_for(viewer: Viewer, *, session: Session, search: str | None = None, owner_id: int | None = None,
                 limit: int = 25, offset: int = 0) -> ResultPage[AccountRow]:
    require_field(viewer)
    limit, offset = page_bounds(limit, offset)
    where = [matches(like_pattern(search), Account.name, Account.sector), rep_filter(Account.owner_id, owner_id)]
    rows = session.exec(_account_select(viewer).where(*where).order_by(Account.name, Account.id)
                        .limit(limit).offset(offset)).all()
    total = session.exec(select(func.count()).select_from(Account).where(account_scope(viewer), *where)).one()
    return ResultPage([_to_account(r) for r in rows], total, limit, offset)


def _deals(viewer: Viewer, account_id: int, stages, *, session: Session) -> list[DealRow]:
    owner = aliased(User, name="owner")
    rows = session.exec(
        select(Opportunity.id, Opportunity.code, Opportunity.name, Opportunity.stage, Opportunity.amount,
               owner.display_name, Opportunity.opened_on, Opportunity.expected_close_on, Opportunity.closed_on)
        .outerjoin(owner, owner.id == Opportunity.owner_id)
        .where(Opportunity.account_id == account_id, Opportunity.stage.in_(stages), opportunity_scope(viewer))
        .order_by(Opportunity.closed_on.desc().nulls_first(), Opportunity.expected_close_on, Opportunity.id.desc())
        .limit(DETAIL_ROWS)).all()
    return [DealRow(r[0], r[1], r[2], str(r[3]), *r[4:]) for r in rows]


def account_detail(viewer: Viewer, account_id: int, *, session: Session) -> AccountDetail:
    """Everything in the viewer's scope about one account; an account outside it is refused."""
    require_field(viewer)
    row = session.exec(_account_select(viewer).where(Account.id == int(account_id))).first()
    if row is None:
        raise AccessDenied(_("account #{account_id} is not one of your accounts").format(account_id=account_id))
    who = aliased(User, name="who")
    leads = session.exec(
        select(Lead.code, Lead.contact_name, Lead.status, Campaign.name, Lead.created_at, Lead.first_touch_at)
        .join(Campaign, Campaign.id == Lead.campaign_id)
        .where(Lead.account_id == account_id, lead_scope(viewer))
        .order_by(Lead.created_at.desc()).limit(DETAIL_ROWS)).all()
    activities = session.exec(
        select(Activity.occurred_at, Activity.kind, who.display_name, Activity.notes)
        .join(who, who.id == Activity.user_id)
        .where(Activity.account_id == account_id, activity_scope(viewer))
        .order_by(Activity.occurred_at.desc()).limit(DETAIL_ROWS)).all()
    # Campaigns that touched it: sources of its leads and deals in the viewer's scope.
    campaign_ids = union(
        select(Lead.campaign_id.label("cid")).where(Lead.account_id == account_id, lead_scope(viewer)),
        select(Opportunity.source_campaign_id.label("cid")).where(
            Opportunity.account_id == account_id, opportunity_scope(viewer),
            Opportunity.source_campaign_id.is_not(None))).subquery()
    campaigns = session.exec(
        select(Campaign.code, Campaign.name, Campaign.start_date, Campaign.end_date)
        .where(Campaign.id.in_(select(campaign_ids.c.cid)))
        .order_by(Campaign.start_date.desc()).limit(DETAIL_ROWS)).all()
    # Events that touched it: events its leads came from, and events of activities on it.
    event_ids = union(
        select(Lead.event_id.label("eid")).where(Lead.account_id == account_id, lead_scope(viewer),
                                                 Lead.event_id.is_not(None)),
        select(Activity.event_id.label("eid")).where(Activity.account_id == account_id, activity_scope(viewer),
                                                     Activity.event_id.is_not(None))).subquery()
    events = session.exec(
        select(Event.code, Event.title, Event.starts_at, Event.venue, Event.status)
        .where(Event.id.in_(select(event_ids.c.eid)))
        .order_by(Event.starts_at.desc()).limit(DETAIL_ROWS)).all()
    return AccountDetail(
        account=_to_account(row),
        open_deals=_deals(viewer, account_id, OPEN_STAGES, session=session),
        closed_deals=_deals(viewer, account_id, CLOSED_STAGES, session=session),
        leads=[(r[0], r[1], str(r[2]), r[3], r[4], r[5]) for r in leads],
        activities=[(r[0], str(r[1]), r[2], r[3]) for r in activities],
        campaigns=[tuple(r) for r in campaigns],
        events=[(r[0], r[1], r[2], r[3], str(r[4])) for r in events])


def linkable_accounts(viewer: Viewer, *, session: Session, search: str | None = None,
                      limit: int = 50) -> list[tuple[int, str]]:
    """Accounts an activity or a new deal may be linked to: the viewer's accounts plus the
    company-wide (key) accounts, whose names everyone signed in may see (DESIGN.md)."""
    require_field(viewer)
    rows = session.exec(
        select(Account.id, Account.name)
        .where(linkable_account_scope(viewer), matches(like_pattern(search), Account.name))
        .order_by(Account.name).limit(max(1, min(int(limit), 200)))).all()
    return [tuple(r) for r in rows]


def linkable_account(viewer: Viewer, account_id: int, *, session: Session) -> Account:
    require_field(viewer)
    account = session.exec(select(Account).where(
        Account.id == int(account_id), linkable_account_scope(viewer))).first()
    if account is None:
        raise AccessDenied(_("account #{account_id} is not one of your accounts").format(account_id=account_id))
    return account
