"""Pass one of an import: read every row of every file and report every problem; no data table
is written (rows that pass are handed to a stager, see load.py).

Memory stays bounded by the key sets that references need (codes of the bundle and of the
database); duplicate keys are found through a set of hashes, and only a file with a colliding
hash is read again to name the lines.
"""
from __future__ import annotations

from i18n import _

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from models.enums import LeadStatus, RegistrationStatus, Role, SettingKey
from models.errors import ValidationFailed
from models.inputs import ends_before_start
from models.settings_store import load_settings, validate_setting
from models.tables import Campaign, CampaignNote

from .progress import NoProgress
from .fastpath import compile_fast_row
from .reader import Problems, Records, cells_of, read_header, read_rows
from .spec import BY_NAME, CODES, ENTITIES, REF, VALIDATION_ORDER, FileSpec
from .values import StagePlan, cell_parser


class BundleInvalid(ValidationFailed):
    """The bundle has problems; ``problems`` lists them as ``file:line: column: what is wrong``."""


@dataclass
class CheckedBundle:
    directory: Path
    tz: ZoneInfo
    headers: dict[str, list[str]] = field(default_factory=dict)   # file present → its spec columns
    rows: dict[str, int] = field(default_factory=dict)
    sizes: dict[str, int] = field(default_factory=dict)


def bundle_files(directory: Path, problems: Problems) -> dict[str, Path]:
    present = {}
    for path in sorted(directory.iterdir()):
        if path.suffix.lower() != ".csv" or not path.is_file():
            continue
        if path.name in BY_NAME:
            present[path.name] = path
        else:
            problems.add(path.name, None, "file", _("not a bundle file (expected one of {names})").format(
                names=", ".join(BY_NAME)))
    return present


def row_parsers(spec: FileSpec, header: set[str] | None, tz: ZoneInfo):
    """([(column, parse, required?, default)] for the columns the header names, {absent: default})."""
    present = [(c.name, cell_parser(spec, c, tz), c.required, c.default)
               for c in spec.columns if header is None or c.name in header]
    absent = {c.name: c.default for c in spec.columns if header is not None and c.name not in header}
    return present, absent


def parse_cells(spec: FileSpec, parsers, cells: dict, line: int, problems: Problems) -> dict:
    present, absent = parsers
    values = dict(absent)
    for name, parse, required, default in present:
        text = cells.get(name)
        if text is None:
            if required:
                problems.add(spec.name, line, name, _("required value missing"))
            values[name] = default
            continue
        try:
            values[name] = parse(text)
        except ValueError as exc:
            problems.add(spec.name, line, name, str(exc))
            values[name] = None
    return values


def _row_rules(spec: FileSpec, v: dict, line: int, problems: Problems) -> None:
    """Rules that involve more than one column of a row (a campaign's dates: the campaign form's
    rule, models.inputs.ends_before_start)."""
    add = lambda col, msg: problems.add(spec.name, line, col, msg)  # noqa: E731
    name = spec.name
    if name == "users.csv" and v["role"] in (Role.rep, Role.manager) and not v["territory"]:
        add("territory", _("required for role {role}").format(role=v["role"].value))
    elif name == "campaigns.csv" and v["start_date"] and v["end_date"] and ends_before_start(v["start_date"],
                                                                                             v["end_date"]):
        add("end_date", _("{end} is before start_date {start}").format(end=v["end_date"], start=v["start_date"]))
    elif name == "events.csv" and v["starts_at"] and v["ends_at"] and v["ends_at"] < v["starts_at"]:
        add("ends_at", "before starts_at")
    elif name == "notes.csv" and v["version"] is not None and v["version"] < 1:
        add("version", "must be 1 or more")
    elif name == "leads.csv":
        if v["created_at"] and v["assigned_at"] and v["assigned_at"] < v["created_at"]:
            add("assigned_at", "before created_at")
        if v["assigned_at"] and v["first_touch_at"] and v["first_touch_at"] < v["assigned_at"]:
            add("first_touch_at", "before assigned_at")
        if v["status"] in (LeadStatus.rejected, LeadStatus.nurture) and v["assigned_to"]:
            add("assigned_to", f"a {v['status'].value} lead is back with marketing and has no assigned_to")
    elif name == "registrations.csv":
        if v["checked_in_at"] and v["status"] is not None and v["status"] != RegistrationStatus.attended:
            add("checked_in_at", _("only an attended registration has a check-in time (status {status})").format(
                status=v["status"].value))
    elif name == "settings.csv" and v["key"] is not None and v["value"] is not None:
        try:
            validate_setting(v["key"].value, v["value"])
        except ValueError as exc:
            add("value", str(exc))


