"""Event registrations on both databases: by hand, a list import (Korean headers, preview, de-dup),
check-in on the event day (refused after the event, with the reason), walk-ins, no-shows, the
attendee's lead (routed like any lead, linked), marketing's per-event results, reps' view of their
accounts' registrations, the KPI event_attendance_rate against hand-computed values, and the
registrations.csv of the bundle (round trip and refusals)."""
from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal as D
from fractions import Fraction as F
from pathlib import Path

import pytest
from sqlmodel import func, select

from models.db import read_session, write_session
from models.enums import LeadStatus, NotificationKind, RegistrationStatus
from models.tables import AuditLog, Lead, Notification, Registration
from queries import lead_queue
from queries import registrations as reg_q
from queries.kpis.exact import to_decimal
from queries.scope import AccessDenied
from services import registrations as reg
from services.bundle import BundleInvalid, export_bundle, import_bundle
from models.errors import NotFound, ValidationFailed
from services.lead_import_parsing import auto_mapping, open_lead_file, read_header
from tests.factories import Builder, EventStatus, utc
from tests.field_world import NOW, build_world
from tests.kpi_scenario import kpis

SEOUL = timezone(timedelta(hours=9))
FULL = Path(__file__).parents[1] / "data" / "bundle_full"


def _count(engine, model, *where) -> int:
    with read_session(engine) as s:
        return s.exec(select(func.count()).select_from(model).where(*where)).one()


def _add(engine, w, event, email, company="Hanbit Steel (한빛철강)", name="김민수", viewer=None, **kw):
    with write_session(engine) as s:
        return reg.add_registration(viewer or w.v_marketer, event.id, reg.RegistrationInput(
            email=email, company=company, contact_name=name), session=s, now=kw.pop("now", NOW), **kw)


def test_add_by_hand_refuses_duplicates_unknown_and_ended_events(engine):
    w = build_world(engine)
    first = _add(engine, w, w.ev_now, "Minsu.Kim@Hanbit.example")
    assert first.email == "Minsu.Kim@Hanbit.example" and first.email_key == "minsu.kim@hanbit.example"
    assert first.status == RegistrationStatus.registered
    before = _count(engine, AuditLog)
    with pytest.raises(ValidationFailed, match="Minsu.Kim@Hanbit.example is already registered for event EV-NOW"):
        _add(engine, w, w.ev_now, " minsu.kim@HANBIT.example ")
    with pytest.raises(NotFound, match="unknown event"):
        with write_session(engine) as s:
            reg.add_registration(w.v_marketer, 999_999, reg.RegistrationInput("a@b.example", "X"), session=s)
    with pytest.raises(ValidationFailed, match="has ended"):
        _add(engine, w, w.ev_past, "late@example.com")
    with pytest.raises(ValidationFailed, match="cancelled"):
        _add(engine, w, w.ev_cancelled, "late@example.com")
    with pytest.raises(ValidationFailed) as bad:
        _add(engine, w, w.ev_soon, "not-an-email", company="")
    assert bad.value.problems == ["email: not a valid address 'not-an-email'", "company: required"]
    with pytest.raises(AccessDenied):   # by hand is marketing's
        _add(engine, w, w.ev_soon, "rep@example.com", viewer=w.v_rep)
    assert _count(engine, Registration) == 1 and _count(engine, AuditLog) == before


def test_check_in_makes_a_routed_lead_linked_to_the_registration(engine):
    w = build_world(engine)
    r = _add(engine, w, w.ev_now, "new.person@hanbit.example")
    with write_session(engine) as s:
        lead = reg.check_in(w.v_manager, r.id, session=s, now=NOW)
        code = lead.code
    with read_session(engine) as s:
        r = s.get(Registration, r.id)
        lead = s.exec(select(Lead).where(Lead.code == code)).one()
    assert r.status == RegistrationStatus.attended and r.checked_in_at == NOW and r.lead_id == lead.id
    # campaign and event set; the account "Hanbit Steel (한빛철강)" is SEL's, owned by rep.sel → routed to them
    assert (lead.campaign_id, lead.event_id, lead.account_id) == (w.camp_sel.id, w.ev_now.id, w.acc.id)
    assert (lead.territory_id, lead.assigned_to_id, lead.assigned_at) == (w.sel.id, w.rep.id, NOW)
    assert lead.status == LeadStatus.new and lead.email == "new.person@hanbit.example"
    # handed over like any lead: the deadline of the policy in force (wall clock, 24 h) and the rep is told
    assert lead.due_at == NOW + timedelta(hours=24)
    with read_session(engine) as s:
        told = s.exec(select(Notification.user_id).where(Notification.kind == NotificationKind.lead_assigned,
                                                         Notification.entity_key == code)).all()
    assert told == [w.rep.id]
    with read_session(engine) as s:
        queue = lead_queue.lead_queue(w.v_rep, session=s, search="new.person")
    assert [q.code for q in queue.rows] == [code]
    with pytest.raises(ValidationFailed, match="already checked in"):
        with write_session(engine) as s:
            reg.check_in(w.v_manager, r.id, session=s, now=NOW)
    assert _count(engine, Lead, Lead.email == "new.person@hanbit.example") == 1


