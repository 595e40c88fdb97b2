"""The admin pages through the real app.py (AppTest), on the seeded demo."""
from sqlmodel import Session, select

from models.db import get_engine
from models.tables import Setting, Territory, User
from tests.apptest_support import all_text, open_page, signed_in


def _admin_page(title):
    at = open_page(signed_in("admin"), title)
    assert not at.exception, at.exception
    return at


def test_users_page_lists_users_and_creates_one_with_a_one_time_password(app):
    at = _admin_page("Users")
    assert "minjun.kim" in all_text(at)
    form = at.tabs[1]
    form.text_input[0].input("new.rep")
    form.text_input[1].input("새 영업 (New Rep)")
    form.selectbox[0].select("rep")
    form.selectbox[1].select("SEL")
    form.button[0].click().run()
    assert not at.exception
    assert any("One-time password" in s.value for s in at.success)
    one_time = at.code[0].value
    with Session(get_engine(app)) as s:
        user = s.exec(select(User).where(User.username == "new.rep")).one()
        assert user.must_change_password and one_time not in (user.password_hash or "")


def test_users_page_refuses_a_rep_without_territory_with_a_message(app):
    at = _admin_page("Users")
    form = at.tabs[1]
    form.text_input[0].input("lost.rep")
    form.selectbox[0].select("rep")
    form.button[0].click().run()
    assert [e.value for e in at.error] == ["territory: required for role rep"]


def test_settings_page_rejects_a_bad_time_zone_and_saves_a_good_sla(app):
    at = _admin_page("Settings & targets")
    at.text_input[1].input("Mars/Olympus")
    at.button[0].click().run()
    assert any("unknown IANA time zone" in e.value for e in at.error)
    at.text_input[0].input("12")
    at.text_input[1].input("Asia/Seoul")
    at.button[0].click().run()
    with Session(get_engine(app)) as s:
        assert s.get(Setting, "sla_hours").value == "12"


def test_territories_page_creates_a_territory(app):
    at = _admin_page("Territories")
    at.text_input[0].input("ULS")
    at.text_input[1].input("Ulsan 울산")
    next(b for b in at.button if b.label == "Create").click().run()
    with Session(get_engine(app)) as s:
        assert s.exec(select(Territory.name).where(Territory.code == "ULS")).one() == "Ulsan 울산"


def test_audit_log_and_data_pages_render(app):
    at = _admin_page("Audit log")
    assert "append-only" in all_text(at)
    at = _admin_page("Data in & out")
    assert "Erase a person's data" in all_text(at)


def test_a_one_time_password_must_be_replaced_before_anything_else(app):
    from models.db import write_session
    from queries.scope import load_viewer
    from services import admin
    from tests.apptest_support import registered_titles, sign_in
    engine = get_engine(app)
    with write_session(engine) as s:
        one_time = admin.reset_password(load_viewer("admin", session=s), "jiho.lee", session=s)
    at = signed_in("jiho.lee", one_time)
    assert registered_titles(at) == {"Choose a new password"}
    assert "My day" not in all_text(at)
    at.text_input[0].input(one_time)
    at.text_input[1].input("jiho-new-password-2026")
    at.text_input[2].input("jiho-new-password-2026")
    next(b for b in at.button if b.label == "Change password").click().run()
    assert not at.exception, at.exception
    # Back to the sign-in form with a word on why, not stuck on the change form.
    assert any("Password changed" in i.value for i in at.info), [e.value for e in at.error]
    assert registered_titles(at) == {"Sign in"}
    assert not any(b.label == "Change password" for b in at.button)
    sign_in(at, "jiho.lee", "jiho-new-password-2026")
    assert "My day" in registered_titles(at)
