"""Subcommands of manage.py, one module each. A module defines ``register(subparsers)`` and sets
``handler`` on its parser (``parser.set_defaults(handler=run)``)."""
from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path


class CommandError(Exception):
    """A one-line message for the person at the terminal; exit code 2."""


def load_command_modules():
    here = Path(__file__).parent
    names = sorted(m.name for m in pkgutil.iter_modules([str(here)]) if not m.name.startswith("_"))
    return [importlib.import_module(f"cli.{name}") for name in names]


