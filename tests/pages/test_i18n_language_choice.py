"""Each user's language: chosen in My account (saved, audited, the next run speaks it), set by
`manage.py create-user --language`, and before any choice the browser's (AppTest sends none: English)."""
import io
import sys

import pytest
from sqlmodel import Session, select

from manage import main
from models.db import get_engine
from models.enums import Language
from models.tables import AuditLog, User
from tests.apptest_support import open_page, signed_in


def test_a_user_chooses_korean_in_my_account_and_the_portal_speaks_it(app_engine):
    at = signed_in("minjun.kim")
    assert at.title[0].value.startswith("My day")     # no choice yet, no browser locale: English
    open_page(at, "My account")
    at.selectbox(key="acc_language").select_index(1).run()   # Korean
    at.button(key="acc_language_save").click().run()
    assert not at.exception
    with Session(app_engine) as s:
        user = s.exec(select(User).where(User.username == "minjun.kim")).one()
        assert user.language == Language.ko
        entry = s.exec(select(AuditLog).where(AuditLog.action == "set_language",
                                              AuditLog.entity_key == "minjun.kim")).one()
        assert "ko" in entry.detail
    # The next session of this user speaks Korean (the whole navigation and the page).
    again = signed_in("minjun.kim")
    assert again.title[0].value.startswith("오늘의 업무")
    assert "로그아웃" in [b.label for b in again.button]


def test_create_user_takes_a_language(monkeypatch, db_url):
    from tests.factories import Builder

    monkeypatch.setenv("DATABASE_URL", db_url)
    with Builder(get_engine(db_url)) as b:
        b.territory("SEL")
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-enough-password\n"))
    assert main(["create-user", "lee", "--role", "rep", "--territory", "SEL", "--language", "ko",
                 "--password-stdin"]) == 0
    with Session(get_engine(db_url)) as s:
        assert s.exec(select(User.language).where(User.username == "lee")).one() == Language.ko
    with pytest.raises(SystemExit):
        main(["create-user", "park", "--role", "rep", "--territory", "SEL", "--language", "fr", "--password-stdin"])


def test_a_user_chooses_a_daily_digest_in_my_account(app_engine):
    """The mail preference is the user's own choice on My account: saved, audited, and refused with
    a clear message for an account without an e-mail address (nothing written)."""
    with Session(app_engine) as s:
        user = s.exec(select(User).where(User.email.is_not(None), User.language.is_(None), User.active.is_(True),
                                         User.role == "rep", User.username != "minjun.kim")).first()
        assert user.notify == "inbox"
        name = user.username
        no_mail = s.exec(select(User).where(User.active.is_(True), User.role == "rep", User.language.is_(None),
                                            User.username.not_in([name, "minjun.kim"]))).first()
        no_mail.email = None            # an account an administrator made without an address
        s.add(no_mail)
        s.commit()
        s.refresh(no_mail)
    at = signed_in(name)
    open_page(at, "My account")
    assert "E-mail goes to" in " ".join(c.value for c in at.caption)
    at.radio(key="acc_notify").set_value("digest").run()
    at.button(key="acc_notify_save").click().run()
    assert not at.exception and not at.error
    with Session(app_engine) as s:
        assert s.exec(select(User.notify).where(User.username == name)).one() == "digest"
        entry = s.exec(select(AuditLog).where(AuditLog.action == "set_notify",
                                              AuditLog.entity_key == name)).one()
        assert "digest" in entry.detail and entry.username == name
    at = signed_in(no_mail.username)
    open_page(at, "My account")
    assert "has no e-mail address" in " ".join(c.value for c in at.caption)
    at.radio(key="acc_notify").set_value("email").run()
    at.button(key="acc_notify_save").click().run()
    assert any("no e-mail address" in e.value for e in at.error)
    with Session(app_engine) as s:
        assert s.exec(select(User.notify).where(User.username == no_mail.username)).one() == "inbox"


def test_create_user_takes_a_mail_preference_that_needs_an_address(monkeypatch, db_url, capsys):
    from tests.factories import Builder

    monkeypatch.setenv("DATABASE_URL", db_url)
    with Builder(get_engine(db_url)) as b:
        b.territory("SEL")
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-enough-password\n"))
    assert main(["create-user", "lee", "--role", "rep", "--territory", "SEL", "--email", "lee@example.com",
                 "--notify", "digest", "--password-stdin"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("a-long-enough-password\n"))
    assert main(["create-user", "park", "--role", "rep", "--territory", "SEL", "--notify", "email",
                 "--password-stdin"]) == 2
    assert "no e-mail address" in capsys.readouterr().err
    with Session(get_engine(db_url)) as s:
        assert s.exec(select(User.notify).where(User.username == "lee")).one() == "digest"
        assert s.exec(select(User.id).where(User.username == "park")).first() is None
