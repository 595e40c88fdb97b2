"""models.inputs: the input rules declared once (issue 12) — the records the forms hand to services,
the annotated types and the rules behind them, and the translation into ValidationFailed."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from pydantic_core import PydanticCustomError

from models.enums import Channel, EventKind
from models.errors import ValidationFailed
from models.inputs import (
    CampaignFields, CampaignInput, ContactRow, EventInput, RegistrationContact, checked_value, contact_problems,
    ends_before_start, member, money, to_date, typed_amount, whole_number,
)

UTC = timezone.utc


def _campaign(**over) -> CampaignInput:
    values = dict(name="Cloud ERP Roadshow", channel="event", start_date=date(2026, 4, 1), end_date=date(2026, 4, 30))
    values.update(over)
    return CampaignInput(**values)


def _event(**over) -> EventInput:
    values = dict(title="Seoul seminar", kind="seminar", territory_id=1, starts_at=datetime(2026, 4, 10, 1, tzinfo=UTC),
                  ends_at=datetime(2026, 4, 10, 4, tzinfo=UTC))
    values.update(over)
    return EventInput(**values)


def test_an_input_is_built_unchecked_and_validated_into_typed_values():
    raw = _campaign(channel="webinar", start_date="2026-04-01", budget="4,500만", target_segment="")
    assert raw.channel == "webinar"                       # what the form gave, until validated
    checked, problems = raw.validated()
    assert problems == []
    assert isinstance(checked, CampaignFields)
    assert checked.channel is Channel.webinar and checked.start_date == date(2026, 4, 1)
    assert checked.budget == Decimal("45000000.00") and checked.target_segment is None


def test_a_bad_enum_value_names_the_field_and_the_allowed_values():
    checked, problems = _campaign(channel="carrier pigeon").validated()
    assert checked is None
    assert problems == ["channel: unknown value 'carrier pigeon' (expected one of "
                        + ", ".join(c.value for c in Channel) + ")"]
    _, problems = _event(kind="party").validated()
    assert problems == [f"kind: unknown value 'party' (expected one of {', '.join(EventKind)})"]


def test_several_bad_fields_give_several_problems_at_once():
    _, problems = _campaign(name=" ", channel="?", start_date=date(2026, 5, 1), end_date=date(2026, 4, 1),
                            budget="-1", actual_cost="1.005", code="x" * 65).validated()
    assert problems == [
        "name: required",
        "channel: unknown value '?' (expected one of " + ", ".join(Channel) + ")",
        "end date: 2026-04-01 is before the start date 2026-05-01",
        "budget: must be 0 or more, got -1.00",
        "actual cost: more than two decimal places: '1.005'",
        "code: at most 64 characters",
    ]


def test_end_before_start_is_refused_and_the_same_day_is_fine():
    _, problems = _campaign(start_date=date(2026, 4, 2), end_date=date(2026, 4, 1)).validated()
    assert problems == ["end date: 2026-04-01 is before the start date 2026-04-02"]
    assert _campaign(start_date=date(2026, 4, 1), end_date=date(2026, 4, 1)).validated()[1] == []
    assert ends_before_start(date(2026, 4, 2), date(2026, 4, 1)) and not ends_before_start(date(1, 1, 1), date(1, 1, 1))
    at = datetime(2026, 4, 10, 1, tzinfo=UTC)
    assert _event(starts_at=at, ends_at=at).validated()[1] == ["end: must be after the start"]


def test_a_naive_datetime_is_refused():
    _, problems = _event(starts_at=datetime(2026, 4, 10, 1), ends_at=datetime(2026, 4, 10, 4)).validated()
    assert problems == ["times: give the start and end with a time zone"]       # once, not per field
    _, problems = _event(ends_at=None).validated()
    assert problems == ["times: a start and an end are required"]


def test_a_date_is_a_date_or_its_iso_text_never_a_timestamp():
    assert to_date("2026-04-01") == date(2026, 4, 1) and to_date(" 2026-04-01 ") == date(2026, 4, 1)
    for bad, kind in [(datetime(2026, 4, 1, 9), "date_timestamp"), ("01/04/2026", "date_format"),
                      ("20260401", "date_format"), ("2026-02-30", "date_no_such_day")]:
        with pytest.raises(PydanticCustomError) as err:
            to_date(bad, required=True)
        assert err.value.type == kind
    _, problems = _campaign(start_date=datetime(2026, 4, 1, 9, tzinfo=UTC)).validated()
    assert problems == ["start date: expected a date, not a timestamp"]


def test_a_korean_amount_parses_and_junk_or_negative_is_refused():
    assert typed_amount("4,500만") == Decimal("45000000.00")
    assert typed_amount("1억 2,000만") == Decimal("120000000.00")
    assert typed_amount("₩45,000,000원") == Decimal("45000000.00")
    assert money("12.30", required=True) == Decimal("12.30")
    for bad, kind in [("abc", "money_invalid"), ("-1", "money_negative"), ("1" + "0" * 16, "money_too_large"),
                      ("", "required")]:
        with pytest.raises(PydanticCustomError) as err:
            money(bad, required=True)
        assert err.value.type == kind
    with pytest.raises(ValidationFailed, match=r"^amount: must not be negative$"):
        checked_value(typed_amount, "-5", "amount")


def test_a_whole_number_and_an_enum_value():
    assert whole_number("42") == 42 and whole_number(0) == 0 and whole_number(None) is None
    for bad, kind in [("4.5", "number_invalid"), (True, "number_invalid"), (-1, "number_negative"),
                      (2_147_483_648, "number_too_large")]:
        with pytest.raises(PydanticCustomError) as err:
            whole_number(bad)
        assert err.value.type == kind
    assert _event(capacity=-3).validated()[1] == ["capacity: must be a whole number, 0 or more, got -3"]
    assert member(Channel, " email ") is Channel.email and member(Channel, Channel.print) is Channel.print


def test_text_is_stripped_bounded_and_without_nul():
    checked, problems = _event(title="  Busan  ", venue="  ", code=None).validated()
    assert problems == [] and checked.title == "Busan" and checked.venue is None
    _, problems = _event(title="x" * 301, venue="a\x00b").validated()
    assert problems == ["title: at most 300 characters", "venue: contains a NUL character"]


def test_a_contact_row_checks_company_email_and_lengths_in_the_callers_words():
    good = dict(company="Acme", email="kim@acme.example", contact_name="Kim", phone="")
    assert contact_problems(ContactRow, good) == []
    bad = dict(company="", email="not-an-email", contact_name="x" * 201, phone="", territory="SEL")
    words = {"text_required": "{column}: missing", "text_too_long": "{column}: longer than {n} characters"}
    assert contact_problems(ContactRow, bad, labels={"company": "회사", "email": "이메일", "contact_name": "이름"},
                            wording=words) == ["회사: missing", "이메일: not a valid e-mail address 'not-an-email'",
                                               "이름: longer than 200 characters"]
    assert contact_problems(ContactRow, {**good, "email": ""}) == []
    assert contact_problems(RegistrationContact, {**good, "email": ""}) == ["email: must not be empty"]


def test_an_input_takes_the_fields_of_the_dataclass_it_replaced():
    with pytest.raises(TypeError):
        CampaignInput(name="x", channel="event", start_date=date(2026, 1, 1))          # end_date missing
    with pytest.raises(TypeError):
        _event(colour="red")
    event = _event()
    assert EventInput(**{**event.__dict__, "capacity": 7}).capacity == 7
