"""Broken bundles: every problem is reported as ``file:line: column: what is wrong``, all of them
together, exit code 2, and the database is byte-for-byte unchanged (an export before == after)."""
from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

import manage
from models.db import get_engine
from services.bundle import BundleInvalid, FILES, export_bundle, import_bundle

FULL = Path(__file__).parents[1] / "data" / "bundle_full"


# -- editing a copy of the full bundle ------------------------------------------------------------
def rows_of(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> None:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)


def set_cell(bundle: Path, name: str, key: str, column: str, value: str) -> None:
    rows = rows_of(bundle / name)
    index = rows[0].index(column)
    hits = [r for r in rows[1:] if r[0] == key]
    assert len(hits) == 1, f"{name}: no single row {key!r}"
    hits[0][index] = value
    write_rows(bundle / name, rows)


def drop_column(bundle: Path, name: str, column: str) -> None:
    rows = rows_of(bundle / name)
    index = rows[0].index(column)
    write_rows(bundle / name, [r[:index] + r[index + 1:] for r in rows])


def add_column(bundle: Path, name: str, column: str) -> None:
    rows = rows_of(bundle / name)
    write_rows(bundle / name, [rows[0] + [column]] + [r + ["x"] for r in rows[1:]])


def append_copy(bundle: Path, name: str, key: str, changes: dict[str, str] | None = None) -> None:
    rows = rows_of(bundle / name)
    row = list(next(r for r in rows[1:] if r[0] == key))
    for column, value in (changes or {}).items():
        row[rows[0].index(column)] = value
    write_rows(bundle / name, rows + [row])


# -- the cases ---------------------------------------------------------------------------------------
# Line numbers of tests/data/bundle_full: leads.csv L1=2, L2=3, L3=4; users.csv admin=2, mgr.kim=3,
# rep.lee=4; campaigns.csv C1=2 (its objective spans lines 2-3), C2=4; opportunities.csv O2=3.
CASES = {
    "missing_required_column": (lambda b: drop_column(b, "leads.csv", "company"),
                                ["leads.csv:1: company: required column missing"]),
    "extra_column": (lambda b: add_column(b, "leads.csv", "colour"),
                     ["leads.csv:1: colour: unknown column"]),
    "unknown_territory": (lambda b: set_cell(b, "leads.csv", "L3", "territory", "NOPE"),
                          ["leads.csv:4: territory: unknown code 'NOPE'"]),
    "duplicate_key": (lambda b: append_copy(b, "leads.csv", "L2"),
                      ["leads.csv:7: code: duplicate key 'L2' (first on line 3)"]),
    "duplicate_composite_key": (lambda b: append_copy(b, "targets.csv", "SEL", {"forecast": "1.00"}),
                                ["targets.csv:5: territory+month: duplicate key 'SEL', '2025-03-01' (first on line 2)"]),
    "bad_date_after_a_multiline_record": (lambda b: set_cell(b, "campaigns.csv", "C2", "start_date", "2025-02-30"),
                                          ["campaigns.csv:4: start_date: bad date '2025-02-30'"]),
    "bad_date_format": (lambda b: set_cell(b, "opportunities.csv", "O2", "opened_on", "04/01/2025"),
                        ["opportunities.csv:3: opened_on: bad date '04/01/2025' (expected YYYY-MM-DD)"]),
    "bad_timestamp": (lambda b: set_cell(b, "leads.csv", "L1", "created_at", "yesterday"),
                      ["leads.csv:2: created_at: bad timestamp 'yesterday'"]),
    "negative_amount": (lambda b: set_cell(b, "opportunities.csv", "O2", "amount", "-5.00"),
                        ["opportunities.csv:3: amount: negative amount -5.00"]),
    "three_decimals": (lambda b: set_cell(b, "opportunities.csv", "O2", "amount", "1.005"),
                       ["opportunities.csv:3: amount: bad amount: more than two decimal places"]),
    "lead_points_at_missing_opportunity": (lambda b: set_cell(b, "leads.csv", "L1", "opportunity", "O404"),
                                           ["leads.csv:2: opportunity: unknown code 'O404'"]),
    "opportunity_points_at_missing_lead": (lambda b: set_cell(b, "opportunities.csv", "O2", "lead", "L404"),
                                           ["opportunities.csv:3: lead: unknown code 'L404'"]),
    "unknown_user": (lambda b: set_cell(b, "leads.csv", "L1", "assigned_to", "ghost"),
                     ["leads.csv:2: assigned_to: unknown user 'ghost'"]),
    "unknown_manager": (lambda b: set_cell(b, "users.csv", "rep.lee", "manager", "ghost"),
                        ["users.csv:4: manager: unknown user 'ghost'"]),
    "unknown_campaign_in_territories_list": (lambda b: set_cell(b, "campaigns.csv", "C2", "territories", "SEL;XX"),
                                             ["campaigns.csv:4: territories: unknown code 'XX'"]),
    "bad_enum": (lambda b: set_cell(b, "users.csv", "admin", "role", "boss"),
                 ["users.csv:2: role: bad value 'boss' (expected one of rep, manager, marketer, executive, admin)"]),
    "rep_without_territory": (lambda b: set_cell(b, "users.csv", "rep.lee", "territory", ""),
                              ["users.csv:4: territory: required for role rep"]),
    "bad_active": (lambda b: set_cell(b, "users.csv", "mgr.kim", "active", "yes"),
                   ["users.csv:3: active: bad value 'yes' (expected true or false)"]),
    "assigned_before_created": (lambda b: set_cell(b, "leads.csv", "L2", "assigned_at", "2025-03-20T10:59:00"),
                                ["leads.csv:3: assigned_at: before created_at"]),
    "first_touch_before_assigned": (lambda b: set_cell(b, "leads.csv", "L1", "first_touch_at", "2025-03-10T15:30:00+09:00"),
                                    ["leads.csv:2: first_touch_at: before assigned_at"]),
    "required_value_missing": (lambda b: set_cell(b, "leads.csv", "L2", "company", ""),
                               ["leads.csv:3: company: required value missing"]),
    "note_read_of_missing_version": (lambda b: _edit_note_read(b),
                                     ["note_reads.csv:2: version: no note version 7 of campaign 'C1'"]),
    "bad_setting": (lambda b: set_cell(b, "settings.csv", "time_zone", "value", "Mars/Olympus"),
                    ["settings.csv:2: value: time_zone: unknown IANA time zone 'Mars/Olympus'"]),
    "bad_month": (lambda b: set_cell(b, "targets.csv", "BSN", "month", "2025-13"),
                  ["targets.csv:3: month: bad month '2025-13' (expected YYYY-MM)"]),
    "bad_json": (lambda b: set_cell(b, "audit_log.csv", "2025-03-02T10:00:00+09:00", "detail", "{oops"),
                 ["audit_log.csv:3: detail: not valid JSON"]),
    "unknown_file": (lambda b: (b / "lead.csv").write_text("code\nX\n", encoding="utf-8"),
                     ["lead.csv: file: not a bundle file"]),
}