class _Checker:
    def __init__(self, directory: Path, engine: Engine, progress, stager=None):
        self.directory = directory
        self.stager = stager                                 # receives checked rows (load.BundleLoader)
        self.engine = engine
        self.progress = progress
        self.problems = Problems()
        self.known: dict[str, set] = {}
        self.notes: set[tuple[str, int]] = set()
        self.pending: dict[str, list] = defaultdict(list)    # entity → [(file, line, column, key)]
        self.unread: set[str] = set()                        # entity files not yet read
        self.dialect = stager.dialect if stager is not None else engine.dialect

    def run(self) -> CheckedBundle:
        files = bundle_files(self.directory, self.problems)
        # Through the import's own connection when there is one (one connection per import).
        with Session(bind=self.stager.conn if self.stager is not None else self.engine) as session:
            db_tz = load_settings(session=session).time_zone
            self._load_database_keys(session)
        tz = ZoneInfo(self._bundle_time_zone(files) or db_tz)
        checked = CheckedBundle(self.directory, tz)
        self.unread = {BY_NAME[f].entity for f in files if BY_NAME[f].entity}
        for name in VALIDATION_ORDER:
            if name in files:
                self._check_file(BY_NAME[name], files[name], checked)
        if self.problems:
            raise BundleInvalid(self.problems.summary())
        return checked

    def _load_database_keys(self, session: Session) -> None:
        for name, entity in ENTITIES.items():
            self.known[name] = set(session.execute(select(entity.table.c[entity.key])).scalars())
        rows = session.execute(select(Campaign.code, CampaignNote.version)
                               .join(CampaignNote, CampaignNote.campaign_id == Campaign.id))
        self.notes = {(code, version) for code, version in rows}

    def _bundle_time_zone(self, files: dict[str, Path]) -> str | None:
        """The bundle's own time_zone setting, read before any timestamp (checked again later)."""
        if "settings.csv" not in files:
            return None
        quiet = Problems()
        for _line, cells in read_rows(files["settings.csv"], BY_NAME["settings.csv"], quiet):
            if (cells.get("key") or "").strip() == SettingKey.time_zone.value and cells.get("value"):
                try:
                    return str(ZoneInfo(cells["value"].strip()).key)
                except (ZoneInfoNotFoundError, ValueError):
                    return None             # reported when settings.csv itself is checked
        return None

    def _check_file(self, spec: FileSpec, path: Path, checked: CheckedBundle) -> None:
        self.progress.phase(f"checking {spec.name}")
        header = set(_present_columns(path, spec))
        checked.headers[spec.name] = [c for c in spec.column_names if c in header]
        checked.sizes[spec.name] = path.stat().st_size
        rows = _FileRows(self, spec, header, checked.tz)
        seen_hashes: set[int] = set()
        suspects: set[int] = set()
        problems = self.problems
        counter = [0]
        code_pairs: list[tuple[str, str]] = []      # (campaign, territory) of campaigns.csv
        records = Records(path, spec, problems, self.progress.advance)
        known = self.known[spec.entity] if spec.entity else None
        notes = self.notes if spec.name == "notes.csv" else None
        repeats = spec.repeats_allowed

        def checked_rows():
            fast = None
            slow = rows.slow
            for line, fields in records:
                counter[0] += 1
                if fast is None:
                    fast = rows.fast(records.index)
                result = fast(line, fields) if fast else None
                if result is None:
                    result = slow(line, fields, records.index, code_pairs)
                staged, key = result
                if not problems:
                    yield staged                # staged for the write only while all is well
                if repeats or key is None:
                    continue
                digest = hash(key)
                if digest in seen_hashes:
                    suspects.add(digest)
                else:
                    seen_hashes.add(digest)
                if known is not None:
                    known.add(key[0])
                elif notes is not None:
                    notes.add(key)

        if self.stager is not None:
            self.stager.stage_file(spec, checked_rows(), code_pairs)
        else:
            for _ in checked_rows():
                pass
        checked.rows[spec.name] = counter[0]
        seen_hashes.clear()   # free the key hashes before the next file
        if suspects:
            self._report_duplicates(spec, path, header, checked.tz, suspects)
        if spec.entity:
            self.unread.discard(spec.entity)
            for file, line, column, code in self.pending.pop(spec.entity, []):
                if code not in self.known[spec.entity]:
                    problems.add(file, line, column, f"{ENTITIES[spec.entity].unknown} {code!r}")

    def _check_ref(self, spec: FileSpec, line: int, column: str, entity: str, code: str) -> None:
        if code in self.known[entity]:
            return
        if entity in self.unread:                     # its file comes later (or is this one)
            self.pending[entity].append((spec.name, line, column, code))
        else:
            self.problems.add(spec.name, line, column, f"{ENTITIES[entity].unknown} {code!r}")

    def _report_duplicates(self, spec: FileSpec, path: Path, header: set[str], tz: ZoneInfo,
                           suspects: set[int]) -> None:
        parsers = row_parsers(spec, header, tz)
        plan = StagePlan(spec, self.dialect, tz)
        first_line: dict[tuple, int] = {}
        label = "+".join(spec.key)
        for line, cells in read_rows(path, spec, Problems()):
            values = parse_cells(spec, parsers, cells, line, Problems())
            key = staged_key(spec, plan, values)
            if key is None or hash(key) not in suspects:
                continue
            if key in first_line:
                shown = ", ".join(repr(_show(values[c])) for c in spec.key if values[c] is not None)
                self.problems.add(spec.name, line, label, _("duplicate key {key} (first on line {line})").format(key=shown, line=first_line[key]))
            else:
                first_line[key] = line