def test_check_in_is_refused_after_the_event_and_before_its_day_with_the_reason(engine):
    w = build_world(engine)
    r = _add(engine, w, w.ev_soon, "soon@example.com", company="Nowhere Ltd")
    leads, audit = _count(engine, Lead), _count(engine, AuditLog)
    with pytest.raises(ValidationFailed, match=r"opens on the event day \(2026-03-13\)"):
        with write_session(engine) as s:
            reg.check_in(w.v_rep, r.id, session=s, now=NOW)
    later = w.ev_soon.ends_at + timedelta(minutes=1)
    with pytest.raises(ValidationFailed, match="ended at 2026-03-13 14:00: check-in is closed"):
        with write_session(engine) as s:
            reg.check_in(w.v_rep, r.id, session=s, now=later)
    with read_session(engine) as s:
        assert s.get(Registration, r.id).status == RegistrationStatus.registered
    assert (_count(engine, Lead), _count(engine, AuditLog)) == (leads, audit)
    # ...and on the event day it opens (local midnight in Seoul).
    with write_session(engine) as s:
        reg.check_in(w.v_rep, r.id, session=s, now=datetime(2026, 3, 13, 0, 0, tzinfo=SEOUL))
    # A territory's people check in only at their territory's events.
    other = _add(engine, w, w.ev_now, "other@example.com", company="Nowhere Ltd")
    with pytest.raises(AccessDenied):
        with write_session(engine) as s:
            reg.check_in(w.v_rep_b, other.id, session=s, now=NOW)


def test_walk_in_and_an_existing_lead_of_the_campaign_is_linked_not_duplicated(engine):
    w = build_world(engine)
    with Builder(engine) as b:
        known = b.lead(w.camp_sel, code="L-KNOWN", company="Mirae Retail", territory=w.sel, assigned_to=w.rep2,
                       assigned_at=NOW - timedelta(days=3), created_at=NOW - timedelta(days=3),
                       email="Buyer@Mirae.example")
    with write_session(engine) as s:
        walk = reg.add_registration(w.v_rep, w.ev_now.id, reg.RegistrationInput(
            "buyer@mirae.example", "Mirae Retail", "박서준"), session=s, walk_in=True, now=NOW)
    with read_session(engine) as s:
        walk = s.get(Registration, walk.id)
    assert walk.status == RegistrationStatus.attended and walk.checked_in_at == NOW and walk.lead_id == known.id
    assert _count(engine, Lead, Lead.campaign_id == w.camp_sel.id) == _count(engine, Lead, Lead.campaign_id == w.camp_sel.id)
    assert _count(engine, Lead, func.lower(Lead.email) == "buyer@mirae.example") == 1
    # A walk-in nobody's account knows: the event's territory, its least-loaded rep.
    with write_session(engine) as s:
        stranger = reg.add_registration(w.v_marketer, w.ev_now.id, reg.RegistrationInput(
            "x@unknown.example", "Unknown Co"), session=s, walk_in=True, now=NOW)
        lead = s.get(Lead, stranger.lead_id)
        assert lead.territory_id == w.sel.id and lead.assigned_to_id in (w.rep.id, w.rep2.id)
    with pytest.raises(ValidationFailed, match="check-in is closed"):
        with write_session(engine) as s:
            reg.add_registration(w.v_rep, w.ev_past.id, reg.RegistrationInput("y@late.example", "Late"),
                                 session=s, walk_in=True, now=NOW)


def test_no_shows_only_after_the_event(engine):
    w = build_world(engine)
    a = _add(engine, w, w.ev_now, "a@example.com", company="A")
    b_ = _add(engine, w, w.ev_now, "b@example.com", company="B")
    with write_session(engine) as s:
        reg.check_in(w.v_marketer, a.id, session=s, now=NOW)
    with pytest.raises(ValidationFailed, match="has not ended yet"):
        with write_session(engine) as s:
            reg.mark_no_shows(w.v_marketer, w.ev_now.id, session=s, now=NOW)
    with write_session(engine) as s:
        assert reg.mark_no_shows(w.v_manager, w.ev_now.id, session=s, now=w.ev_now.ends_at) == 1
    with read_session(engine) as s:
        assert s.get(Registration, a.id).status == RegistrationStatus.attended
        assert s.get(Registration, b_.id).status == RegistrationStatus.no_show