def _edit_note_read(bundle: Path) -> None:
    rows = rows_of(bundle / "note_reads.csv")
    rows[1][1] = "7"
    write_rows(bundle / "note_reads.csv", rows)


@pytest.fixture
def loaded(db_url, monkeypatch, tmp_path):
    """A database holding the full bundle, DATABASE_URL pointing at it, and an editable copy."""
    monkeypatch.setenv("DATABASE_URL", db_url)
    engine = get_engine(db_url)
    import_bundle(FULL, engine=engine)
    bundle = tmp_path / "bundle"
    shutil.copytree(FULL, bundle)
    return engine, bundle


def import_refused(engine, bundle: Path, tmp_path: Path, capsys) -> list[str]:
    """Run the CLI on a bad bundle; return its problem lines after checking nothing changed."""
    before, after = tmp_path / "before", tmp_path / "after"
    export_bundle(before, engine=engine)
    capsys.readouterr()
    assert manage.main(["import-bundle", "--quiet", str(bundle)]) == 2
    err = capsys.readouterr().err.splitlines()
    export_bundle(after, engine=engine)
    for spec in FILES:
        assert (before / spec.name).read_bytes() == (after / spec.name).read_bytes(), spec.name
    assert err[-1].startswith("error:") and "nothing was imported" in err[-1]
    return err[:-1]


@pytest.mark.parametrize("case", sorted(CASES))
def test_broken_bundle_is_reported_and_nothing_changes(loaded, tmp_path, capsys, case):
    engine, bundle = loaded
    break_it, expected = CASES[case]
    break_it(bundle)
    problems = import_refused(engine, bundle, tmp_path, capsys)
    for message in expected:
        assert any(p.startswith(message) for p in problems), (message, problems)
    assert len(problems) == len(expected), problems


