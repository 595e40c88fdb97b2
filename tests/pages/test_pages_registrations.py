"""The check-in and registration pages through AppTest on the real app.py, on the seeded demo."""

import pytest
from sqlmodel import select

from models.db import read_session
from models.enums import RegistrationStatus
from models.tables import Lead, Registration
from tests.apptest_support import all_text, open_page, registered_titles, signed_in
from tests.registration_world import GUEST_EMAIL, GUEST_NAME, add_door_event


@pytest.fixture
def db(demo_copy):
    """A fresh copy of the seeded demo per test (tests/pages/conftest.py) and its door event."""
    return demo_copy, add_door_event(demo_copy)


def _signed_in(username):
    at = signed_in(username)
    if "My day" not in registered_titles(at) or len(registered_titles(at)) < 3:
        at.run()
    assert not at.exception, at.exception
    return at


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def test_rep_checks_in_a_guest_who_becomes_their_lead(db):
    engine, w = db
    at = open_page(_signed_in("minjun.kim"), "Event check-in")
    assert not at.exception, at.exception
    at.selectbox(key="ci_event").select(w.door_id).run()
    assert "0 of 3 checked in" in all_text(at)
    at.text_input(key="ci_search").input("door.guest").run()
    assert GUEST_NAME in all_text(at) and "Second Person" not in all_text(at)
    _button(at, "Check in").click().run()
    assert not at.exception, at.exception
    with read_session(engine) as s:
        r = s.exec(select(Registration).where(Registration.email == GUEST_EMAIL)).one()
        lead = s.get(Lead, r.lead_id)
    assert r.status == RegistrationStatus.attended and lead.event_id == w.door_id
    assert lead.assigned_to_id == w.rep_id and lead.company == w.account_name
    assert "1 of 3 checked in" in all_text(at)


def test_check_in_after_the_event_is_refused_with_the_reason_and_no_shows_can_be_marked(db):
    engine, w = db
    at = open_page(_signed_in("seoyeon.park"), "Event check-in")
    at.selectbox(key="ci_event").select(w.ended_id).run()
    text = all_text(at)
    assert "check-in is closed; mark no-shows instead" in text
    assert not [b for b in at.button if b.label == "Check in"]
    _button(at, "Mark everyone not checked in as no-show").click().run()
    assert not at.exception, at.exception
    with read_session(engine) as s:
        assert s.exec(select(Registration.status).where(Registration.event_id == w.ended_id)).all() == ["no_show"]


def test_walk_in_with_a_bad_email_is_refused_and_nothing_is_written(db):
    engine, w = db
    at = open_page(_signed_in("minjun.kim"), "Event check-in")
    at.selectbox(key="ci_event").select(w.door_id).run()
    at.text_input(key="ci_wi_email").input("not-an-email")
    at.text_input(key="ci_wi_company").input("Walk-in Co")
    next(b for b in at.button if b.label == "Check in the walk-in").click().run()
    assert "email: not a valid address 'not-an-email'" in [e.value for e in at.error]
    with read_session(engine) as s:
        assert len(s.exec(select(Registration).where(Registration.event_id == w.door_id)).all()) == 3


def test_marketer_sees_the_results_per_event_and_the_rep_the_accounts_tab(db):
    engine, w = db
    at = open_page(_signed_in("jiwoo.choi"), "Event registrations")
    assert not at.exception, at.exception
    text = all_text(at)
    assert "Attendance rate" in text and "Won revenue" in text
    rep = open_page(_signed_in("minjun.kim"), "Territory events")
    assert not rep.exception, rep.exception
    assert GUEST_EMAIL not in all_text(rep)     # only the chosen tab is drawn: the list first
    rep.session_state["ev_tab"] = "Registered from my accounts"
    rep.run()
    assert not rep.exception, rep.exception
    assert GUEST_EMAIL in all_text(rep)
