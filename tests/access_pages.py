"""What the pages use: the query and service functions pages/ and ui/ reach, found by parsing
them (for tests/test_access_refusals.py, whose docstring tells the whole method)."""

import ast
import importlib
import inspect
from pathlib import Path
from typing import Any


from models.enums import Role

ROOT = Path(__file__).resolve().parent.parent
ALL = frozenset(Role)
FIELD = frozenset({Role.rep, Role.manager})
CHECK_IN = frozenset({Role.rep, Role.manager, Role.marketer, Role.admin})
MANAGER = frozenset({Role.manager})
MARKETING = frozenset({Role.marketer, Role.admin})
ROUTING = frozenset({Role.marketer, Role.admin, Role.manager})
KPI = frozenset({Role.executive, Role.admin, Role.marketer, Role.manager})
ADMIN = frozenset({Role.admin})
ERASE = frozenset({Role.admin, Role.marketer})
AUDIT_READERS = frozenset({Role.admin, Role.marketer, Role.executive})


# -- 1. what the pages use -----------------------------------------------------------------------

def _qualname(fn) -> str:
    return f"{fn.__module__}.{fn.__qualname__}"


def _page_references() -> dict[str, tuple[Any, set[str]]]:
    """Every callable of queries.*/services.* referenced in pages/*.py and ui/*.py:
    qualified name -> (function, the files referencing it)."""
    found: dict[str, tuple[Any, set[str]]] = {}
    for path in sorted([*ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py")]):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        modules: dict[str, str] = {}          # local alias -> imported module
        refs: set[tuple[str, str]] = set()   # (module, attribute)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0 \
                    and node.module.split(".")[0] in ("queries", "services"):
                for alias in node.names:
                    full = f"{node.module}.{alias.name}"
                    try:
                        importlib.import_module(full)
                        modules[alias.asname or alias.name] = full
                    except ModuleNotFoundError:
                        refs.add((node.module, alias.name))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] in ("queries", "services"):
                        if alias.asname:        # import queries.marketing as m
                            modules[alias.asname] = alias.name
                        else:                   # import queries.marketing (used as queries.marketing.x)
                            modules[alias.name.split(".")[0]] = alias.name.split(".")[0]
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
                refs.add((modules[node.value.id], node.attr))
        for module, attr in refs:
            obj = getattr(importlib.import_module(module), attr)
            if inspect.isclass(obj) or inspect.ismodule(obj) or not callable(obj):
                continue
            try:
                inspect.signature(obj)
            except (TypeError, ValueError):
                continue
            entry = found.setdefault(_qualname(obj), (obj, set()))
            entry[1].add(str(path.relative_to(ROOT)))
    return found


def _takes_viewer(fn) -> bool:
    params = list(inspect.signature(fn).parameters)
    return bool(params) and params[0] == "viewer" or "viewer" in params


def page_functions() -> dict[str, Any]:
    return {name: fn for name, (fn, _) in _page_references().items() if _takes_viewer(fn)}


# Page-used functions that take no viewer, and why that is safe. A new one must be added here
# on purpose (test_every_page_function_has_an_entry), after deciding it needs no access check.
NO_VIEWER = {
    "services.auth.change_own_password": "self-service: the signed-in user's own username, current password required",
    "services.auth.sign_in": "the sign-in itself",
    "services.auth.sign_out": "the signed-in user's own session epoch",
    "services.auth.session_is_valid": "session check of the signed-in user",
    "services.auth.session_viewer": "the gate itself: the user of the session being checked, nobody else",
    "services.auth.session_gate": "the gate itself: the session's user and their own one-time-password flag",
    "services.auth.served_gate": "the gate itself, served from the kept user row: the session's user and their own one-time-password flag",
    "queries.scope.load_viewer": "builds the Viewer from the session's username",
    "services.bootstrap.prepare_database": "the app's database at start (migrate, seed the embedded demo); no data out",
    "services.users.generate_one_time_password": "pure: random text, no data",
    "queries.reject_reasons.reason_label": "pure: the label of a reason code",
    "services.spreadsheet_export.csv_bytes": "pure formatting of rows the caller already holds",
    "services.spreadsheet_export.safe_frame": "pure formatting",
    "services.spreadsheet_export.frame_csv_bytes": "pure formatting",
    "services.spreadsheet_export.frame_xlsx_bytes": "pure formatting",
    "services.markdown_safety.sanitize_markdown": "pure text transformation",
    "services.markdown_safety.escape_markdown": "pure text transformation",
    "services.session_token.encode": "signs the signed-in user's own cookie",
    "services.session_token.decode": "reads the request's own cookie; the user is then checked (session_is_valid)",
    "services.calendar_feed.build_calendar": "pure: formats events the caller already holds",
    "services.calendar_feed.calendar_name": "pure: a title from a name the caller holds",
    "services.calendar_feed.feed_url": "pure: an address from a token the caller holds",
    "services.calendar_feed.webcal_url": "pure: the same address with another scheme",
    "services.lead_import_parsing.read_header": "pure: parses the uploaded file",
    "services.lead_import_parsing.open_lead_file": "pure: checks and opens the uploaded file",
    "services.lead_import_parsing.auto_mapping": "pure: maps header names",
    "services.leads.next_statuses": "pure: the lead status machine",
    "queries.notes_feed.note_changes": "pure: a diff of two texts the caller holds",
    "queries.notes_feed.note_change_lines": "pure: what changed between two texts the caller holds",
    "queries.drilldown.measure_value": "pure: a number from a DrillDown the caller holds",
    "queries.marketing.territories": "territory codes and names, shown to every signed-in role anyway",
    "queries.marketing.campaign_target_ids": "ids only, of a campaign the marketing page already holds",
    "queries.home.territory_name": "the name of the viewer's own territory",
    "queries.notifications.kind_label": "pure: the label of a notification kind",
    "services.escalation.sweep": "the portal's background job (ui/background.py): no user, the ladder's rules",
}


