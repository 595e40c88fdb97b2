"""The escalation ladder on a pinned clock, and the sweep's idempotence (threads and two
processes), on SQLite and PostgreSQL."""
import json
import os
import subprocess
import sys
import threading
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session, select

from models.db import write_session
from models.enums import LeadStatus
from models.tables import AuditLog, Lead, LeadEscalation, Notification
from services import acceptance
from services.escalation import sweep
from tests.factories import Builder
from tests.handoff_world import HANDOVER, SEOUL, build, hand_over, notes_of

ROOT = Path(__file__).resolve().parents[2]
H = timedelta(hours=1)


def _kinds(engine, user):
    return [(n.kind.value, n.entity_key) for n in notes_of(engine, user)]


def test_the_ladder_warns_then_tells_rep_and_manager_then_reassigns(engine):
    w = build(engine)
    with Builder(engine) as b:
        b.setting("reassign_after_hours", "2")          # warn_before_hours is the default 4
    lead = hand_over(engine, w)                          # due at HANDOVER + 24 h
    code = lead.code
    assert sweep(engine=engine, now=HANDOVER + 19 * H).as_dict()["warned"] == 0
    assert sweep(engine=engine, now=HANDOVER + 20 * H).warned == 1            # 4 h before due_at
    assert sweep(engine=engine, now=HANDOVER + 21 * H).warned == 0            # once per hand-over
    assert _kinds(engine, w.rep) == [("lead_due_soon", code)]
    assert _kinds(engine, w.manager) == []
    report = sweep(engine=engine, now=HANDOVER + 24 * H)                     # at due_at
    assert (report.overdue, report.reassigned) == (1, 0)
    assert _kinds(engine, w.rep)[-1] == ("lead_overdue", code)
    assert _kinds(engine, w.manager) == [("lead_overdue", code)]
    reassigned_at = HANDOVER + 26 * H
    report = sweep(engine=engine, now=reassigned_at)                          # 2 h past due_at
    assert (report.overdue, report.reassigned) == (0, 1)
    with Session(engine) as s:
        row = s.get(Lead, lead.id)
        audit = s.exec(select(AuditLog).where(AuditLog.action == "escalation_reassign")).one()
    # rep_b.sel has no open leads: the fewest; a new hand-over with a new deadline.
    assert (row.assigned_to_id, row.assigned_at, row.due_at) == (w.rep2.id, reassigned_at, reassigned_at + 24 * H)
    assert audit.entity_key == code
    for user in (w.rep, w.rep2, w.manager):
        assert _kinds(engine, user)[-1] == ("lead_reassigned", code)
    assert sweep(engine=engine, now=reassigned_at).reassigned == 0
    # the new hand-over climbs its own ladder
    assert sweep(engine=engine, now=reassigned_at + 20 * H).warned == 1
    assert _kinds(engine, w.rep2)[-1] == ("lead_due_soon", code)


def test_reassignment_picks_the_rep_with_fewest_open_leads_ties_by_username(engine):
    w = build(engine)
    with Builder(engine) as b:
        b.setting("reassign_after_hours", "1")
        third = b.user("rep_c.sel", "rep", w.sel)
    lead = hand_over(engine, w, to=w.rep)
    hand_over(engine, w, to=w.rep2, at=HANDOVER + 100 * H)                  # rep_b now holds one open lead
    sweep(engine=engine, now=HANDOVER + 25 * H)
    with Session(engine) as s:
        assert s.get(Lead, lead.id).assigned_to_id == third.id              # 0 open leads beats rep_b's 1


def test_a_touched_lead_climbs_no_further(engine):
    w = build(engine)
    lead = hand_over(engine, w)
    sweep(engine=engine, now=HANDOVER + 21 * H)
    with write_session(engine) as s:
        acceptance.accept_lead(w.v(w.rep), lead.id, session=s, now=HANDOVER + 22 * H)
    assert sweep(engine=engine, now=HANDOVER + 30 * H).overdue == 0
    assert _kinds(engine, w.manager) == []


def test_a_handover_on_the_friday_before_seollal_escalates_after_the_holidays(engine):
    w = build(engine)
    with Builder(engine) as b:
        b.setting("sla_clock", "business")
        b.setting("sla_hours", "8")
    friday = datetime(2027, 2, 5, 15, 0, tzinfo=SEOUL)
    lead = hand_over(engine, w, at=friday)
    due = datetime(2027, 2, 10, 14, 0, tzinfo=SEOUL)                         # see test_handoff_sla
    assert lead.due_at == due
    assert sweep(engine=engine, now=datetime(2027, 2, 9, 18, 0, tzinfo=SEOUL)).warned == 0
    assert sweep(engine=engine, now=due - 4 * H).warned == 1                 # warn_before_hours: wall hours
    assert sweep(engine=engine, now=due).overdue == 1
    assert _kinds(engine, w.manager) == [("lead_overdue", lead.code)]


