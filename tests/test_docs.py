"""The documents stay equal to the code, and the repository stands on its own.

- No file of the repository points outside it at the specs folder that sits beside a checkout.
- Every KPI that ``manage.py kpis --json`` prints is defined in docs/KPIS.md, in the JSON's order.
- Every file, column, enumerated value and setting of the bundle spec in code
  (services/bundle/spec.py) is documented in docs/BUNDLE.md.
- The relative links of the repository's Markdown files point at files that exist.

The comparisons go from the code to the documents (code ⊆ docs), so a KPI, bundle column or
setting added later without its documentation fails here.
"""
from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import manage
from services.bundle.spec import ENUM, FILES

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
# Built from pieces so that this file does not itself contain what it forbids.
OUTSIDE_SPECS = b"." + b"./" + b"sha" + b"red"


# Outside a git checkout (an unpacked archive): what is never part of the repository.
NOT_IN_REPOSITORY = {".git", ".venv", "data", "__pycache__", ".pytest_cache", ".ruff_cache", "artifacts"}


def repository_files() -> list[Path]:
    """Tracked files plus new ones not ignored (what a commit would hold); .git excluded."""
    if not (ROOT / ".git").exists():
        return sorted(p for p in ROOT.rglob("*") if p.is_file()
                      and not NOT_IN_REPOSITORY.intersection(p.relative_to(ROOT).parts))
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, check=True, capture_output=True).stdout.decode("utf-8").split("\0")
    return [ROOT / name for name in sorted(set(listed)) if name and (ROOT / name).is_file()]


def markdown_sections(text: str, level: int) -> dict[str, str]:
    """{heading text: the section's body up to the next heading of this level or higher}."""
    pattern = re.compile(rf"^(#{{1,{level}}}) +(.+?)[ \t]*$", re.MULTILINE)
    sections, matches = {}, list(pattern.finditer(text))
    for i, match in enumerate(matches):
        if len(match.group(1)) == level:
            end = matches[i + 1].start() if i + 1 < len(matches) else len(text)
            sections[match.group(2)] = text[match.end():end]
    return sections


# -- the repository stands on its own --------------------------------------------------------

def references_outside(paths: list[Path], root: Path) -> list[str]:
    """``file:line`` of every line that points at the specs folder beside the checkout."""
    found = []
    for path in paths:
        for number, line in enumerate(path.read_bytes().splitlines(), start=1):
            if OUTSIDE_SPECS in line:
                found.append(f"{path.relative_to(root)}:{number}")
    return found


def test_no_repository_file_refers_to_the_specs_beside_the_checkout():
    files = repository_files()
    assert ROOT / "README.md" in files and Path(__file__) in files
    assert references_outside(files, ROOT) == []


def test_a_reference_to_the_specs_beside_the_checkout_is_found(tmp_path):
    (tmp_path / "clean.md").write_text("see docs/KPIS.md\n", encoding="utf-8")
    (tmp_path / "page.py").write_bytes(b"# one\n# definitions in " + OUTSIDE_SPECS + b"/KPIS.md\n")
    assert references_outside([tmp_path / "clean.md", tmp_path / "page.py"], tmp_path) == ["page.py:2"]


def test_the_three_documents_exist():
    for name in ("KPIS.md", "BUNDLE.md", "ARCHITECTURE.md"):
        assert (DOCS / name).is_file(), name


# -- docs/KPIS.md = the KPIs the code computes -----------------------------------------------

