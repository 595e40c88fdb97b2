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
from tests.apptest_support import app_env, open_page, signed_in


@pytest.fixture
def app(monkeypatch, tmp_path, demo_db):
    app_env(monkeypatch, demo_db, tmp_path)
    return get_engine(demo_db)


def test_a_user_chooses_korean_in_my_account_and_the_portal_speaks_it(app):
    at = signed_in("minjun.kim")
    assert at.title[0].value.startswith("My day")     # no choice yet, no browser locale: English
    open_page(at, "My account")
    at.selectbox(key="acc_language").select_index(1).run()   # Korean
    at.button(key="acc_language_save").click().run()
    assert not at.exception
    with Session(app) as s:
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
