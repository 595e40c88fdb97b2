"""The sign-in gate and role navigation, through AppTest on the real app.py."""
import json

import pytest

from models.db import get_engine, read_session, write_session
from models.enums import Role
from services import auth, users
from tests.apptest_support import all_text, fresh_app, open_page, registered_titles, sign_in, signed_in
from services.demo_seed import DEMO_PASSWORD
from ui.guard import ISSUED_KEY
from ui.sign_in import SIGN_IN_BUTTON_KEY
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


def _cookie_calls(at) -> list[str]:
    """The methods of the cookie component's calls drawn in this run (getAll, set, delete)."""
    return [json.loads(el.proto.json_args)["method"] for el in at.get("component_instance")]


def test_a_signed_in_run_draws_no_cookie_component(app):
    """The component answers the browser with a rerun when it mounts; drawn on a signed-in page it
    interrupted the run of a click made just after the page loaded, and the click was lost."""
    at = fresh_app()
    assert _cookie_calls(at) == ["getAll"]          # the sign-in form writes the cookie through it
    at = signed_in("minjun.kim")
    assert _cookie_calls(at) == []
    open_page(at, "My account")
    assert _cookie_calls(at) == []


def test_sign_out_ends_the_session_in_the_click_s_own_run_and_deletes_the_cookie(app):
    at = signed_in("minjun.kim")
    issued = at.session_state[ISSUED_KEY]
    at.button(key="ov_signout").click().run()
    assert not at.exception, at.exception
    assert registered_titles(at) == {"Sign in"}
    assert at.text_input(key="ov_login_username") is not None
    assert _cookie_calls(at) == ["getAll", "delete"]
    with read_session(get_engine(app)) as session:         # every cookie issued so far is refused
        assert not auth.session_is_valid("minjun.kim", issued, session=session)
    # AppTest has no browser to confirm the deletion, so it is drawn again in the next run...
    at.run()
    assert _cookie_calls(at) == ["getAll", "delete"]
    # ...but not beside the new cookie when the person signs in again in the same tab: the
    # browser runs the two in any order and could delete the new one.
    at.text_input(key="ov_login_username").input("minjun.kim")
    at.text_input(key="ov_login_password").input(DEMO_PASSWORD)
    at.button(key=SIGN_IN_BUTTON_KEY).click().run()
    assert _cookie_calls(at) == ["getAll", "set"]
    at.run()
    assert any("My day" in t.value for t in at.title)
    assert _cookie_calls(at) == []
