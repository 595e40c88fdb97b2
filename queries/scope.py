"""Who is asking, and what each role may see.

``Viewer`` is the signed-in user as the query layer knows it; pages build it once per rerun
from the database (never from widget state) and pass it explicitly.

Visibility rules (DESIGN.md):
- rep: records of their own territory; leads assigned to them; their own opportunities and
  activities; accounts of their territory plus company-wide accounts (name/sector only unless
  they have deals with them).
- manager: everything of their territory (all its reps).
- marketer, executive, admin: company-wide.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import false, or_, true
from sqlmodel import Session, select

from models.enums import Role
from models.errors import AccessDenied
from models.tables import Account, CampaignTerritory, Event, Lead, Opportunity, User
from i18n import _


@dataclass(frozen=True)
class Viewer:
    id: int
    username: str
    display_name: str
    role: Role
    territory_id: int | None
    language: str | None = None      # chosen interface language; None = the browser's

    @property
    def is_field(self) -> bool:
        return self.role in (Role.rep, Role.manager)

    @property
    def is_company_wide(self) -> bool:
        return self.role in (Role.marketer, Role.executive, Role.admin)

    @classmethod
    def of(cls, user: User) -> Viewer:
        return cls(id=user.id, username=user.username, display_name=user.display_name,
                   role=Role(user.role), territory_id=user.territory_id,
                   language=user.language.value if user.language else None)


def scope_only(query):
    """Mark a query whose result depends on who asks only through their role and territory (it
    never reads ``viewer.id`` or anything else personal): the KPIs, the dashboard's series, the
    drill-downs, the scorecard. Pages may then share one cached result between viewers of the same
    role and territory (``ui.reads``): the company's executives share one dashboard computation
    instead of one each. The access checks of these queries depend on role and territory too, so
    a shared result is one the viewer would have been allowed to compute; a refusal is never cached."""
    query.scope_only = True
    return query


def load_viewer(username: str, *, session: Session) -> Viewer | None:
    """The active user with this username, or None (unknown or disabled)."""
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None or not user.active:
        return None
    return Viewer.of(user)


def require_role(viewer: Viewer, *roles: Role) -> None:
    if viewer.role not in roles:
        raise AccessDenied(_("your role ({role}) may not do this").format(role=viewer.role))


def lead_scope(viewer: Viewer):
    """WHERE clause limiting leads to those the viewer may see."""
    if viewer.is_company_wide:
        return true()
    if viewer.role is Role.manager:
        return Lead.territory_id == viewer.territory_id
    if viewer.role is Role.rep:
        return (Lead.assigned_to_id == viewer.id) & (Lead.territory_id == viewer.territory_id)
    return false()


def opportunity_scope(viewer: Viewer):
    if viewer.is_company_wide:
        return true()
    if viewer.role is Role.manager:
        return Opportunity.territory_id == viewer.territory_id
    if viewer.role is Role.rep:
        return (Opportunity.owner_id == viewer.id) & (Opportunity.territory_id == viewer.territory_id)
    return false()


def event_scope(viewer: Viewer):
    if viewer.is_company_wide:
        return true()
    if viewer.is_field:
        return Event.territory_id == viewer.territory_id
    return false()


def campaign_targets_territory(campaign_id_col, territory_id: int):
    """A campaign targets a territory when it lists it, or lists none (= every territory)."""
    listed = select(CampaignTerritory.campaign_id).where(CampaignTerritory.campaign_id == campaign_id_col)
    listed_here = listed.where(CampaignTerritory.territory_id == territory_id)
    return or_(~listed.exists(), listed_here.exists())


def account_scope(viewer: Viewer):
    """Accounts a viewer may open in full: their territory's, plus company-wide accounts they
    have deals with (reps) or any company-wide account with deals in their territory (managers)."""
    if viewer.is_company_wide:
        return true()
    if not viewer.is_field:
        return false()
    own_deals = select(Opportunity.id).where(Opportunity.account_id == Account.id, opportunity_scope(viewer))
    return or_(Account.territory_id == viewer.territory_id,
               (Account.territory_id.is_(None)) & own_deals.exists())


def linkable_account_scope(viewer: Viewer):
    """Accounts an activity or a new deal may be linked to: ``account_scope`` plus every key
    (company-wide) account. For a field user that union is their territory's accounts and every key
    account (the scope's key-account branch lies inside the second), written out: from the union
    SQLite ran that branch's deal subquery for each key account of the company (70 ms at large for
    a list of 50 names; bench/README.md, "Round 2, eighth session")."""
    key_account = Account.territory_id.is_(None)
    if not viewer.is_field:
        return or_(account_scope(viewer), key_account)
    return or_(Account.territory_id == viewer.territory_id, key_account)
