"""Every page × every role (and no session), through the real app.py: a page renders exactly
for the roles that may see it, and no other territory's data reaches a field user's pages."""
import pytest

from models.enums import Role
from tests.apptest_support import all_text, fresh_app, open_page, registered_titles, signed_in
from ui.registry import PAGES, pages_for

DEMO = {Role.rep: "minjun.kim", Role.manager: "seoyeon.park", Role.marketer: "jiwoo.choi",
        Role.executive: "hyunwoo.jung", Role.admin: "admin"}


def _other_territory_markers(db_url: str) -> list[str]:
    """What only another territory's records show: its full name ("Busan 부산"), its events' titles
    and its leads' and deals' codes. (Words may legitimately recur in a Seoul user's own records —
    "a competitor is offering 20% off in Busan", a Seoul lead whose company shares a name with a
    Busan account — so free text is no evidence of a leak; record keys are.)"""
    from sqlmodel import Session, select

    from models.db import get_engine
    from models.tables import Event, Lead, Opportunity, Territory

    with Session(get_engine(db_url)) as s:
        other = [t for t in s.exec(select(Territory)) if t.code != "SEL"]
        ids = [t.id for t in other]
        markers = [t.name for t in other]
        markers += [e.title for e in s.exec(select(Event).where(Event.territory_id.in_(ids)))]
        markers += [code for code in s.exec(select(Lead.code).where(Lead.territory_id.in_(ids)))]
        markers += [code for code in s.exec(select(Opportunity.code).where(Opportunity.territory_id.in_(ids)))]
    assert len(markers) > 50
    return markers


def test_no_session_registers_only_the_sign_in_page(app):
    at = fresh_app()
    assert registered_titles(at) == {"Sign in"}
    text = all_text(at)
    for spec in PAGES:
        assert spec.title not in text


@pytest.mark.parametrize("role", list(Role))
def test_role_sees_exactly_its_pages_and_each_renders(app, role):
    at = signed_in(DEMO[role])
    allowed = {p.title for p in pages_for(role)}
    assert registered_titles(at) == allowed
    for spec in PAGES:
        if spec.title in allowed:
            open_page(at, spec.title)
            assert not at.exception, f"{spec.title} failed for {role}: {at.exception}"
            assert "This page is not available to you." not in all_text(at)
        else:
            with pytest.raises(AssertionError):
                open_page(at, spec.title)


@pytest.mark.parametrize("role", [Role.rep, Role.manager])
def test_field_pages_show_nothing_of_other_territories(app, role):
    markers = _other_territory_markers(app)
    at = signed_in(DEMO[role])
    for spec in pages_for(role):
        open_page(at, spec.title)
        text = all_text(at)
        leaked = [m for m in markers if m in text]
        assert not leaked, f"{spec.title} shows {leaked} to a Seoul {role}"
