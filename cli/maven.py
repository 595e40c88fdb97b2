"""``import-maven DIR``: the Maven Analytics CRM sample (datasets/maven-crm)."""
from __future__ import annotations

from pathlib import Path

from cli._common import import_folder


def register(subparsers):
    p = subparsers.add_parser("import-maven", help="import the Maven Analytics CRM sample CSV files")
    p.add_argument("directory", type=Path, metavar="DIR")
    p.add_argument("--user", default=None, help="username recorded in the audit log")
    p.set_defaults(handler=run)


def run(args) -> int:
    from services.maven_import import MavenDataInvalid, import_maven

    return import_folder(args.directory, lambda folder, engine: import_maven(folder, engine=engine, username=args.user),
                         MavenDataInvalid)
