"""Input validation, declared once (issue 12): what "a text field", "an amount", "a whole number",
"a date", "a moment" and "an enum value" are; the pydantic types made of them; the records the
forms hand to services; and the one translation of a pydantic ``ValidationError`` into
``ValidationFailed`` ("field: message", every problem at once).

Three layers, each built on the one before:

- **rules** (models/input_rules.py, re-exported here): plain functions (``clean_text``, ``money``,
  ``whole_number``, ``to_date``, ``moment``, ``member``) that return the value or raise
  ``PydanticCustomError(kind, …, ctx)``; ``kind`` names the problem ("text_too_long"), ``ctx``
  holds what the message needs; and the cross-field rules (``ends_before_start``);
- **types**: ``Text(…)``, ``Amount``, ``WholeNumber``, ``Day``, ``Moment``, ``OneOf(…)`` —
  ``Annotated`` pydantic types whose validator is the rule;
- **records**: ``CampaignInput``, ``EventInput`` (forms → services/campaigns.py) and ``ContactRow``
  (one lead of a CSV import, one registration), with their cross-field rules.

Who uses what: services/field_rules.py's ``checked_*`` call the rules (one field at a time);
services/campaigns.py validates the records; services/lead_import.py and services/registrations.py
validate ``ContactRow``; the bundle import (services/bundle/values.py, validate.py) calls the rules
per cell on its slow path and ``ends_before_start`` for campaigns.csv — never pydantic per row:
its hot path (fastpath.py) inlines the same rules for cells in their plain form, with the limits
declared here (``MONEY_LIMIT``, ``INT_LIMIT``).

Wording: ``MESSAGES`` is the default for each kind. A record or a caller may word a kind its own
way (``WORDING``, by kind or by (field, kind)): the campaign form keeps "name: required" where the
field workspace says "deal name: must not be empty", the bundle "negative amount -5.00"; the rule
behind the words is the same.
"""
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Annotated, Any, ClassVar, Optional

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from i18n import N_, _
from models.enums import CampaignStatus, Channel, EventKind, Segment
from models.errors import ValidationFailed
from models.input_rules import (  # noqa: F401 - the rules are part of this module's interface
    EMAIL, INT_LIMIT, MESSAGES, MONEY_DIGITS, MONEY_LIMIT, clean_text, column_length, email_address,
    ends_before_start, ends_not_after_start, fail, human_amount, member, members, moment, money, to_date, typed_amount,
    whole_number,
)
from models.tables import Campaign, Event, Lead


# -- types ------------------------------------------------------------------------------------

def Text(max_length: int | None, *, required: bool = True):  # noqa: N802 - a type
    return Annotated[str if required else Optional[str],
                     BeforeValidator(partial(clean_text, max_length=max_length, required=required))]


def Email(max_length: int | None, *, required: bool = False):  # noqa: N802 - a type
    return Annotated[str if required else Optional[str],
                     BeforeValidator(partial(email_address, max_length=max_length, required=required))]


def OneOf(enum_cls, *, required: bool = True):  # noqa: N802 - a type
    return Annotated[enum_cls if required else Optional[enum_cls],
                     BeforeValidator(partial(member, enum_cls, required=required))]


Amount = Annotated[Optional[Decimal], BeforeValidator(partial(typed_amount, required=False))]
RequiredAmount = Annotated[Decimal, BeforeValidator(partial(typed_amount, required=True))]
WholeNumber = Annotated[Optional[int], BeforeValidator(partial(whole_number, required=False))]
Day = Annotated[date, BeforeValidator(partial(to_date, required=True))]
OptionalDay = Annotated[Optional[date], BeforeValidator(partial(to_date, required=False))]
Moment = Annotated[datetime, BeforeValidator(partial(moment, required=True))]


# -- messages ---------------------------------------------------------------------------------

def message(kind: str, ctx: dict | None, field: str, label: str, value: Any = None,
            wording: dict | None = None) -> str:
    """The translated "label: what is wrong" for a problem of ``kind`` on ``field``."""
    wording = wording or {}
    template = wording.get((field, kind)) or wording.get(kind) or MESSAGES.get(kind)
    args = {"value": value, **(ctx or {}), field: value, "field": label, "name": label, "column": label}
    return _(template).format(**args)