KOREAN_LIST = ("회사명,이메일,성명,연락처\r\n"
               "한빛철강,kim@hanbit.example,김민수,010-1111-2222\r\n"
               "가온식품,LEE@gaon.example,이서연,\r\n"
               "가온식품,lee@GAON.example,이서연,\r\n"            # the same e-mail again
               "미래유통,not-an-email,박지훈,\r\n"
               ",nobody@example.com,,\r\n"
               "기존,already@example.com,기존,\r\n").encode("cp949")


def test_import_a_registration_list_with_korean_headers_preview_and_dedup(engine):
    w = build_world(engine)
    _add(engine, w, w.ev_soon, "Already@Example.com", company="기존")
    lead_file = open_lead_file("참가자.csv", KOREAN_LIST)
    mapping = auto_mapping(read_header(lead_file))
    assert mapping["company"] == 0 and mapping["email"] == 1 and mapping["contact_name"] == 2
    with read_session(engine) as s:
        preview = reg.preview_registrations(w.v_marketer, lead_file, mapping, event_id=w.ev_soon.id, session=s, now=NOW)
    assert (preview.total_rows, preview.good_rows, preview.rejected_rows) == (6, 2, 4)
    assert {p.row_no: p.reasons for p in preview.problems} == {
        4: ["duplicate of row 3 in this file (same e-mail)"],
        5: ["email: not a valid address 'not-an-email'"],
        6: ["company: required"],
        7: ["Already@Example.com is already registered for this event"]}
    assert _count(engine, Registration) == 1           # the preview wrote nothing
    with write_session(engine) as s:
        report = reg.import_registrations(w.v_marketer, lead_file, mapping, event_id=w.ev_soon.id, session=s, now=NOW)
    assert report.good_rows == 2 and "already registered" in report.rejects_csv.decode("utf-8-sig")
    with read_session(engine) as s:
        rows = s.exec(select(Registration.email, Registration.company, Registration.status)
                      .where(Registration.event_id == w.ev_soon.id).order_by(Registration.email)).all()
    assert rows == [("Already@Example.com", "기존", "registered"), ("LEE@gaon.example", "가온식품", "registered"),
                    ("kim@hanbit.example", "한빛철강", "registered")]
    with pytest.raises(ValidationFailed, match="has ended"):
        with write_session(engine) as s:
            reg.import_registrations(w.v_marketer, lead_file, mapping, event_id=w.ev_past.id, session=s, now=NOW)
    with pytest.raises(ValidationFailed, match="e-mail"):
        with read_session(engine) as s:
            reg.preview_registrations(w.v_marketer, lead_file, {**mapping, "email": None}, event_id=w.ev_soon.id,
                                      session=s, now=NOW)


def test_marketing_results_per_event_and_reps_see_their_accounts(engine):
    w = build_world(engine)
    a = _add(engine, w, w.ev_now, "kim@hanbit.example", company="Hanbit Steel (한빛철강)")
    _add(engine, w, w.ev_now, "park@gaon.example", company="Gaon Foods")
    _add(engine, w, w.ev_now, "gone@nowhere.example", company="Nowhere")
    with write_session(engine) as s:
        reg.check_in(w.v_marketer, a.id, session=s, now=NOW)
        reg.mark_no_shows(w.v_marketer, w.ev_now.id, session=s, now=w.ev_now.ends_at)
    with read_session(engine) as s:
        results = {r.code: r for r in reg_q.event_results(w.v_marketer, session=s)}
        mine = reg_q.account_registrations(w.v_rep, session=s, now=NOW)
        manager = reg_q.account_registrations(w.v_manager, session=s, now=NOW)
        busan = reg_q.account_registrations(w.v_rep_b, session=s, now=NOW)
        with pytest.raises(AccessDenied):
            reg_q.event_results(w.v_rep, session=s)
        with pytest.raises(AccessDenied):
            reg_q.event_registrations(w.v_rep_b, w.ev_now.id, session=s)
        found = reg_q.event_registrations(w.v_rep, w.ev_now.id, session=s, search="GAON")
    now = results["EV-NOW"]
    assert (now.registered, now.attended, now.no_show, now.attendance_rate) == (3, 1, 2, to_decimal(F(1, 3)))
    assert now.leads == 1 and now.pipeline == D("0.00") and now.won_revenue == D("0.00")
    # ev_past has L-OVER (lead of the event) whose account has deals, but not through the lead: none counted
    assert results["EV-PAST"].leads == 1 and results["EV-PAST"].attendance_rate is None
    assert [(m.account, m.email) for m in mine] == [("Hanbit Steel (한빛철강)", "kim@hanbit.example")]
    assert {m.email for m in manager} == {"kim@hanbit.example", "park@gaon.example"}
    assert busan == []
    assert [r.email for r in found.rows] == ["park@gaon.example"]