def kpi_keys_printed_by_the_cli(url: str, monkeypatch, capsys) -> list[str]:
    monkeypatch.setenv("DATABASE_URL", url)
    code = manage.main(["kpis", "--from", "2026-01-01", "--to", "2026-01-31",
                        "--as-of", "2026-02-01T00:00:00+09:00", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    return list(json.loads(out))          # a JSON object keeps its keys' order


def documented_kpi_keys() -> list[str]:
    """The keys of the KPI entries: the headings that start with a key in backticks."""
    text = (DOCS / "KPIS.md").read_text(encoding="utf-8")
    return re.findall(r"^#{2,6} +`([a-z0-9_]+)`", text, re.MULTILINE)


def test_every_kpi_the_cli_prints_is_defined_in_kpis_md_in_the_json_order(sqlite_url, monkeypatch, capsys):
    printed = kpi_keys_printed_by_the_cli(sqlite_url, monkeypatch, capsys)
    assert len(printed) >= 26                       # the first round's KPIs at least
    documented = documented_kpi_keys()
    assert [key for key in printed if key not in documented] == []
    assert len(documented) == len(set(documented)), "a KPI is defined twice"
    assert [key for key in documented if key in printed] == printed


def test_every_kpi_entry_states_its_rule(sqlite_url, monkeypatch, capsys):
    printed = kpi_keys_printed_by_the_cli(sqlite_url, monkeypatch, capsys)
    entries = {heading.split("`")[1]: body for heading, body in
               markdown_sections((DOCS / "KPIS.md").read_text(encoding="utf-8"), 4).items()
               if heading.startswith("`")}
    assert [key for key in printed if "*Rule:*" not in entries.get(key, "")] == []


def test_the_json_key_list_of_kpis_md_is_in_the_json_order(sqlite_url, monkeypatch, capsys):
    printed = kpi_keys_printed_by_the_cli(sqlite_url, monkeypatch, capsys)
    sections = markdown_sections((DOCS / "KPIS.md").read_text(encoding="utf-8"), 2)
    listed = re.findall(r"`([a-z0-9_]+)`", sections["The `kpis --json` keys, in order"].strip().split("\n\n")[0])
    assert [key for key in printed if key not in listed] == []
    assert [key for key in listed if key in printed] == printed


# -- docs/BUNDLE.md = the bundle spec in code ------------------------------------------------

def bundle_doc_sections() -> dict[str, str]:
    return markdown_sections((DOCS / "BUNDLE.md").read_text(encoding="utf-8"), 3)


def first_cells(section: str) -> set[str]:
    """The backticked names in the first cell of the section's table rows."""
    return set(re.findall(r"^\| *`([^`]+)` *\|", section, re.MULTILINE))


def test_every_bundle_file_and_column_is_documented():
    sections = bundle_doc_sections()
    missing = []
    for spec in FILES:
        if spec.name not in sections:
            missing.append(spec.name)
            continue
        documented = first_cells(sections[spec.name])
        missing += [f"{spec.name}: {column}" for column in spec.column_names if column not in documented]
    assert missing == []


def test_every_enumerated_value_and_setting_of_the_bundle_is_documented():
    sections = bundle_doc_sections()
    missing = []
    for spec in FILES:
        section = sections.get(spec.name, "")
        for col in spec.columns:
            if col.kind == ENUM:
                missing += [f"{spec.name}: {col.name}: {member.value}" for member in col.enum
                            if f"`{member.value}`" not in section]
    assert missing == []
    # The settings are rows of their own in the settings table of settings.csv.
    settings = first_cells(sections["settings.csv"])
    keys = next(col.enum for spec in FILES if spec.name == "settings.csv" for col in spec.columns
                if col.name == "key")
    assert [key.value for key in keys if key.value not in settings] == []


# -- links -----------------------------------------------------------------------------------

LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")
CODE_PATH = re.compile(r"`([A-Za-z0-9_./-]+\.md)`")


def broken_links(path: Path, root: Path = ROOT) -> list[str]:
    text = path.read_text(encoding="utf-8")
    broken = []
    for target in LINK.findall(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith("#"):
            continue                                    # a web address, mailto: or an anchor
        file_part = target.split("#", 1)[0]
        if not (path.parent / file_part).exists():
            broken.append(f"{path.relative_to(root)}: ({target})")
    for target in CODE_PATH.findall(text):
        # A Markdown file named in code style: relative to the document or to the repository.
        if not ((path.parent / target).exists() or (root / target).exists()):
            broken.append(f"{path.relative_to(root)}: `{target}`")
    return broken


def test_relative_links_of_the_readme_and_docs_point_at_files_that_exist():
    documents = [p for p in repository_files() if p.suffix == ".md"]
    assert ROOT / "README.md" in documents and DOCS / "KPIS.md" in documents
    assert [problem for p in documents for problem in broken_links(p)] == []


def test_a_broken_link_is_reported(tmp_path):
    (tmp_path / "there.md").write_text("x", encoding="utf-8")
    page = tmp_path / "page.md"
    page.write_text("[ok](there.md) [web](https://example.com) [gone](missing.md#part) `nope.md`",
                    encoding="utf-8")
    assert broken_links(page, tmp_path) == ["page.md: (missing.md#part)", "page.md: `nope.md`"]
