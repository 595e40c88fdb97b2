"""A small, hand-made world for the field workspace's unit tests: two territories, their people,
campaigns, events, notes, accounts, leads and deals, dated around one fixed NOW.

NOW is 2026-03-10 03:00 UTC = 12:00 in Seoul; sla_hours is the default 24.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from models.enums import EventKind, EventStatus, NoteStatus, Role, Stage
from models.tables import Account, Campaign, CampaignNote, Event, Lead, Opportunity, Territory, User
from queries.scope import Viewer
from tests.factories import Builder, utc

NOW = utc(2026, 3, 10, 3, 0)
TODAY = date(2026, 3, 10)  # Seoul


@dataclass(slots=True, repr=False)
class FieldWorld:
    """The records of the world, by the name the tests use; build_world sets each in turn
    (slots: a misspelt name fails)."""
    sel: Territory = field(init=False)
    bsn: Territory = field(init=False)
    manager: User = field(init=False)
    rep: User = field(init=False)
    rep2: User = field(init=False)
    rep_b: User = field(init=False)
    manager_b: User = field(init=False)
    marketer: User = field(init=False)
    camp_sel: Campaign = field(init=False)
    camp_bsn: Campaign = field(init=False)
    camp_all: Campaign = field(init=False)
    ev_soon: Event = field(init=False)
    ev_now: Event = field(init=False)
    ev_late: Event = field(init=False)
    ev_past: Event = field(init=False)
    ev_cancelled: Event = field(init=False)
    ev_bsn: Event = field(init=False)
    note_sel_v1: CampaignNote = field(init=False)
    note_sel_v2: CampaignNote = field(init=False)
    note_sel_draft: CampaignNote = field(init=False)
    note_bsn: CampaignNote = field(init=False)
    note_all: CampaignNote = field(init=False)
    acc: Account = field(init=False)
    acc2: Account = field(init=False)
    acc_bsn: Account = field(init=False)
    key_acc: Account = field(init=False)
    key_acc_dealt: Account = field(init=False)
    lead_overdue: Lead = field(init=False)
    lead_fresh: Lead = field(init=False)
    lead_rep2: Lead = field(init=False)
    lead_unassigned: Lead = field(init=False)
    lead_bsn: Lead = field(init=False)
    opp: Opportunity = field(init=False)
    opp_key: Opportunity = field(init=False)
    opp_rep2: Opportunity = field(init=False)
    opp_bsn: Opportunity = field(init=False)
    v_manager: Viewer = field(init=False)
    v_rep: Viewer = field(init=False)
    v_rep2: Viewer = field(init=False)
    v_rep_b: Viewer = field(init=False)
    v_manager_b: Viewer = field(init=False)
    v_marketer: Viewer = field(init=False)


def build_world(engine) -> FieldWorld:
    w = FieldWorld()
    with Builder(engine) as b:
        w.sel, w.bsn = b.territory("SEL", "Seoul 서울"), b.territory("BSN", "Busan 부산")
        w.manager = b.user("mgr.sel", Role.manager, w.sel)
        w.rep = b.user("rep.sel", Role.rep, w.sel, manager=w.manager)
        w.rep2 = b.user("rep2.sel", Role.rep, w.sel, manager=w.manager)
        w.rep_b = b.user("rep.bsn", Role.rep, w.bsn)
        w.manager_b = b.user("mgr.bsn", Role.manager, w.bsn)
        w.marketer = b.user("mkt", Role.marketer)
        w.camp_sel = b.campaign("C-SEL", name="Smart Factory Summit", start=date(2026, 3, 1), end=date(2026, 4, 30),
                                territories=[w.sel])
        w.camp_bsn = b.campaign("C-BSN", name="Busan Roadshow", start=date(2026, 3, 1), end=date(2026, 4, 30),
                                territories=[w.bsn])
        # Targets every territory (no rows) and holds no event anywhere.
        w.camp_all = b.campaign("C-ALL", name="Year-End Promotion", start=date(2026, 3, 1), end=date(2026, 5, 31))
        w.ev_soon = b.event(w.camp_sel, w.sel, code="EV-SOON", title="Summit Seoul", starts_at=NOW + timedelta(days=3),
                            venue="COEX Hall B", capacity=120, kind=EventKind.seminar)
        w.ev_now = b.event(w.camp_sel, w.sel, code="EV-NOW", title="Roadshow today", starts_at=NOW - timedelta(hours=1),
                           ends_at=NOW + timedelta(hours=5), kind=EventKind.roadshow)
        w.ev_late = b.event(w.camp_sel, w.sel, code="EV-LATE", title="Workshop in 20 days",
                            starts_at=NOW + timedelta(days=20), kind=EventKind.workshop)
        w.ev_past = b.event(w.camp_sel, w.sel, code="EV-PAST", title="Seminar 10 days ago",
                            starts_at=NOW - timedelta(days=10))
        w.ev_cancelled = b.event(w.camp_sel, w.sel, code="EV-CXL", title="Cancelled seminar",
                                 starts_at=NOW + timedelta(days=5), status=EventStatus.cancelled)
        w.ev_bsn = b.event(w.camp_bsn, w.bsn, code="EV-BSN", title="Busan only", starts_at=NOW + timedelta(days=2))
        w.note_sel_v1 = b.note(w.camp_sel, version=1, published_at=NOW - timedelta(days=9), title="Summit v1",
                               body="## Key messages\n- Cuts reporting by 40%\n- Local support")
        w.note_sel_v2 = b.note(w.camp_sel, version=2, published_at=NOW - timedelta(days=2), title="Summit v2",
                               body="## Key messages\n- Cuts reporting by 45%\n- Local support\n- Free pilot")
        w.note_sel_draft = b.note(w.camp_sel, version=3, status=NoteStatus.draft, title="Summit draft", body="wip")
        w.note_bsn = b.note(w.camp_bsn, version=1, published_at=NOW - timedelta(days=1), title="Busan secret")
        w.note_all = b.note(w.camp_all, version=1, published_at=NOW - timedelta(days=4), title="Promotion v1")
        w.acc = b.account("Hanbit Steel (한빛철강)", w.sel, owner=w.rep, sector="manufacturing")
        w.acc2 = b.account("Gaon Foods", w.sel, owner=w.rep2, sector="food")
        w.acc_bsn = b.account("Busan Logistics", w.bsn, owner=w.rep_b)
        w.key_acc = b.account("Samil Motors (key)", None, sector="automotive")
        w.key_acc_dealt = b.account("Daehan Bio (key)", None, sector="healthcare")
        created = NOW - timedelta(hours=40)
        # Assigned 30 h before NOW: 6 h past the 24 h deadline, untouched.
        w.lead_overdue = b.lead(w.camp_sel, code="L-OVER", company="Hanbit Steel", territory=w.sel, assigned_to=w.rep,
                                assigned_at=NOW - timedelta(hours=30), created_at=created, account=w.acc,
                                event=w.ev_past, contact_name="김민수")
        # Assigned 4 h before NOW: due in 20 h.
        w.lead_fresh = b.lead(w.camp_sel, code="L-FRESH", company="Mirae Retail", territory=w.sel, assigned_to=w.rep,
                              assigned_at=NOW - timedelta(hours=4), created_at=created)
        w.lead_rep2 = b.lead(w.camp_sel, code="L-REP2", company="Gaon Foods", territory=w.sel, assigned_to=w.rep2,
                             assigned_at=NOW - timedelta(hours=10), created_at=created, account=w.acc2)
        w.lead_unassigned = b.lead(w.camp_sel, code="L-UNAS", company="Nuri Chemicals", territory=w.sel,
                                   created_at=created)
        w.lead_bsn = b.lead(w.camp_bsn, code="L-BSN", company="Busan Logistics", territory=w.bsn, assigned_to=w.rep_b,
                            assigned_at=NOW - timedelta(hours=5), created_at=created, account=w.acc_bsn)
        w.opp = b.opportunity(w.sel, code="O-SEL", name="Hanbit MES", owner=w.rep, account=w.acc, amount="45000000.00",
                              opened_on=date(2026, 2, 1), expected_close_on=date(2026, 4, 30))
        w.opp_key = b.opportunity(w.sel, code="O-KEY", name="Daehan ERP", owner=w.rep, account=w.key_acc_dealt,
                                  amount="10000000.00", opened_on=date(2026, 2, 1), stage=Stage.engaging)
        w.opp_rep2 = b.opportunity(w.sel, code="O-REP2", name="Gaon ERP", owner=w.rep2, account=w.acc2, amount="5000000")
        w.opp_bsn = b.opportunity(w.bsn, code="O-BSN", name="Busan WMS", owner=w.rep_b, account=w.acc_bsn,
                                  amount="7000000")
    for key in ("manager", "rep", "rep2", "rep_b", "manager_b", "marketer"):
        setattr(w, f"v_{key}", Viewer.of(getattr(w, key)))
    return w