def test_event_attendance_rate_hand_computed(engine):
    with Builder(engine) as b:
        sel, bsn = b.territory("SEL"), b.territory("BSN")
        c = b.campaign()
        e1 = b.event(c, sel, starts_at=datetime(2026, 3, 31, 23, 30, tzinfo=SEOUL))       # in March (Seoul)
        e2 = b.event(c, bsn, starts_at=datetime(2026, 3, 1, 0, 0, tzinfo=SEOUL), status=EventStatus.cancelled)
        out = b.event(c, sel, starts_at=datetime(2026, 4, 1, 0, 30, tzinfo=SEOUL))        # April: out
        sel_id, bsn_id = sel.id, bsn.id
        plan = {e1.id: ["attended", "attended", "no_show", "registered", "cancelled"],
                e2.id: ["attended", "no_show", "no_show", "cancelled", "cancelled"],
                out.id: ["attended", "attended"]}
    with write_session(engine) as s:
        for event_id, statuses in plan.items():
            for n, status in enumerate(statuses):
                s.add(Registration(event_id=event_id, email=f"p{n}@e{event_id}.example", email_key=f"p{n}@e{event_id}.example",
                                   company="Co", status=status, registered_at=utc(2026, 2, 1),
                                   checked_in_at=utc(2026, 3, 1) if status == "attended" else None))
    march = {"start": date(2026, 3, 1), "end": date(2026, 3, 31)}
    # e1: 2 attended of 4 counted (cancelled never counts); e2: 1 of 3 → (2 + 1) / (4 + 3)
    assert kpis(engine, **march)["event_attendance_rate"] == to_decimal(F(3, 7))
    assert kpis(engine, **march, territory_id=sel_id)["event_attendance_rate"] == D("0.5")
    assert kpis(engine, **march, territory_id=bsn_id)["event_attendance_rate"] == to_decimal(F(1, 3))
    assert kpis(engine, start=date(2026, 5, 1), end=date(2026, 5, 31))["event_attendance_rate"] is None
    keys = list(kpis(engine, **march))
    assert keys[keys.index("leads_per_event") + 1] == "event_attendance_rate"


def test_registrations_csv_round_trips_exactly_and_bad_rows_are_refused(engine, tmp_path):
    import_bundle(FULL, engine=engine)
    with read_session(engine) as s:
        rows = s.exec(select(Registration).order_by(Registration.id)).all()
        hong = [r for r in rows if r.email_key == "hong.gildong@samsung.example"]
    assert len(rows) == 5 and len(hong) == 2 and hong[0].email == "Hong.GilDong@Samsung.example"
    assert hong[0].checked_in_at == datetime(2025, 3, 10, 4, 55, tzinfo=timezone.utc) and hong[0].lead_id is not None
    out = tmp_path / "out"
    export_bundle(out, engine=engine)
    assert (out / "registrations.csv").read_text(encoding="utf-8").splitlines()[0] == \
        "event,email,company,contact_name,phone,status,registered_at,checked_in_at,lead"
    import_bundle(out, engine=engine)              # idempotent: matched on (event, e-mail without case)
    assert _count(engine, Registration) == 5
    again = tmp_path / "again"
    export_bundle(again, engine=engine)
    assert (again / "registrations.csv").read_bytes() == (out / "registrations.csv").read_bytes()

    bad = tmp_path / "bad"
    shutil.copytree(out, bad)
    with open(bad / "registrations.csv", "a", encoding="utf-8") as handle:
        handle.write("E1,HONG.gildong@samsung.EXAMPLE,Dup,,,registered,2025-03-01T09:00:00+09:00,,\n")
        handle.write("E404,a@b.example,Nobody,,,registered,2025-03-01T09:00:00+09:00,,\n")
        handle.write("E1,c@d.example,Early,,,registered,2025-03-01T09:00:00+09:00,2025-03-10T14:00:00+09:00,\n")
    before = (out / "registrations.csv").read_bytes()
    with pytest.raises(BundleInvalid) as refused:
        import_bundle(bad, engine=engine)
    text = str(refused.value)
    assert "registrations.csv:8: event: unknown code 'E404'" in text
    assert "registrations.csv:9: checked_in_at: only an attended registration has a check-in time" in text
    assert "registrations.csv:7: event+email: duplicate key 'E1', 'HONG.gildong@samsung.EXAMPLE' (first on line 2)" in text
    check = tmp_path / "check"
    export_bundle(check, engine=engine)
    assert (check / "registrations.csv").read_bytes() == before and _count(engine, Registration) == 5
