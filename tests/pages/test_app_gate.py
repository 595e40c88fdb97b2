"""The sign-in gate and role navigation, through AppTest on the real app.py."""
import pytest

from models.db import get_engine, write_session
from models.enums import Role
from services import users
from tests.apptest_support import all_text, fresh_app, open_page, registered_titles, sign_in, signed_in
from ui.registry import pages_for

DEMO_USERS = {Role.rep: "minjun.kim", Role.manager: "seoyeon.park", Role.marketer: "jiwoo.choi",
              Role.executive: "hyunwoo.jung", Role.admin: "admin"}


def test_without_a_session_only_the_sign_in_form_is_shown(app):
    at = fresh_app()
    assert not at.exception
    assert registered_titles(at) == {"Sign in"}
    assert at.text_input(key="ov_login_username") is not None
    assert "My day" not in all_text(at)


def test_wrong_password_is_refused_without_saying_whether_the_user_exists(app):
    at = sign_in(fresh_app(), "minjun.kim", "not-the-password")
    known = [e.value for e in at.error]
    at2 = sign_in(fresh_app(), "nobody.here", "not-the-password")
    unknown = [e.value for e in at2.error]
    assert known == unknown == ["Username or password is incorrect."]
    assert registered_titles(at) == {"Sign in"}


@pytest.mark.parametrize("role", list(Role))
def test_each_demo_role_signs_in_and_sees_only_its_pages(app, role):
    at = signed_in(DEMO_USERS[role])
    assert not at.exception, at.exception
    assert registered_titles(at) == {p.title for p in pages_for(role)}
    assert any("My day" in t.value for t in at.title)


def test_disabled_user_cannot_sign_in_and_an_open_session_ends_at_the_next_rerun(app):
    at = signed_in("jiho.lee")
    assert any("My day" in t.value for t in at.title)
    with write_session(get_engine(app)) as session:
        users.set_active(session=session, actor="admin", username="jiho.lee", active=False)
    at.run()
    assert registered_titles(at) == {"Sign in"}
    assert "My day" not in all_text(at)
    at2 = signed_in("jiho.lee")
    assert registered_titles(at2) == {"Sign in"}
    with write_session(get_engine(app)) as session:
        users.set_active(session=session, actor="admin", username="jiho.lee", active=True)


def test_rep_landing_page_shows_live_numbers(app):
    at = signed_in("minjun.kim")
    labels = {m.label for m in at.metric}
    assert {"Overdue untouched leads", "Open leads", "Unread notes"} <= labels


def test_a_page_of_another_role_is_not_registered_for_a_rep(app):
    at = signed_in("minjun.kim")
    with pytest.raises(AssertionError):
        open_page(at, "Users")


def test_no_url_path_equals_a_page_module_name():
    """Streamlit auto-discovers pages/; a url_path equal to a module name would share its page
    hash and run the bare module instead of app.py."""
    from pathlib import Path

    from ui.registry import PAGES
    modules = {p.stem for p in (Path(__file__).parents[2] / "pages").glob("*.py")}
    assert not {p.url_path for p in PAGES} & modules
    assert len({p.url_path for p in PAGES}) == len(PAGES)


def test_unreachable_database_shows_one_message_and_no_traceback(monkeypatch, tmp_path):
    from tests.apptest_support import app_env
    app_env(monkeypatch, "postgresql://nobody@127.0.0.1:1/none", tmp_path)
    at = fresh_app()
    assert not at.exception
    assert [e.value for e in at.error][0].startswith("OneVoice cannot start: cannot reach database")
    assert "Traceback" not in all_text(at)
