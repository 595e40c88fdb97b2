"""``import-bundle DIR`` and ``export-bundle DIR``: the CSV bundle of docs/BUNDLE.md."""
from __future__ import annotations

from pathlib import Path

from cli import CommandError
from cli._common import import_folder, open_engine


def register(subparsers):
    p = subparsers.add_parser("import-bundle", help="import a folder of bundle CSV files (all or nothing)")
    p.add_argument("directory", type=Path, metavar="DIR")
    p.add_argument("--user", default=None, help="username recorded in the audit log")
    p.add_argument("--quiet", action="store_true", help="no progress output")
    p.set_defaults(handler=run_import)
    p = subparsers.add_parser("export-bundle", help="write the whole database as a folder of bundle CSV files")
    p.add_argument("directory", type=Path, metavar="DIR")
    p.set_defaults(handler=run_export)


def run_import(args) -> int:
    from services.bundle import BundleInvalid, import_bundle

    return import_folder(args.directory, lambda folder, engine: import_bundle(
        folder, engine=engine, username=args.user, show_progress=not args.quiet), BundleInvalid)


def run_export(args) -> int:
    from services.bundle import export_bundle

    if args.directory.exists() and not args.directory.is_dir():
        raise CommandError(f"{args.directory}: exists and is not a folder")
    engine = open_engine()
    counts = export_bundle(args.directory, engine=engine)
    for name, count in counts.items():
        print(f"{name}: {count} rows")
    print(f"exported {sum(counts.values())} rows to {args.directory}")
    return 0
