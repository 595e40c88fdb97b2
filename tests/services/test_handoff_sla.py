"""The SLA policy and the stored deadline (DESIGN.md "SLA policy"), on SQLite and PostgreSQL."""
from datetime import date, datetime, timedelta

import holidays
import pytest
from sqlmodel import Session

from models.db import write_session
from models.enums import Segment
from models.sla_policy import policy_from_values
from models.tables import Lead, Setting
from services import admin, sla
from models.errors import ValidationFailed
from tests.factories import Builder
from tests.handoff_world import HANDOVER, SEOUL, build, hand_over

BUSINESS_8H = {"sla_clock": "business", "sla_hours": "8"}


def test_the_holiday_library_knows_seollal_2027_and_its_substitute_day():
    kr = holidays.country_holidays("KR", years=2027)
    # Seollal 2027 is Sat-Mon Feb 6-8; Sunday's falls on a Sunday, so Tue Feb 9 is a substitute day.
    assert {date(2027, 2, 6), date(2027, 2, 7), date(2027, 2, 8), date(2027, 2, 9)} <= set(kr)
    assert date(2027, 2, 5) not in kr and date(2027, 2, 5).strftime("%a") == "Fri"


def test_eight_business_hours_from_10_00_end_at_18_00_the_same_day():
    due = sla.due_at(datetime(2026, 12, 1, 10, 0, tzinfo=SEOUL), policy_from_values(BUSINESS_8H))
    assert due == datetime(2026, 12, 1, 18, 0, tzinfo=SEOUL)


def test_a_handover_on_the_friday_before_seollal_is_due_after_the_holidays():
    # Fri 2027-02-05 15:00: 3 h on Friday (15-18); Sat-Tue are weekend, Seollal and its substitute
    # day; Wed Feb 10 09:00 + the remaining 5 h = 14:00.
    due = sla.due_at(datetime(2027, 2, 5, 15, 0, tzinfo=SEOUL), policy_from_values(BUSINESS_8H))
    assert due == datetime(2027, 2, 10, 14, 0, tzinfo=SEOUL)


def test_a_handover_after_hours_starts_counting_the_next_business_morning():
    due = sla.due_at(datetime(2026, 12, 4, 19, 30, tzinfo=SEOUL), policy_from_values(BUSINESS_8H))  # a Friday
    assert due == datetime(2026, 12, 7, 17, 0, tzinfo=SEOUL)   # Monday 09:00 + 8 h


def test_the_wall_clock_is_plain_elapsed_hours_and_segments_override_it():
    policy = policy_from_values({"sla_hours": "24", "sla_hours_enterprise": "4"})
    assert sla.due_at(HANDOVER, policy) == HANDOVER + timedelta(hours=24)
    assert sla.due_at(HANDOVER, policy, segment=Segment.enterprise) == HANDOVER + timedelta(hours=4)
    assert sla.due_at(HANDOVER, policy, segment=Segment.smb) == HANDOVER + timedelta(hours=24)


def test_a_segment_sla_applies_to_the_leads_of_that_segments_accounts(engine):
    w = build(engine)
    with Builder(engine) as b:
        b.setting("sla_hours_enterprise", "4")
        big = b.account("Samsung", w.sel, Segment.enterprise)
    lead = hand_over(engine, w, account=big)
    assert lead.due_at == HANDOVER + timedelta(hours=4)


def test_changing_the_policy_changes_only_future_handovers(engine):
    w = build(engine)
    first = hand_over(engine, w)
    with write_session(engine) as s:
        admin.update_setting(w.v(w.admin), "sla_hours", "48", session=s)
    second = hand_over(engine, w)
    with Session(engine) as s:
        assert s.get(Lead, first.id).due_at == HANDOVER + timedelta(hours=24)
    assert second.due_at == HANDOVER + timedelta(hours=48)


def test_an_unknown_holiday_country_is_a_clear_message_and_nothing_is_written(engine):
    w = build(engine)
    with pytest.raises(ValidationFailed, match="holiday library does not know the country 'XX'"), \
            write_session(engine) as s:
        admin.update_setting(w.v(w.admin), "holiday_country", "XX", session=s)
    with Session(engine) as s:
        assert s.get(Setting, "holiday_country") is None


@pytest.mark.parametrize("key, value, problem", [
    ("sla_clock", "lunar", "expected wall or business"),
    ("business_hours", "18:00-09:00", "end must be after the start"),
    ("business_days", "Mon-Funday", "expected day names"),
    ("warn_before_hours", "-1", "0 or more"),
])
def test_bad_policy_values_are_refused(engine, key, value, problem):
    w = build(engine)
    with pytest.raises(ValidationFailed, match=problem), write_session(engine) as s:
        admin.update_setting(w.v(w.admin), key, value, session=s)


def test_an_empty_optional_value_removes_the_setting(engine):
    w = build(engine)
    with write_session(engine) as s:
        admin.update_setting(w.v(w.admin), "reassign_after_hours", "6", session=s)
    with write_session(engine) as s:
        admin.update_setting(w.v(w.admin), "reassign_after_hours", "", session=s)
    with Session(engine) as s:
        assert s.get(Setting, "reassign_after_hours") is None
        assert sla.current_policy(session=s).reassign_after_hours is None
