"""Shared bits of the CLI: opening the configured database with a clear error.

Only ``init-db`` creates or migrates a database. Every other command opens an existing database
whose schema is current, and otherwise says what is wrong (exit 2) without creating a file or a
folder: a mistyped path must not end in a new, empty database that reports zeros.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from cli import CommandError
from i18n import _
from models.config import load_config
from models.db import check_connection, describe_url, get_engine, normalise_url

SUPPORTED_BACKENDS = ("sqlite", "postgresql")


def _bad_url(url: str) -> CommandError:
    shown = url if "@" not in url else url.split("@", 1)[-1]
    return CommandError(_("DATABASE_URL {url!r} is not a database URL this portal can use "
                          "(expected sqlite:///path/to/file.db or postgresql://user@host:port/name)")
                        .format(url=shown))


def check_database_url(url: str, *, create: bool) -> None:
    """Refuse a URL of another scheme, and (unless creating) a SQLite file that does not exist."""
    try:
        parsed = make_url(normalise_url(url))
        backend = parsed.get_backend_name()
    except (sa.exc.ArgumentError, ValueError):
        raise _bad_url(url) from None
    if backend not in SUPPORTED_BACKENDS:
        raise _bad_url(url)
    if backend == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise _bad_url(url)
        path = Path(parsed.database)
        if not create and not path.is_file():
            raise CommandError(_("no database at {path} (DATABASE_URL); check the path, or create it with "
                                 "`python manage.py init-db`").format(path=path))


def open_engine(*, migrate: bool = False):
    """The engine of DATABASE_URL, reachable and with the latest schema. ``migrate=True`` (only
    init-db) creates the SQLite file if needed and upgrades the schema."""
    from services.bootstrap import schema_is_current
    from models.migrate import upgrade_to_head

    url = load_config().database_url
    check_database_url(url, create=migrate)
    try:
        engine = get_engine(url)
        check_connection(engine)
        if migrate:
            upgrade_to_head(engine)
        elif not schema_is_current(engine):
            raise CommandError(_("the schema of {db} is not up to date: run `python manage.py init-db`")
                               .format(db=describe_url(url)))
    except (sa.exc.NoSuchModuleError, sa.exc.ArgumentError):
        raise _bad_url(url) from None
    except sa.exc.DBAPIError as exc:
        reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise CommandError(_("cannot use database {db}: {reason}").format(db=describe_url(url), reason=reason)) \
            from None
    return engine


def import_folder(directory: Path, run: Callable[[Path, object], object], invalid: type[Exception]) -> int:
    """An all-or-nothing import of a folder (``import-bundle``, ``import-maven``): ``run(directory,
    engine)`` returns a report with ``lines()`` or raises ``invalid`` carrying ``problems``, which
    are printed to stderr with their count (exit 2: nothing was imported)."""
    if not directory.is_dir():
        raise CommandError(f"{directory}: no such folder")
    engine = open_engine()
    try:
        report = run(directory, engine)
    except invalid as exc:
        for problem in exc.problems:
            print(problem, file=sys.stderr)
        count = len(exc.problems)
        print(f"error: {count} problem{'s' if count != 1 else ''}; nothing was imported", file=sys.stderr)
        return 2
    for line in report.lines():
        print(line)
    return 0
