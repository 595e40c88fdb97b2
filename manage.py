#!/usr/bin/env python
"""OneVoice command line. Each subcommand lives in a module of ``cli/`` that defines
``register(subparsers)``; run ``python manage.py --help`` for the list.

Every command uses DATABASE_URL (default: the embedded SQLite file under data/). Errors a person
can fix print one line on stderr and exit non-zero; nothing is written when a command fails.
"""
from __future__ import annotations

import argparse
import sys

from cli import CommandError, load_command_modules
from models.db import DatabaseUnavailable


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="manage.py", description="OneVoice administration commands")
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module in load_command_modules():
        module.register(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except (CommandError, DatabaseUnavailable) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted; nothing was committed by the interrupted step", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