class _FileRows:
    """Checking the rows of one file: ``fast`` (fastpath.py) for the common case, ``slow`` (the
    reference: parse every cell, apply the row rules, check references, report every problem)
    for the rest. Both return (staged tuple, duplicate key)."""

    def __init__(self, checker: _Checker, spec: FileSpec, header: set[str], tz: ZoneInfo):
        self.checker = checker
        self.spec = spec
        self.tz = tz
        self.parsers = row_parsers(spec, header, tz)
        self.plan = StagePlan(spec, checker.dialect, tz)
        self.refs = [(c.name, c.kind, c.ref) for c in spec.columns if c.kind in (REF, CODES) and c.name in header]
        self.staged_columns = [(c.name, self.plan.stage[c.name]) for c in spec.columns if c.kind != CODES]

    def fast(self, index):
        fast_row = compile_fast_row(self.spec, index, tz=self.tz, plan=self.plan, known=self.checker.known,
                                    notes=self.checker.notes)
        return fast_row or False

    def slow(self, line: int, fields: list[str], index, code_pairs: list) -> tuple[tuple | None, tuple | None]:
        spec, checker = self.spec, self.checker
        problems = checker.problems
        values = parse_cells(spec, self.parsers, cells_of(index, fields), line, problems)
        _row_rules(spec, values, line, problems)
        for column, kind, entity in self.refs:
            value = values[column]
            if value is None:
                continue
            for code in (value if kind == CODES else (value,)):
                checker._check_ref(spec, line, column, entity, code)
        if spec.name == "note_reads.csv" and values["campaign"] and values["version"] is not None:
            if (values["campaign"], values["version"]) not in checker.notes:
                problems.add(spec.name, line, "version",
                             _("no note version {version} of campaign {campaign!r}").format(version=values["version"],
                                                                                      campaign=values["campaign"]))
        staged = None
        if not problems:
            if spec.name == "campaigns.csv" and values.get("territories"):
                code_pairs.extend((values["code"], t) for t in values["territories"])
            staged = (line, *[None if values[n] is None else convert(values[n]) for n, convert in self.staged_columns])
        return staged, (None if spec.repeats_allowed else staged_key(spec, self.plan, values))


def staged_key(spec: FileSpec, plan: StagePlan, values: dict):
    """The key duplicates are found on: the staged form of the key columns (a timestamp as the
    datetime), so equal keys are equal values; None when a required key column has no value."""
    if any(values[c] is None and spec.col(c).required for c in spec.key):
        return None
    return tuple(None if values[c] is None else plan.key[c](values[c]) for c in spec.key)


def _show(value):
    return value.value if hasattr(value, "value") else (value.isoformat() if hasattr(value, "isoformat") else value)


def _present_columns(path: Path, spec: FileSpec) -> list[str]:
    return [c for c in read_header(path) if c in set(spec.column_names)]


def check_bundle(directory: Path, *, engine: Engine, progress=None, stager=None) -> CheckedBundle:
    """Validate the bundle in ``directory`` against itself and the database; raise BundleInvalid.
    With a ``stager`` (load.BundleLoader) the checked rows are staged for the write as they pass."""
    return _Checker(Path(directory), engine, progress or NoProgress(), stager).run()
