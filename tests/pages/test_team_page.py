"""The Team page's one-at-a-time reassignment, through AppTest on the real app.py: a manager
gives one lead and one opportunity of the territory to another rep, and an empty choice is refused."""
import pytest
from sqlmodel import select

from models.db import read_session
from models.tables import Lead, Opportunity
from queries.field_common import territory_reps
from queries.scope import load_viewer
from tests.apptest_support import open_page, signed_in


@pytest.fixture
def db(demo_copy):
    return demo_copy


def _team(username="seoyeon.park", tab: str | None = None):
    at = open_page(signed_in(username), "Team")
    assert not at.exception, at.exception
    if tab is not None:     # only the chosen tab is drawn: choose it as the manager does
        at.session_state["tm_tab"] = tab
        at.run()
        assert not at.exception, at.exception
    return at


def _submit(at, label):
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("key, table, owner, label, done", [
    ("tm_lead", Lead, "assigned_to_id", "Reassign lead", "Lead reassigned to"),
    ("tm_opp", Opportunity, "owner_id", "Reassign opportunity", "Opportunity reassigned to"),
])
def test_a_manager_reassigns_one_record_to_another_rep(db, key, table, owner, label, done):
    at = _team()
    assert not [b for b in at.button if b.label == label]     # another tab's form: not drawn
    at = _team(tab="Reassign a lead" if table is Lead else "Reassign an opportunity")
    with read_session(db) as s:
        park = load_viewer("seoyeon.park", session=s)
        reps = [r for r in territory_reps(park, session=s) if r.active]
    options = at.selectbox(key=key).options     # "CODE · name · owner", in a form: chosen on submit
    assert options, "the territory has open records to reassign"
    with read_session(db) as s:
        record = s.exec(select(table).where(table.code == options[0].split(" · ")[0])).one()
        picked, before = record.id, getattr(record, owner)
    at.selectbox(key=key).select(picked)
    to = next(r for r in reps if r.id != before)
    at.selectbox(key=f"{key}_to").select(to.id)
    _submit(at, label)
    with read_session(db) as s:
        assert getattr(s.get(table, picked), owner) == to.id
    assert any(done in m.value and to.display_name in m.value for m in at.success), [m.value for m in at.success]


def test_reassigning_with_nothing_chosen_is_refused_and_changes_nothing(db):
    at = _team(tab="Reassign a lead")
    with read_session(db) as s:
        owners = dict(s.exec(select(Lead.id, Lead.assigned_to_id)).all())
    _submit(at, "Reassign lead")
    assert [e.value for e in at.error] == ["Choose a lead and a rep."]
    with read_session(db) as s:
        assert dict(s.exec(select(Lead.id, Lead.assigned_to_id)).all()) == owners