def test_one_failing_lead_does_not_stop_the_sweep(engine, monkeypatch):
    w = build(engine)
    bad = hand_over(engine, w)
    good = hand_over(engine, w, at=HANDOVER + H)
    from services import escalation, notifications

    real = notifications.lead_overdue

    def flaky(lead, **kw):
        if lead.id == bad.id:
            raise RuntimeError("boom")
        return real(lead, **kw)

    monkeypatch.setattr(escalation.notifications, "lead_overdue", flaky)
    report = sweep(engine=engine, now=HANDOVER + 30 * H)
    assert report.overdue == 1 and len(report.failed) == 1 and "boom" in report.failed[0]
    with Session(engine) as s:
        steps = s.exec(select(LeadEscalation.lead_id).where(LeadEscalation.step == "overdue")).all()
    assert steps == [good.id]                 # the failed lead's step rolled back with it: retried next sweep


def _counts(engine):
    with Session(engine) as s:
        notes = s.exec(select(Notification.user_id, Notification.kind)).all()
        steps = s.exec(select(LeadEscalation.lead_id, LeadEscalation.step)).all()
    return sorted((u, k.value) for u, k in notes), sorted((lead, st.value) for lead, st in steps)


def test_sweeps_running_at_once_in_threads_notify_and_reassign_once(engine):
    w = build(engine)
    with Builder(engine) as b:
        b.setting("reassign_after_hours", "1")
    leads = [hand_over(engine, w, at=HANDOVER + i * timedelta(minutes=1)) for i in range(5)]
    now = HANDOVER + 30 * H
    errors = []

    def run():
        try:
            sweep(engine=engine, now=now)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    notes, steps = _counts(engine)
    # per lead: overdue → rep + manager; reassign → rep, the new rep, manager: 5 notifications
    assert len(notes) == 5 * 5
    assert steps == sorted([(lead.id, "overdue") for lead in leads] + [(lead.id, "reassign") for lead in leads])
    with Session(engine) as s:
        audits = s.exec(select(AuditLog).where(AuditLog.action == "escalation_reassign")).all()
    assert len(audits) == 5
    sweep(engine=engine, now=now)
    assert _counts(engine) == (notes, steps)


def test_two_processes_sweeping_at_once_notify_once(engine, db_url):
    w = build(engine)
    for i in range(6):
        hand_over(engine, w, at=HANDOVER + i * timedelta(minutes=1))
    env = {**os.environ, "DATABASE_URL": db_url}
    env.pop("ONEVOICE_SMTP_URL", None)
    as_of = (HANDOVER + 25 * H).isoformat()
    procs = [subprocess.Popen([sys.executable, "manage.py", "sweep", "--as-of", as_of], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    reports = [json.loads(out.strip().splitlines()[-1]) for out, _ in outs]
    assert sum(r["overdue"] for r in reports) == 6
    notes, _ = _counts(engine)
    assert sorted(k for _, k in notes) == ["lead_overdue"] * 12          # 6 leads × (rep + manager)


def test_the_sweep_command_reads_as_of_in_the_company_time_zone(engine, db_url, capsys, monkeypatch):
    import manage

    w = build(engine)
    hand_over(engine, w)
    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.delenv("ONEVOICE_SMTP_URL", raising=False)
    assert manage.main(["sweep", "--as-of", "2026-12-02T09:59:00"]) == 0     # 1 minute before due (Seoul)
    assert json.loads(capsys.readouterr().out)["overdue"] == 0
    assert manage.main(["sweep", "--as-of", "2026-12-02T10:00:00"]) == 0
    assert json.loads(capsys.readouterr().out)["overdue"] == 1
    assert manage.main(["sweep", "--as-of", "yesterday"]) == 2


def test_rejected_and_closed_leads_are_not_escalated(engine):
    w = build(engine)
    lead = hand_over(engine, w)
    with write_session(engine) as s:
        acceptance.reject_lead(w.v(w.rep), lead.id, reason="duplicate", session=s, now=HANDOVER + H)
    assert sweep(engine=engine, now=HANDOVER + 30 * H).overdue == 0
    with Session(engine) as s:
        assert s.get(Lead, lead.id).status is LeadStatus.rejected
