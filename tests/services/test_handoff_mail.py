"""Notifications by e-mail through a real local SMTP server (aiosmtpd): at once or as a daily
digest, each at most once, failures retried later; and the notifications command."""
import json
from datetime import datetime, timedelta, timezone

from sqlmodel import Session, select

from models.enums import NotifyPreference
from models.tables import Notification, User
from services.escalation import sweep
from services.mailer import send_outbox
from tests.factories import Builder
from tests.handoff_world import HANDOVER, SEOUL, build, hand_over

H = timedelta(hours=1)


def _set(engine, user, **values):
    with Session(engine) as s:
        row = s.get(User, user.id)
        for k, v in values.items():
            setattr(row, k, v)
        s.add(row)
        s.commit()


def test_an_overdue_lead_is_mailed_once_to_a_manager_who_wants_email(engine, smtp_server):
    w = build(engine)
    _set(engine, w.manager, notify=NotifyPreference.email)
    lead = hand_over(engine, w)
    first = sweep(engine=engine, now=HANDOVER + 25 * H)
    assert first.mail["sent"] == 1
    sweep(engine=engine, now=HANDOVER + 26 * H)
    sweep(engine=engine, now=HANDOVER + 27 * H)
    mails = smtp_server.to("mgr@example.com")
    assert len(mails) == 1
    assert lead.code in mails[0].get_content() and "/leads?lead=" + lead.code in mails[0].get_content()
    assert mails[0]["From"] == "onevoice@example.com"
    assert smtp_server.to("rep_a@example.com") == []          # the rep's preference is the inbox
    with Session(engine) as s:
        row = s.exec(select(Notification).where(Notification.user_id == w.manager.id)).one()
    assert row.emailed_at == HANDOVER + 25 * H


def test_sweeps_at_once_mail_once(engine, smtp_server):
    import threading

    w = build(engine)
    _set(engine, w.manager, notify=NotifyPreference.email)
    for i in range(3):
        hand_over(engine, w, at=HANDOVER + i * timedelta(minutes=1))
    threads = [threading.Thread(target=sweep, kwargs={"engine": engine, "now": HANDOVER + 30 * H})
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(smtp_server.to("mgr@example.com")) == 3


def test_a_refusing_server_is_retried_later_and_then_mailed_once(engine, smtp_server):
    w = build(engine)
    _set(engine, w.manager, notify=NotifyPreference.email)
    hand_over(engine, w)
    smtp_server.refuse = True
    report = sweep(engine=engine, now=HANDOVER + 25 * H)
    assert report.overdue == 1 and report.mail["sent"] == 0 and "554" in report.mail["failed"][0]
    with Session(engine) as s:
        row = s.exec(select(Notification).where(Notification.user_id == w.manager.id)).one()
    assert (row.emailed_at, row.mail_attempts) == (None, 1) and "refused" in row.mail_error
    smtp_server.refuse = False
    assert send_outbox(engine=engine, now=HANDOVER + 25 * H + timedelta(seconds=30)).sent == 0   # backing off
    assert send_outbox(engine=engine, now=HANDOVER + 26 * H).sent == 1
    assert send_outbox(engine=engine, now=HANDOVER + 27 * H).sent == 0
    assert len(smtp_server.to("mgr@example.com")) == 1


def test_a_server_that_is_down_leaves_the_mail_for_later_and_the_ladder_goes_on(engine, monkeypatch):
    from tests.smtp_support import free_port

    w = build(engine)
    _set(engine, w.manager, notify=NotifyPreference.email)
    hand_over(engine, w)
    monkeypatch.setenv("ONEVOICE_SMTP_URL", f"smtp://127.0.0.1:{free_port()}")   # nobody listens
    report = sweep(engine=engine, now=HANDOVER + 25 * H)
    assert report.overdue == 1 and report.mail["failed"]
    with Session(engine) as s:
        row = s.exec(select(Notification).where(Notification.user_id == w.manager.id)).one()
    assert row.emailed_at is None and row.mail_attempts == 1


def test_without_smtp_settings_only_the_inbox_works(engine, monkeypatch):
    monkeypatch.delenv("ONEVOICE_SMTP_URL", raising=False)
    w = build(engine)
    _set(engine, w.manager, notify=NotifyPreference.email)
    hand_over(engine, w)
    report = sweep(engine=engine, now=HANDOVER + 25 * H)
    assert report.overdue == 1 and report.mail == {"sent": 0, "digests": 0, "failed": [], "configured": False}


def test_a_digest_user_gets_one_mail_a_day_in_their_language(engine, smtp_server):
    w = build(engine)
    _set(engine, w.manager, notify=NotifyPreference.digest, language="ko")
    a = hand_over(engine, w)
    b = hand_over(engine, w, at=HANDOVER + 2 * H)
    sweep(engine=engine, now=HANDOVER + 27 * H)               # both overdue on Dec 2 (Seoul): not yet mailed
    assert smtp_server.to("mgr@example.com") == []
    next_morning = datetime(2026, 12, 3, 0, 5, tzinfo=SEOUL)
    assert sweep(engine=engine, now=next_morning).mail["digests"] == 1
    sweep(engine=engine, now=next_morning + H)
    mails = smtp_server.to("mgr@example.com")
    assert len(mails) == 1
    body = mails[0].get_content()
    assert a.code in body and b.code in body
    assert "2026-12-03" in mails[0]["Subject"] and "OneVoice" in mails[0]["Subject"]
    from i18n import _, use_language

    with use_language("ko"):
        korean = _("OneVoice: your daily digest of {day}").format(day="2026-12-03")
    assert mails[0]["Subject"] == korean


def test_the_notifications_command_lists_a_users_notifications_as_json(engine, db_url, capsys, monkeypatch):
    import manage

    monkeypatch.delenv("ONEVOICE_SMTP_URL", raising=False)
    w = build(engine)
    lead = hand_over(engine, w)
    sweep(engine=engine, now=HANDOVER + 25 * H)
    monkeypatch.setenv("DATABASE_URL", db_url)
    assert manage.main(["notifications", "mgr.sel", "--json"]) == 0
    got = json.loads(capsys.readouterr().out)
    assert got == [{"kind": "lead_overdue", "entity": "lead", "entity_key": lead.code,
                    "created_at": (HANDOVER + 25 * H).astimezone(timezone.utc).isoformat(),
                    "read_at": None, "emailed_at": None}]
    assert manage.main(["notifications", "nobody", "--json"]) == 2


def test_importing_a_bundle_creates_no_notifications(engine, tmp_path):
    from services.bundle.export import export_bundle
    from services.bundle.importer import import_bundle

    w = build(engine)
    with Builder(engine) as b:
        b.lead(w.campaign, territory=w.sel, assigned_to=w.rep, created_at=HANDOVER, assigned_at=HANDOVER)
    with Session(engine) as s:
        for row in s.exec(select(Notification)).all():
            s.delete(row)
        s.commit()
    export_bundle(tmp_path, engine=engine)
    import_bundle(tmp_path, engine=engine)
    with Session(engine) as s:
        assert s.exec(select(Notification)).all() == []
