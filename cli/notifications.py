"""``manage.py notifications USERNAME [--json]``: a user's notifications, newest first."""
from __future__ import annotations

import json

from sqlmodel import Session, select

from cli import CommandError
from cli._common import open_engine
from i18n import use_language
from models.tables import User
from queries.notifications import notifications_of_user


def register(subparsers):
    p = subparsers.add_parser("notifications", help="list a user's notifications")
    p.add_argument("username")
    p.add_argument("--json", action="store_true",
                   help="a JSON list of {kind, entity, entity_key, created_at, read_at, emailed_at}")
    p.set_defaults(handler=run)


def _ts(value):
    return value.isoformat() if value is not None else None


def run(args) -> int:
    engine = open_engine()
    with Session(engine) as session:
        user = session.exec(select(User).where(User.username == args.username)).first()
        if user is None:
            raise CommandError(f"unknown user {args.username!r}")
        items = notifications_of_user(user.id, session=session)
        if args.json:
            print(json.dumps([{"kind": n.kind, "entity": n.entity, "entity_key": n.entity_key,
                               "created_at": _ts(n.created_at), "read_at": _ts(n.read_at),
                               "emailed_at": _ts(n.emailed_at)} for n in items], ensure_ascii=False))
            return 0
        with use_language(user.language):
            for n in items:
                mark = " " if n.read_at else "*"
                print(f"{mark} {n.created_at:%Y-%m-%d %H:%M} UTC  {n.kind:<18} {n.text}")
    return 0