def problems_of(exc: ValidationError, *, labels: dict | None = None, wording: dict | None = None,
                order: tuple[str, ...] = ()) -> list[str]:
    """Every problem of ``exc`` as "label: message" (labels default to the field, '_' as ' '),
    in the fields' order (or ``order``'s); a kind of pydantic's own (a list of ids that are not
    numbers) keeps pydantic's text."""
    labels = labels or {}
    found: list[str] = []
    errors = exc.errors(include_url=False)
    if order:
        errors.sort(key=lambda e: order.index(e["loc"][0]) if e["loc"] and e["loc"][0] in order else len(order))
    for err in errors:
        field = str(err["loc"][0]) if err["loc"] else ""
        label = labels.get(field, field.replace("_", " "))
        kind = err["type"]
        if (field, kind) in (wording or {}) or kind in (wording or {}) or kind in MESSAGES:
            text = message(kind, err.get("ctx"), field, label, err.get("input"), wording)
        else:
            text = f"{label}: {err['msg']}"
        if text not in found:
            found.append(text)
    return found


def failed(exc: ValidationError, **kw) -> ValidationFailed:
    return ValidationFailed(problems_of(exc, **kw))


def checked_value(rule, value, field: str, *, wording: dict | None = None):
    """``rule(value)``, or ValidationFailed("field: …") — one field checked on its own."""
    try:
        return rule(value)
    except PydanticCustomError as err:
        raise ValidationFailed(message(err.type, err.context, field, field, value, wording)) from None


# -- records ----------------------------------------------------------------------------------

class Record(BaseModel):
    """A record's fields, checked: construct it (or ``model_validate``) and every field is validated."""

    model_config = ConfigDict(extra="forbid")
    LABELS: ClassVar[dict[str, str]] = {}     # field → how a message names it (default: '_' as ' ')
    WORDING: ClassVar[dict] = {}              # kind or (field, kind) → message, where not MESSAGES'


class Unchecked:
    """Mixed into a ``Record`` as what a form (or a caller) hands a service: built like the
    dataclass it replaces, without checks — ``CampaignInput(name=" ", channel="carrier pigeon")``
    is fine — so the service reports the fields' problems together with its database's (unknown
    territory, …) and after the role check. ``validated()`` checks every field with the record's
    declaration and returns the checked record (typed values) and the problems, all at once.

    Cross-field rules are field validators on the later field (``info.data`` holds the earlier
    ones): pydantic runs model validators only when every field passed, and a form reports all."""

    def __init__(self, /, **data):
        fields = type(self).model_fields
        unknown = sorted(set(data) - set(fields))
        missing = [n for n, f in fields.items() if f.is_required() and n not in data]
        if unknown or missing:
            raise TypeError(f"{type(self).__name__}: unexpected {unknown}, missing {missing}")
        unchecked = type(self).model_construct(**data)
        for attr in ("__dict__", "__pydantic_fields_set__", "__pydantic_extra__", "__pydantic_private__"):
            object.__setattr__(self, attr, getattr(unchecked, attr))

    @classmethod
    def record(cls) -> type[Record]:
        return next(c for c in cls.__mro__ if issubclass(c, Record) and not issubclass(c, Unchecked))

    def raw(self) -> dict:
        return {name: getattr(self, name) for name in type(self).model_fields}

    def validated(self):
        """(the checked record, or None, [problem, …])."""
        record = self.record()
        try:
            return record.model_validate(self.raw()), []
        except ValidationError as exc:
            return None, problems_of(exc, labels=record.LABELS, wording=record.WORDING)


_TIMES_REQUIRED = N_("times: a start and an end are required")
_TIMES_NAIVE = N_("times: give the start and end with a time zone")
_CAPACITY = N_("capacity: must be a whole number, 0 or more, got {capacity!r}")