def test_all_problems_of_all_files_come_together(loaded, tmp_path, capsys):
    engine, bundle = loaded
    set_cell(bundle, "leads.csv", "L3", "territory", "NOPE")
    set_cell(bundle, "leads.csv", "L1", "created_at", "2025-13-01T00:00:00")
    set_cell(bundle, "opportunities.csv", "O2", "amount", "-1")
    set_cell(bundle, "users.csv", "mgr.kim", "active", "maybe")
    add_column(bundle, "territories.csv", "region")
    problems = import_refused(engine, bundle, tmp_path, capsys)
    assert [p.split(": ")[0] + ": " + p.split(": ")[1] for p in problems] == [
        "territories.csv:1: region",
        "users.csv:3: active",
        "opportunities.csv:3: amount",
        "leads.csv:2: created_at",
        "leads.csv:4: territory",
    ]


def test_truncated_file_last_record_cut_short(loaded, tmp_path, capsys):
    engine, bundle = loaded
    data = (bundle / "leads.csv").read_bytes()
    cut = data.index(b"L3,C2,,,") + len(b"L3,C2,,,") + 3     # mid-record, no newline
    (bundle / "leads.csv").write_bytes(data[:cut])
    problems = import_refused(engine, bundle, tmp_path, capsys)
    assert problems == ["leads.csv:4: contact_name: missing value: the record has 5 fields, the header 20 "
                        "(truncated record?)"]


def test_truncated_file_inside_a_quoted_field(loaded, tmp_path, capsys):
    engine, bundle = loaded
    data = (bundle / "notes.csv").read_bytes()
    (bundle / "notes.csv").write_bytes(data[: data.index(b"- point 1")])
    problems = import_refused(engine, bundle, tmp_path, capsys)
    assert problems == ["notes.csv:2: row: unterminated quoted field: the file ends inside a quote (truncated?)"]


def test_record_with_too_many_fields(loaded, tmp_path, capsys):
    engine, bundle = loaded
    with open(bundle / "territories.csv", "a", encoding="utf-8") as handle:
        handle.write("XX,Extra,surprise\n")
    problems = import_refused(engine, bundle, tmp_path, capsys)
    assert problems == ["territories.csv:5: row: the record has 3 fields, the header 2"]


def test_file_in_another_encoding(loaded, tmp_path, capsys):
    engine, bundle = loaded
    text = (bundle / "accounts.csv").read_text(encoding="utf-8")
    (bundle / "accounts.csv").write_bytes(text.encode("cp949"))        # Korean Windows code page
    problems = import_refused(engine, bundle, tmp_path, capsys)
    assert len(problems) == 1 and problems[0].startswith("accounts.csv:3: encoding: not UTF-8 (byte 0xC7")


def test_utf16_file_is_refused_on_its_first_line(loaded, tmp_path, capsys):
    engine, bundle = loaded
    text = (bundle / "territories.csv").read_text(encoding="utf-8-sig")
    (bundle / "territories.csv").write_bytes(text.encode("utf-16"))
    problems = import_refused(engine, bundle, tmp_path, capsys)
    assert problems[0].startswith("territories.csv:1: encoding: not UTF-8")


def test_empty_file_is_reported(loaded, tmp_path, capsys):
    engine, bundle = loaded
    (bundle / "territories.csv").write_bytes(b"")
    problems = import_refused(engine, bundle, tmp_path, capsys)
    assert problems == ["territories.csv:1: header: the file is empty (a header row is required)"]


def test_library_call_raises_with_every_problem(loaded):
    engine, bundle = loaded
    set_cell(bundle, "leads.csv", "L3", "territory", "NOPE")
    set_cell(bundle, "leads.csv", "L2", "territory", "NADA")
    with pytest.raises(BundleInvalid) as info:
        import_bundle(bundle, engine=engine)
    assert info.value.problems == ["leads.csv:3: territory: unknown code 'NADA'",
                                   "leads.csv:4: territory: unknown code 'NOPE'"]


def test_header_only_files_and_absent_files_are_fine(loaded, tmp_path):
    engine, _ = loaded
    bundle = tmp_path / "tiny"
    bundle.mkdir()
    (bundle / "leads.csv").write_text(",".join(next(f for f in FILES if f.name == "leads.csv").column_names) + "\n")
    (bundle / "territories.csv").write_text("name,code\n서울 2,SEL2\n", encoding="utf-8")   # column order is free
    report = import_bundle(bundle, engine=engine)
    assert report.rows == {"territories.csv": 1, "leads.csv": 0}
