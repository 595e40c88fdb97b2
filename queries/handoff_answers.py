"""What sales answered to marketing's hand-overs: the rejected-leads queue, rejections per campaign
(the field's verdict on a campaign's leads), a manager's team rejections, and the two-sided
scorecard (promised, handed over, accepted, rejected, within SLA, overdue per territory-month)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import and_, func
from sqlalchemy.orm import aliased
from sqlmodel import Session, select

from models.enums import LeadStatus, Role
from models.tables import Campaign, Lead, LeadRejection, Territory, User
from models.types import utcnow
from i18n.labels import name_in_language

from .paging import ResultPage, paged
from .scope import AccessDenied, Viewer, require_role, scope_only

MARKETING = (Role.marketer, Role.admin)


@dataclass(frozen=True)
class RejectedRow:
    id: int
    code: str
    company: str
    campaign: str
    territory_id: int | None
    territory: str | None
    rep: str | None
    reason: str | None
    note: str | None
    rejected_at: datetime | None
    status: str
    version: int


def _last_rejection():
    """The latest rejection of each lead (its reason is the one marketing acts on)."""
    latest = (select(LeadRejection.lead_id, func.max(LeadRejection.rejected_at).label("at"))
              .group_by(LeadRejection.lead_id).subquery("latest"))
    return latest


def rejected_queue(viewer: Viewer, *, session: Session, page: int = 1, page_size: int = 50,
                   code: str | None = None) -> ResultPage:
    """Leads the reps handed back (status rejected), oldest rejection first, with the reason."""
    require_role(viewer, *MARKETING)
    latest = _last_rejection()
    rep = aliased(User, name="rejecting_rep")
    conds = [Lead.status == LeadStatus.rejected]
    if code:
        conds.append(Lead.code == code)
    query = (select(Lead.id, Lead.code, Lead.company, Campaign.name, Lead.territory_id, Territory.name,
                    rep.display_name, LeadRejection.reason, LeadRejection.note, LeadRejection.rejected_at,
                    Lead.status, Lead.version)
             .join(Campaign, Campaign.id == Lead.campaign_id)
             .outerjoin(Territory, Territory.id == Lead.territory_id)
             .outerjoin(latest, latest.c.lead_id == Lead.id)
             .outerjoin(LeadRejection, and_(LeadRejection.lead_id == Lead.id, LeadRejection.rejected_at == latest.c.at))
             .outerjoin(rep, rep.id == LeadRejection.user_id)
             .where(*conds).order_by(LeadRejection.rejected_at.asc().nulls_last(), Lead.id))
    page, page_size = max(1, int(page)), max(1, min(int(page_size), 500))
    return paged(session, query, select(func.count(Lead.id)).where(*conds), limit=page_size,
                 offset=(page - 1) * page_size, make=lambda r: RejectedRow(*r[:7], str(getattr(r[7], "value", r[7])) if r[7] else None, r[8], r[9],
                                       str(getattr(r[10], "value", r[10])), r[11]))


@scope_only
def rejection_reasons_by_campaign(viewer: Viewer, *, session: Session, start: datetime | None = None,
                                  end: datetime | None = None, limit: int = 20) -> pd.DataFrame:
    """Rejections per campaign and reason: the ``limit`` campaigns with most rejections (ties by
    campaign code), ordered by code and reason. Company-wide for every marketing role, so it is
    marked ``scope_only`` and the marketers share one computation."""
    require_role(viewer, *MARKETING)
    conds = []
    if start is not None:
        conds.append(LeadRejection.rejected_at >= start)
    if end is not None:
        conds.append(LeadRejection.rejected_at < end)
    # Grouped by the lead's campaign id, then named for the campaigns found: grouping by the
    # campaigns' code and name sorted every rejection's row by text.
    counts = session.execute(
        select(Lead.campaign_id, LeadRejection.reason, func.count())
        .select_from(LeadRejection).join(Lead, Lead.id == LeadRejection.lead_id).where(*conds)
        .group_by(Lead.campaign_id, LeadRejection.reason)).all()
    columns = ["campaign", "name", "reason", "rejections"]
    if not counts:
        return pd.DataFrame([], columns=columns)
    names = {cid: (code, name) for cid, code, name in session.execute(
        select(Campaign.id, Campaign.code, Campaign.name).where(Campaign.id.in_({cid for cid, _r, _n in counts}))).all()}
    totals: dict[int, int] = {}
    for cid, _reason, n in counts:
        totals[cid] = totals.get(cid, 0) + int(n)
    top = set(sorted(totals, key=lambda cid: (-totals[cid], names[cid][0]))[:limit])
    rows = sorted((*names[cid], str(getattr(reason, "value", reason)), int(n)) for cid, reason, n in counts if cid in top)
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class TeamRejection:
    code: str
    company: str
    campaign: str
    rep: str
    reason: str
    note: str | None
    rejected_at: datetime
    status: str


def team_rejections(viewer: Viewer, *, session: Session, limit: int = 100) -> list[TeamRejection]:
    """A manager's view of what their territory's reps handed back, newest first."""
    require_role(viewer, Role.manager)
    rep = aliased(User, name="rejecting_rep")
    rows = session.execute(
        select(Lead.code, Lead.company, Campaign.name, rep.display_name, LeadRejection.reason, LeadRejection.note,
               LeadRejection.rejected_at, Lead.status)
        .select_from(LeadRejection).join(Lead, Lead.id == LeadRejection.lead_id)
        .join(Campaign, Campaign.id == Lead.campaign_id).join(rep, rep.id == LeadRejection.user_id)
        .where(rep.territory_id == viewer.territory_id)
        .order_by(LeadRejection.rejected_at.desc()).limit(min(limit, 500))).all()
    return [TeamRejection(r[0], r[1], r[2], r[3], str(getattr(r[4], "value", r[4])), r[5], r[6],
                          str(getattr(r[7], "value", r[7]))) for r in rows]


def _months(start: date, months: int) -> list[date]:
    out, y, m = [], start.year, start.month
    for _ in range(months):
        out.append(date(y, m, 1))
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@scope_only
def scorecard(viewer: Viewer, *, session: Session, start: date, months: int = 3,
              now: datetime | None = None) -> pd.DataFrame:
    """Per territory and month: what marketing promised (lead_commitment), what it handed over
    (leads assigned that month), and how sales answered — accepted, rejected, touched within the
    SLA (first_touch_at ≤ due_at), overdue (untouched, due_at passed). Months are company-local,
    as the KPIs count them; for a manager, their territory only."""
    from queries.kpis import KpiFilter, resolve, sales
    from queries.kpis import handoff
    from queries.kpis.by_territory import by_territory, narrowed

    PASSES = (sales.TARGETS, handoff.ASSIGNED, handoff.ACCEPTED, handoff.REJECTED)

    if viewer.role not in (Role.marketer, Role.admin, Role.executive, Role.manager):
        raise AccessDenied(f"your role ({viewer.role}) may not see the scorecard")
    now = now or utcnow()
    query = select(Territory.id, Territory.code, Territory.name).order_by(Territory.code)
    if viewer.role is Role.manager:
        query = query.where(Territory.id == viewer.territory_id)
    territories = session.execute(query).all()
    rows = []
    for month in _months(start, months):
        nxt = _months(month, 2)[1]
        end = date.fromordinal(nxt.toordinal() - 1)
        # The month's passes for every territory at once (queries.kpis.by_territory): 4 statements
        # a month instead of 5 per territory and month (1,500 at DESIGN.md's 100 territories).
        p = resolve(viewer, KpiFilter(month, end, now), session=session)
        grouped = by_territory(p, PASSES, session=session)
        for territory_id, code, name in territories:
            one = narrowed(p, territory_id, grouped)
            # The territory as people read it (its name in the reader's language), its code after.
            rows.append({"territory": name_in_language(name) or code, "code": code, "month": f"{month:%Y-%m}",
                         "promised": handoff.lead_commitment(one, session=session),
                         "handed_over": handoff.leads_assigned(one, session=session),
                         "accepted": handoff.leads_accepted(one, session=session),
                         "rejected": handoff.leads_rejected(one, session=session),
                         # within SLA = first touch by the stored deadline; overdue = untouched past it
                         "within_sla": handoff.leads_on_time(one, session=session),
                         "overdue": handoff.untouched_leads(one, session=session)})
    return pd.DataFrame(rows, columns=["territory", "code", "month", "promised", "handed_over", "accepted",
                                       "rejected", "within_sla", "overdue"])