class CampaignFields(Record):
    name: Text(column_length(Campaign, "name"))
    channel: OneOf(Channel)
    start_date: Day
    end_date: Day
    status: OneOf(CampaignStatus) = CampaignStatus.planned
    objective: Text(column_length(Campaign, "objective"), required=False) = None
    target_segment: OneOf(Segment, required=False) = None
    territory_ids: list[int] = Field(default_factory=list)  # empty = every territory
    budget: Amount = None
    actual_cost: Amount = None
    owner_id: Optional[int] = None
    code: Text(column_length(Campaign, "code"), required=False) = None

    LABELS: ClassVar[dict[str, str]] = {"target_segment": "target segment", "actual_cost": "actual cost",
                                        "start_date": "start date", "end_date": "end date"}
    WORDING: ClassVar[dict] = {
        ("name", "text_required"): N_("name: required"),
        ("name", "text_too_long"): N_("name: at most 300 characters"),
        ("code", "text_too_long"): N_("code: at most 64 characters"),
        ("start_date", "required"): N_("dates: a start and an end date are required"),
        ("end_date", "required"): N_("dates: a start and an end date are required"),
        ("end_date", "date_order"): N_("end date: {end_date} is before the start date {start_date}"),
        "money_negative": N_("{name}: must be 0 or more, got {amount}"),
    }

    @field_validator("end_date")
    @classmethod
    def _end_not_before_start(cls, end: date, info: ValidationInfo) -> date:
        start = info.data.get("start_date")
        if start is not None and ends_before_start(start, end):
            fail("date_order", start_date=start, end_date=end)
        return end


class EventFields(Record):
    title: Text(column_length(Event, "title"))
    kind: OneOf(EventKind)
    territory_id: Optional[int]
    starts_at: Moment
    ends_at: Moment
    venue: Text(column_length(Event, "venue"), required=False) = None
    capacity: WholeNumber = None
    code: Text(column_length(Event, "code"), required=False) = None

    LABELS: ClassVar[dict[str, str]] = {"territory_id": "territory"}
    WORDING: ClassVar[dict] = {
        ("title", "text_required"): N_("title: required"),
        ("title", "text_too_long"): N_("title: at most 300 characters"),
        ("code", "text_too_long"): N_("code: at most 64 characters"),
        **{(f, k): _TIMES_REQUIRED for f in ("starts_at", "ends_at") for k in ("required", "moment_format")},
        **{(f, "moment_naive"): _TIMES_NAIVE for f in ("starts_at", "ends_at")},
        ("ends_at", "moment_order"): N_("end: must be after the start"),
        **{("capacity", k): _CAPACITY for k in ("number_invalid", "number_negative", "number_too_large")},
    }

    @field_validator("ends_at")
    @classmethod
    def _ends_after_start(cls, ends_at: datetime, info: ValidationInfo) -> datetime:
        starts_at = info.data.get("starts_at")
        if starts_at is not None and ends_not_after_start(starts_at, ends_at):
            fail("moment_order")
        return ends_at


class CampaignInput(Unchecked, CampaignFields):
    """A campaign as the form gives it; ``validated()`` → ``CampaignFields``."""


class EventInput(Unchecked, EventFields):
    """An event as the form gives it; ``validated()`` → ``EventFields``."""


class ContactRow(BaseModel):
    """A lead's contact as a list or a form gives it (lead CSV import, registrations); the limits
    are the lead table's columns. Callers name the fields their way (a file's own headers)."""

    model_config = ConfigDict(extra="ignore")
    company: Text(column_length(Lead, "company"))
    email: Email(column_length(Lead, "email"))
    contact_name: Text(column_length(Lead, "contact_name"), required=False) = None
    phone: Text(column_length(Lead, "phone"), required=False) = None


class RegistrationContact(ContactRow):
    """A registration is keyed by its e-mail: it must have one."""

    email: Email(column_length(Lead, "email"), required=True)


def contact_problems(model: type[ContactRow], values: dict, *, labels: dict | None = None,
                     wording: dict | None = None, order: tuple[str, ...] = ()) -> list[str]:
    try:
        model.model_validate(values)
    except ValidationError as exc:
        return problems_of(exc, labels=labels, wording=wording, order=order)
    return []
