"""create-user, set-password, disable-user, enable-user."""
from __future__ import annotations

import getpass
import sys

from cli import CommandError
from cli._common import open_engine
from models.db import write_session
from models.enums import Role
from models.errors import NotFound, ValidationFailed
from services import users


def register(subparsers):
    p = subparsers.add_parser("create-user", help="create a user (password from a prompt or --password-stdin)")
    p.add_argument("username")
    p.add_argument("--role", required=True, help=f"one of: {', '.join(Role)}")
    p.add_argument("--territory", help="territory code (required for rep and manager)")
    p.add_argument("--display-name")
    p.add_argument("--email")
    p.add_argument("--manager", help="the manager's username")
    p.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    p.add_argument("--language", choices=["ko", "en"],
                   help="interface language (default: none, the portal follows the browser)")
    p.add_argument("--notify", choices=["inbox", "email", "digest"], default="inbox",
                   help="besides the portal's inbox: e-mail at once, or one digest a day (both need --email)")
    p.set_defaults(handler=run_create)

    p = subparsers.add_parser("set-password", help="set a user's password (prompt or --password-stdin)")
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true")
    p.add_argument("--must-change", action="store_true", help="force a change at the next sign-in")
    p.set_defaults(handler=run_set_password)

    for name, active in (("disable-user", False), ("enable-user", True)):
        p = subparsers.add_parser(name, help=f"{'disable' if not active else 're-enable'} a user's sign-in")
        p.add_argument("username")
        p.set_defaults(handler=run_set_active, active=active)


def read_password(from_stdin: bool) -> str:
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        if not sys.stdin.isatty():
            raise CommandError("no terminal to prompt for a password; use --password-stdin")
        password = getpass.getpass("Password: ")
        if getpass.getpass("Repeat password: ") != password:
            raise CommandError("the two passwords differ")
    if not password:
        raise CommandError("empty password")
    return password


def _run(fn):
    try:
        return fn()
    except (ValidationFailed, NotFound) as exc:
        raise CommandError(str(exc)) from None


def run_create(args) -> int:
    if args.role not in Role.__members__:
        raise CommandError(f"unknown role {args.role!r} (expected one of {', '.join(Role)})")
    engine = open_engine()
    password = read_password(args.password_stdin)

    def create():
        with write_session(engine) as session:
            users.create_user(session=session, actor="cli", username=args.username, role=args.role,
                              password=password, territory_code=args.territory, display_name=args.display_name,
                              email=args.email, manager_username=args.manager,
                              language=args.language, notify=args.notify)
    _run(create)
    print(f"created user {args.username} ({args.role})")
    return 0


def run_set_password(args) -> int:
    engine = open_engine()
    password = read_password(args.password_stdin)

    def change():
        with write_session(engine) as session:
            users.set_password(session=session, actor="cli", username=args.username, password=password,
                               must_change=args.must_change)
    _run(change)
    print(f"password set for {args.username}")
    return 0


def run_set_active(args) -> int:
    engine = open_engine()

    def toggle():
        with write_session(engine) as session:
            users.set_active(session=session, actor="cli", username=args.username, active=args.active)
    _run(toggle)
    print(f"{args.username} {'enabled' if args.active else 'disabled'}")
    return 0
