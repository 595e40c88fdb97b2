"""``calendar-url USERNAME [--rotate]``: a rep's or manager's private calendar address."""
from __future__ import annotations

from cli import CommandError
from cli._common import open_engine
from models.db import write_session
from services import calendar_feed
from models.errors import NotFound, ValidationFailed


def register(subparsers):
    p = subparsers.add_parser("calendar-url", help="print a rep's or manager's private calendar address "
                                                   "(base: ONEVOICE_BASE_URL)")
    p.add_argument("username")
    p.add_argument("--rotate", action="store_true", help="make a new address; the old one stops working")
    p.set_defaults(handler=run)


def run(args) -> int:
    engine = open_engine()
    try:
        with write_session(engine) as session:
            token = calendar_feed.issue_token_for_username(args.username, session=session, rotate=args.rotate)
    except (NotFound, ValidationFailed) as exc:
        raise CommandError(str(exc)) from None
    print(calendar_feed.feed_url(token))
    return 0
