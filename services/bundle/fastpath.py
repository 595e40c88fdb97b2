"""The common case of checking a row, compiled: one generated function per file.

``fast_row(line, cells)`` handles a row whose every cell is in its plain form (ASCII digits,
no surrounding blanks, a value exactly as the format spells it) and whose references are all
known already. It returns what the slow path (validate.py, the reference implementation) would
return for that row — the staged tuple and the duplicate-detection key — or None, and then the
slow path checks the row and words every problem. It never adds a problem and never has a side
effect, so a row it declines is handled exactly as before; it is only faster (no per-row dict,
no per-cell function calls, no regular expressions for most cells).

The limits are models.inputs' (``INT_LIMIT``, ``MONEY_DIGITS``), the rules behind the slow path's
parsers and the forms' fields.

Files whose rows have rules beyond "this timestamp not before that one" (users, campaigns,
notes, settings: small files) always take the slow path.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from models.inputs import INT_LIMIT, MONEY_DIGITS

from .spec import BOOL, CODES, DATE, ENUM, INT, MONEY, REF, TEXT, TIMESTAMP, FileSpec

# "this column is not before that one" (validate._row_rules), as (earlier, later)
ORDER_RULES = {
    "events.csv": (("starts_at", "ends_at"),),
    "leads.csv": (("created_at", "assigned_at"), ("assigned_at", "first_touch_at")),
}
SLOW_ONLY = {"users.csv", "campaigns.csv", "notes.csv", "settings.csv", "registrations.csv"}

_ASCII_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ASCII_INT = re.compile(rf"[0-9]{{1,{len(str(INT_LIMIT))}}}")
# below models.inputs.MONEY_LIMIT: at most MONEY_DIGITS digits before the point
_ASCII_MONEY = re.compile(rf"([0-9]{{1,{MONEY_DIGITS}}})(?:\.([0-9]{{1,2}}))?")


def compile_fast_row(spec: FileSpec, index: list[tuple[int, str]], *, tz: ZoneInfo, plan, known: dict[str, set],
                     notes: set):
    """The fast function for ``spec`` with the header's ``index`` [(position, column)], or None.

    ``plan`` is validate.RowPlan: the parsers, stage converters and key converters of the slow
    path, which the generated code either inlines (for the common kinds) or calls.
    """
    if spec.name in SLOW_ONLY or any(c.kind == CODES for c in spec.columns):
        return None
    if plan.utc_stage is None and any(c.kind == TIMESTAMP for c in spec.columns):
        return None                      # no exact shortcut for this dialect's timestamps
    position = {name: i for i, name in index}
    ns: dict = {"FI": datetime.fromisoformat, "FD": date.fromisoformat, "TZU": tz.utcoffset,
                "DM": _ASCII_DATE.fullmatch, "IM": _ASCII_INT.fullmatch, "MM": _ASCII_MONEY.fullmatch,
                "NOTES": notes, "ZONE_START": ("+", "-", "Z")}
    body: list[str] = []
    staged: list[str] = []
    stamps: dict[str, str] = {}          # timestamp column → local holding the parsed datetime
    key_expr: dict[str, str] = {}
    emit = body.append
    for n, col in enumerate(spec.columns):
        if col.kind == CODES:
            continue
        s, t = f"s{n}", f"t{n}"
        convert = plan.stage[col.name]
        default = "None" if col.default is None else f"D{n}"
        ns[f"D{n}"] = None if col.default is None else convert(col.default)
        if col.name not in position:                 # absent column: its default
            emit(f"{s} = {default}")
            if col.kind == TIMESTAMP:
                emit(f"{t} = None")
                stamps[col.name] = t
            staged.append(s)
            key_expr[col.name] = "None" if col.required else (t if col.kind == TIMESTAMP else s)
            continue
        emit(f"x = f[{position[col.name]}]")
        if col.required:
            emit("if not x: return None")
            indent = ""
        else:
            emit("if not x:")
            emit(f"    {s} = {default}")
            if col.kind == TIMESTAMP:
                emit(f"    {t} = None")
            emit("else:")
            indent = "    "
        lines = _cell_code(spec, col, n, ns, plan, known, position)
        body.extend(indent + line for line in lines)
        if col.kind == TIMESTAMP:
            stamps[col.name] = t
        staged.append(s)
        key_expr[col.name] = t if col.kind == TIMESTAMP else s
    for earlier, later in ORDER_RULES.get(spec.name, ()):
        a, b = stamps[earlier], stamps[later]
        emit(f"if {a} is not None and {b} is not None and {b} < {a}: return None")
    if spec.name == "note_reads.csv":
        c, v = key_expr["campaign"], key_expr["version"]
        emit(f"if {c} is not None and {v} is not None and ({c}, {v}) not in NOTES: return None")
    if spec.repeats_allowed:
        key = "None"
    else:
        key = "(" + "".join(f"{key_expr[name]}, " for name in spec.key) + ")"
    emit(f"return (line, {', '.join(staged)}), {key}")
    source = "def fast_row(line, f):\n    try:\n" + "".join(f"        {line}\n" for line in body) + (
        "    except (ValueError, OverflowError, TypeError, IndexError):\n        return None\n")
    exec(compile(source, f"<fast row of {spec.name}>", "exec"), ns)
    fast_row = ns["fast_row"]
    fast_row.source = source
    return fast_row


def _cell_code(spec: FileSpec, col, n: int, ns: dict, plan, known: dict[str, set], position) -> list[str]:
    """Code turning the non-empty cell ``x`` into the staged value s{n} (and t{n}, a timestamp's
    datetime), or returning None for anything the slow path must look at."""
    s, t = f"s{n}", f"t{n}"
    convert = plan.stage[col.name]
    if col.kind == TEXT:
        limit = spec.max_length(col)
        return ([f"if len(x) > {limit}: return None"] if limit is not None else []) + [f"{s} = x"]
    if col.kind == REF:
        ns[f"K{n}"] = known[col.ref]
        return [f"if x not in K{n}: return None", f"{s} = x"]
    if col.kind == ENUM:
        ns[f"E{n}"] = {m.value: convert(m) for m in col.enum}
        return [f"{s} = E{n}.get(x)", f"if {s} is None: return None"]
    if col.kind == BOOL:
        ns[f"B{n}"] = {"true": convert(True), "false": convert(False)}
        return [f"{s} = B{n}.get(x)", f"if {s} is None: return None"]
    if col.kind == TIMESTAMP:
        # parse_timestamp (the text has no blanks: it starts YYYY-MM-DD and does not end in one);
        # t{n} is the UTC wall time: an offset as given, else the company time zone's (TZ.utcoffset
        # of the naive time = replace(tzinfo=TZ).utcoffset()). When the offset follows the seconds,
        # the wall time is the text before it (cheaper than replace(tzinfo=None)).
        ns["US"] = plan.utc_stage
        return ["if DM(x, 0, 10) is None or x[-1].isspace(): return None",
                "d = FI(x)",
                "o = d.utcoffset()",
                f"if o is None: {t} = d - TZU(d)",
                f"elif x[19:20] in ZONE_START: {t} = FI(x[:19]) - o",
                f"else: {t} = d.replace(tzinfo=None) - o",
                f"{s} = US({t})"]
    if col.kind == MONEY and plan.money_cents:
        # parse_money + Money: at most 16 digits and 2 decimals, never negative → integer cents
        return ["m = MM(x)", "if m is None: return None", "w, c = m.groups()",
                f"{s} = int(w) * 100 if c is None else int(w) * 100 + int(c) * (10 if len(c) == 1 else 1)"]
    if col.kind == INT and convert(1) == 1:
        return ["if IM(x) is None: return None", f"{s} = int(x)", f"if {s} > {INT_LIMIT}: return None"]
    if col.kind == DATE:
        ns[f"C{n}"] = convert
        return ["if DM(x) is None: return None", f"{s} = C{n}(FD(x))"]
    # anything else (month, JSON, ...): the slow path's own parser; ValueError → slow path
    ns[f"P{n}"] = plan.parse[col.name]
    ns[f"C{n}"] = convert
    return [f"{s} = C{n}(P{n}(x))"]
