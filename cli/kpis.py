"""``manage.py kpis``: every KPI of KPIS.md for a period, as JSON or as a readable table."""
from __future__ import annotations

import json
import re
from datetime import date, datetime
from decimal import Decimal

from sqlmodel import select

from cli import CommandError
from cli._common import open_engine
from models.db import read_session
from models.enums import Role
from models.settings_store import load_settings
from models.tables import Territory
from models.timefmt import parse_timestamp
from models.types import utcnow
from queries.kpis import KPI_KEYS, KPIS, KpiFilter, all_kpis
from queries.scope import Viewer

# The command line is trusted like an administrator: company-wide, every territory.
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")

SYSTEM_VIEWER = Viewer(id=0, username="manage.py", display_name="manage.py", role=Role.admin, territory_id=None)


def register(subparsers):
    p = subparsers.add_parser("kpis", help="print the KPIs of KPIS.md for a period")
    p.add_argument("--from", dest="start", required=True, metavar="YYYY-MM-DD", help="first day of the period")
    p.add_argument("--to", dest="end", required=True, metavar="YYYY-MM-DD", help="last day of the period")
    p.add_argument("--territory", metavar="CODE", help="only this territory (its code)")
    p.add_argument("--as-of", dest="as_of", metavar="ISO-8601",
                   help="the moment the numbers are taken (default now; no offset = company time zone)")
    p.add_argument("--json", action="store_true", help="one JSON object with exactly the KPI keys")
    p.set_defaults(handler=run)


def _parse_date(text: str, flag: str) -> date:
    try:
        if not _DATE.fullmatch(text.strip()):
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(f"{flag}: not a date in the form YYYY-MM-DD: {text!r}") from None


def run(args) -> int:
    start, end = _parse_date(args.start, "--from"), _parse_date(args.end, "--to")
    if start > end:
        raise CommandError(f"--from {start} is after --to {end}")
    if args.as_of is not None:
        try:
            datetime.fromisoformat(args.as_of.strip())
        except ValueError:
            raise CommandError(f"--as-of: not an ISO-8601 timestamp: {args.as_of!r}") from None
    engine = open_engine()
    with read_session(engine) as session:
        territory_id = None
        if args.territory is not None:
            territory_id = session.execute(
                select(Territory.id).where(Territory.code == args.territory)).scalar_one_or_none()
            if territory_id is None:
                raise CommandError(f"--territory: unknown territory code {args.territory!r}")
        tz = load_settings(session=session).tz
        as_of = utcnow() if args.as_of is None else parse_timestamp(args.as_of, tz)
        values = all_kpis(SYSTEM_VIEWER, KpiFilter(start, end, as_of, territory_id=territory_id), session=session)
    print(to_json(values) if args.json else to_table(values))
    return 0


def json_value(value) -> str:
    """JSON text for a KPI value: Decimals are written as exact JSON numbers, not strings."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, (int, float)):
        return json.dumps(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(str(k))}: {json_value(v)}" for k, v in value.items()) + "}"
    raise TypeError(f"cannot write {type(value).__name__} as a KPI value")


def to_json(values: dict) -> str:
    return json_value({key: values[key] for key in KPI_KEYS})


def _readable(value, unit: str) -> str:
    if value is None:
        return "—"
    if unit == "ratio":
        return f"{float(value) * 100:,.2f} %"
    if unit == "money":
        return f"{Decimal(value):,.2f}"
    if unit == "count":
        return f"{value:,}"
    return f"{float(value):,.2f}"


def to_table(values: dict) -> str:
    rows = []
    for key in KPI_KEYS:
        if isinstance(values[key], dict):
            rows += [(f"{key}.{segment}", _readable(v, KPIS[key].unit)) for segment, v in values[key].items()]
            if not values[key]:
                rows.append((key, "—"))
        else:
            rows.append((key, _readable(values[key], KPIS[key].unit)))
    width = max(len(k) for k, _ in rows)
    value_width = max(len(v) for _, v in rows)
    return "\n".join(f"{k.ljust(width)}  {v.rjust(value_width)}" for k, v in rows)
