"""A small world for the systematic access-refusal tests (tests/test_access_refusals.py).

Two territories: SEL and BSN, each with a rep, a second rep and a manager; a marketer, an executive
and an admin (company-wide, no territory). Every record that belongs to SEL carries the marker
``SELX`` in its visible text (names, titles, bodies, e-mail), so a result handed to a BSN user can
be searched for it whatever its shape. BSN has a little data of its own (marker ``BSNX``), so that
BSN users' lists are not empty by construction.

Dates are relative to the real clock: most page functions default ``now`` to the current time.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal

from models.enums import ActivityKind, Role, Stage
from models.tables import (Account, Activity, Campaign, CampaignNote, Event, Feedback, Lead, Opportunity,
                           Registration, Territory, User)
from models.types import utcnow
from queries.scope import Viewer
from services.lead_import_parsing import LeadFile
from tests.factories import Builder

SEL_MARK = "SELX"
BSN_MARK = "BSNX"

# The name of the viewer attribute of the world (``w.v[...]``) used for each role when a role
# is checked in the "right territory" (SEL) and in the "wrong territory" (BSN).
SEL_VIEWERS = {Role.rep: "rep_sel", Role.manager: "mgr_sel", Role.marketer: "marketer",
               Role.executive: "executive", Role.admin: "admin"}
BSN_VIEWERS = {Role.rep: "rep_bsn", Role.manager: "mgr_bsn"}

IMPORT_CSV = (b"Company,Email,Contact name,Phone,Territory\r\n"
              b"SELX Imported Co,imported@selx.example,SELX Imported Person,010-0000-0000,SEL\r\n")


def _later():
    """A field the builder sets after the instance exists (in the order its records are made)."""
    return field(init=False)


@dataclass(slots=True, repr=False)
class AccessWorld:
    """The records of the world, by the name the tests use (slots: a misspelt name fails)."""
    now: datetime
    today: date
    sel: Territory = _later()
    bsn: Territory = _later()
    mgr_sel_u: User = _later()
    rep_sel_u: User = _later()
    rep2_sel_u: User = _later()
    mgr_bsn_u: User = _later()
    rep_bsn_u: User = _later()
    rep2_bsn_u: User = _later()
    marketer_u: User = _later()
    executive_u: User = _later()
    admin_u: User = _later()
    acc_sel: Account = _later()
    acc_bsn: Account = _later()
    camp_sel: Campaign = _later()
    camp_bsn: Campaign = _later()
    ev_sel: Event = _later()
    ev_sel_past: Event = _later()
    ev_bsn: Event = _later()
    note_sel_v1: CampaignNote = _later()
    note_sel: CampaignNote = _later()
    note_bsn: CampaignNote = _later()
    lead_sel: Lead = _later()
    lead_sel_unassigned: Lead = _later()
    lead_bsn: Lead = _later()
    lead_bsn_unassigned: Lead = _later()
    opp_sel: Opportunity = _later()
    opp_sel_won: Opportunity = _later()
    opp_bsn: Opportunity = _later()
    activity_sel: Activity = _later()
    activity_bsn: Activity = _later()
    feedback_sel: Feedback = _later()
    feedback_bsn: Feedback = _later()
    v: dict[str, Viewer] = _later()            # a Viewer per user, by the name without "_u"
    import_mapping: dict[str, int | None] = _later()
    lead_file: LeadFile = _later()
    batch_id: int = _later()
    registration_sel: Registration = _later()
    amount: Decimal = _later()


def build_world(engine) -> AccessWorld:
    now = utcnow().replace(microsecond=0)
    today = now.date()
    w = AccessWorld(now=now, today=today)
    with Builder(engine) as b:
        w.sel = b.territory("SEL", f"Seoul {SEL_MARK}")
        w.bsn = b.territory("BSN", f"Busan {BSN_MARK}")
        w.mgr_sel_u = b.user("sel.mgr", Role.manager, w.sel, display_name=f"{SEL_MARK} Manager")
        w.rep_sel_u = b.user("sel.rep", Role.rep, w.sel, manager=w.mgr_sel_u, display_name=f"{SEL_MARK} Rep")
        w.rep2_sel_u = b.user("sel.rep2", Role.rep, w.sel, manager=w.mgr_sel_u, display_name=f"{SEL_MARK} Rep Two")
        w.mgr_bsn_u = b.user("bsn.mgr", Role.manager, w.bsn, display_name=f"{BSN_MARK} Manager")
        w.rep_bsn_u = b.user("bsn.rep", Role.rep, w.bsn, manager=w.mgr_bsn_u, display_name=f"{BSN_MARK} Rep")
        w.rep2_bsn_u = b.user("bsn.rep2", Role.rep, w.bsn, manager=w.mgr_bsn_u, display_name=f"{BSN_MARK} Rep Two")
        w.marketer_u = b.user("mkt", Role.marketer, display_name="Marketer")
        w.executive_u = b.user("exec", Role.executive, display_name="Executive")
        w.admin_u = b.user("adm", Role.admin, display_name="Admin")

        w.acc_sel = b.account(f"{SEL_MARK} Account", w.sel, owner=w.rep_sel_u, sector=f"{SEL_MARK} sector")
        w.acc_bsn = b.account(f"{BSN_MARK} Account", w.bsn, owner=w.rep_bsn_u)

        w.camp_sel = b.campaign("C-SELX", name=f"{SEL_MARK} Campaign", start=today - timedelta(days=30),
                                end=today + timedelta(days=60), territories=[w.sel], budget="1000000.00",
                                cost="500000.00", owner=w.marketer_u)
        w.camp_bsn = b.campaign("C-BSNX", name=f"{BSN_MARK} Campaign", start=today - timedelta(days=30),
                                end=today + timedelta(days=60), territories=[w.bsn], budget="900000.00",
                                cost="100000.00", owner=w.marketer_u)
        w.ev_sel = b.event(w.camp_sel, w.sel, code="EV-SELX", title=f"{SEL_MARK} Event", venue=f"{SEL_MARK} Hall",
                           starts_at=now + timedelta(days=3), capacity=50)
        w.ev_sel_past = b.event(w.camp_sel, w.sel, code="EV-SELX-PAST", title=f"{SEL_MARK} Past Event",
                                venue=f"{SEL_MARK} Hall", starts_at=now - timedelta(days=5))
        w.ev_bsn = b.event(w.camp_bsn, w.bsn, code="EV-BSNX", title=f"{BSN_MARK} Event",
                           starts_at=now + timedelta(days=4))
        w.note_sel_v1 = b.note(w.camp_sel, version=1, published_at=now - timedelta(days=3),
                               title=f"{SEL_MARK} Note", body=f"## {SEL_MARK} message one", author=w.marketer_u)
        w.note_sel = b.note(w.camp_sel, version=2, published_at=now - timedelta(days=1),
                            title=f"{SEL_MARK} Note v2", body=f"## {SEL_MARK} message two", author=w.marketer_u)
        w.note_bsn = b.note(w.camp_bsn, version=1, published_at=now - timedelta(days=1),
                            title=f"{BSN_MARK} Note", body=f"{BSN_MARK} message", author=w.marketer_u)

        created = now - timedelta(hours=30)
        w.lead_sel = b.lead(w.camp_sel, code="L-SELX", company=f"{SEL_MARK} Lead Co", territory=w.sel,
                            assigned_to=w.rep_sel_u, assigned_at=now - timedelta(hours=28), created_at=created,
                            account=w.acc_sel, event=w.ev_sel_past, contact_name=f"{SEL_MARK} Contact",
                            email="contact@selx.example")
        w.lead_sel_unassigned = b.lead(w.camp_sel, code="L-SELX-U", company=f"{SEL_MARK} Unrouted Co",
                                       territory=w.sel, created_at=created, contact_name=f"{SEL_MARK} Waiting",
                                       email="waiting@selx.example")
        w.lead_bsn = b.lead(w.camp_bsn, code="L-BSNX", company=f"{BSN_MARK} Lead Co", territory=w.bsn,
                            assigned_to=w.rep_bsn_u, assigned_at=now - timedelta(hours=2), created_at=created,
                            account=w.acc_bsn)
        w.lead_bsn_unassigned = b.lead(w.camp_bsn, code="L-BSNX-U", company=f"{BSN_MARK} Unrouted Co",
                                       territory=w.bsn, created_at=created)
        w.opp_sel = b.opportunity(w.sel, code="O-SELX", name=f"{SEL_MARK} Deal", owner=w.rep_sel_u, account=w.acc_sel,
                                  amount="30000000.00", opened_on=today - timedelta(days=20),
                                  expected_close_on=today + timedelta(days=40), source_campaign=w.camp_sel,
                                  product=f"{SEL_MARK} product")
        w.opp_sel_won = b.opportunity(w.sel, code="O-SELX-W", name=f"{SEL_MARK} Won Deal", owner=w.rep_sel_u,
                                      account=w.acc_sel, amount="20000000.00", stage=Stage.won,
                                      opened_on=today - timedelta(days=25), closed_on=today - timedelta(days=2),
                                      source_campaign=w.camp_sel)
        w.opp_bsn = b.opportunity(w.bsn, code="O-BSNX", name=f"{BSN_MARK} Deal", owner=w.rep_bsn_u,
                                  account=w.acc_bsn, amount="7000000.00", opened_on=today - timedelta(days=10))
        w.activity_sel = b.activity(w.rep_sel_u, occurred_at=now - timedelta(hours=3), kind=ActivityKind.visit,
                                    lead=w.lead_sel, account=w.acc_sel, notes=f"{SEL_MARK} activity")
        w.activity_bsn = b.activity(w.rep_bsn_u, occurred_at=now - timedelta(hours=1), lead=w.lead_bsn,
                                    notes=f"{BSN_MARK} activity")
        w.feedback_sel = b.feedback(w.rep_sel_u, created_at=now - timedelta(hours=5), campaign=w.camp_sel,
                                    body=f"{SEL_MARK} feedback", kind="objection")
        w.feedback_bsn = b.feedback(w.rep_bsn_u, created_at=now - timedelta(hours=4), campaign=w.camp_bsn,
                                    body=f"{BSN_MARK} feedback")
        b.read(w.note_sel, w.rep_sel_u, now - timedelta(hours=20))
        month = today.replace(day=1)
        b.target(w.sel, month, revenue_target="50000000.00", forecast="40000000.00")
        b.target(w.bsn, month, revenue_target="10000000.00", forecast="9000000.00")

    # One import batch of the SEL campaign, made the way the page makes it.
    from models.db import write_session
    from services import lead_import
    from services.lead_import_parsing import auto_mapping, open_lead_file, read_header

    w.v = {name: Viewer.of(getattr(w, f"{name}_u")) for name in
           ("rep_sel", "rep2_sel", "mgr_sel", "rep_bsn", "rep2_bsn", "mgr_bsn", "marketer", "executive", "admin")}
    lead_file = open_lead_file("selx.csv", IMPORT_CSV)
    w.import_mapping = auto_mapping(read_header(lead_file))
    w.lead_file = lead_file
    with write_session(engine) as s:
        report = lead_import.import_leads(w.v["marketer"], lead_file, w.import_mapping, campaign_id=w.camp_sel.id,
                                          session=s)
    w.batch_id = report.batch_id
    with write_session(engine) as s:
        w.registration_sel = Registration(event_id=w.ev_sel.id, email="guest@selx.example", email_key="guest@selx.example",
                                          company=f"{SEL_MARK} Guest Co", contact_name=f"{SEL_MARK} Guest",
                                          status="registered", registered_at=now - timedelta(days=1))
        s.add(w.registration_sel)
        s.add(Registration(event_id=w.ev_sel_past.id, email="past@selx.example", email_key="past@selx.example",
                           company=f"{SEL_MARK} Account", status="registered", registered_at=now - timedelta(days=9)))
        s.flush()
    # SEL's people hold calendar addresses: a BSN user's self-service call must leave them alone.
    from services import calendar_feed

    with write_session(engine) as s:
        for name in ("rep_sel", "mgr_sel"):
            calendar_feed.issue_token(w.v[name], session=s)
    assert w.batch_id is not None
    w.amount = Decimal("1000.00")
    return w
