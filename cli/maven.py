"""``import-maven DIR``: the Maven Analytics CRM sample (datasets/maven-crm)."""
from __future__ import annotations

import sys
from pathlib import Path

from cli import CommandError
from cli._common import open_engine


def register(subparsers):
    p = subparsers.add_parser("import-maven", help="import the Maven Analytics CRM sample CSV files")
    p.add_argument("directory", type=Path, metavar="DIR")
    p.add_argument("--user", default=None, help="username recorded in the audit log")
    p.set_defaults(handler=run)


def run(args) -> int:
    from services.maven_import import MavenDataInvalid, import_maven

    if not args.directory.is_dir():
        raise CommandError(f"{args.directory}: no such folder")
    engine = open_engine()
    try:
        report = import_maven(args.directory, engine=engine, username=args.user)
    except MavenDataInvalid as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        print(f"error: {len(exc.problems)} problem(s); nothing was imported", file=sys.stderr)
        return 2
    for line in report.lines():
        print(line)
    return 0
