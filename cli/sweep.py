"""``manage.py sweep [--as-of TS]``: one pass of the escalation ladder and the e-mail outbox by
hand (the portal runs the same sweep by itself in the background)."""
from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session

from cli import CommandError
from cli._common import open_engine
from models.settings_store import load_settings
from models.timefmt import parse_timestamp
from models.types import utcnow
from services.escalation import sweep


def register(subparsers):
    p = subparsers.add_parser("sweep", help="run the escalation ladder and send due e-mail once")
    p.add_argument("--as-of", dest="as_of", metavar="ISO-8601",
                   help="the moment the sweep takes as now (default now; no offset = company time zone)")
    p.set_defaults(handler=run)


def run(args) -> int:
    engine = open_engine()
    now = utcnow()
    if args.as_of is not None:
        try:
            datetime.fromisoformat(args.as_of.strip())
        except ValueError:
            raise CommandError(f"--as-of: not an ISO-8601 timestamp: {args.as_of!r}") from None
        with Session(engine) as session:
            now = parse_timestamp(args.as_of, load_settings(session=session).tz)
    report = sweep(engine=engine, now=now)
    print(json.dumps(report.as_dict(), ensure_ascii=False))
    return 1 if report.failed else 0
