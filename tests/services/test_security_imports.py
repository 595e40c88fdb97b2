"""Issue 13 items 7 and 9: what imports refuse, and say, instead of storing it or failing with the
generic error page — NUL characters anywhere in a file (after the first 64 KB too) on every import
path, damaged or encrypted zip entries, a 1 MB cell, and a CSV whose encoding had to be guessed."""
from __future__ import annotations

import io
import shutil
import struct
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import select

from models.db import read_session, write_session
from models.tables import Lead, Territory
from services import admin, lead_import
from services.bundle import BundleInvalid, import_bundle
from services.lead_import_parsing import SNIFF_BYTES, UploadRejected, auto_mapping, open_lead_file, read_header
from tests.marketing_world import build_world, csv_bytes, xlsx_bytes
from tests.zip_support import zip_bytes

ROOT = Path(__file__).resolve().parents[2]
MAVEN = ROOT / "datasets" / "maven-crm"
HEADER = ["Company", "Email", "Name", "Phone", "Region"]


def _lead_rows(n: int) -> list[list[str]]:
    return [[f"Company {i:05d}", f"c{i}@example.kr", f"Person {i}", "", "SEL"] for i in range(n)]


def _leads(engine) -> int:
    with read_session(engine) as s:
        return int(s.exec(select(func.count(Lead.id))).one())


def _import(engine, viewer, data: bytes, filename: str, campaign_id: int, **kw):
    lead_file = open_lead_file(filename, data, **kw)
    mapping = auto_mapping(read_header(lead_file))
    with write_session(engine) as s:
        return lead_import.import_leads(viewer, lead_file, mapping, campaign_id=campaign_id, session=s)


# --- 7. NUL characters --------------------------------------------------------------------------

def test_nul_after_the_first_64_kb_of_a_csv_lead_list_is_refused_with_its_line(engine):
    world = build_world(engine)
    rows = [HEADER, *_lead_rows(3000)]
    rows[2500][0] = "Hidden\x00Corp"
    data = csv_bytes(rows)
    assert data.index(b"\x00") > SNIFF_BYTES
    with pytest.raises(UploadRejected, match=r"list\.csv:2501: column 1: contains a NUL character"):
        _import(engine, world.marketer, data, "list.csv", world.campaign.id)
    assert _leads(engine) == 0


def test_nul_in_an_xlsx_lead_list_is_refused(engine):
    """A workbook's XML cannot hold a NUL character (openpyxl does not decode _x0000_ either): a
    raw NUL byte in a sheet is a damaged workbook, refused with a message, and nothing is stored."""
    world = build_world(engine)
    good = xlsx_bytes([HEADER, *_lead_rows(2000)])
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"]
    at = sheet.index(b"Company 01500")
    parts["xl/worksheets/sheet1.xml"] = sheet[:at + 7] + b"\x00" + sheet[at + 7:]
    with pytest.raises(UploadRejected, match=r"list\.xlsx(:\d+: column 1: contains a NUL character|: the workbook "
                                             r"cannot be read)"):
        _import(engine, world.marketer, zip_bytes(parts), "list.xlsx", world.campaign.id)
    assert _leads(engine) == 0


def _write_bundle_dir(path: Path, territories: list[tuple[str, str]]) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    text = "code,name\n" + "".join(f"{c},{n}\n" for c, n in territories)
    (path / "territories.csv").write_text(text, encoding="utf-8")
    return path


def test_nul_in_a_bundle_is_refused_with_file_line_and_column(engine, tmp_path):
    rows = [(f"T{i:05d}", f"Territory {i}") for i in range(4000)]
    rows[3500] = ("T03500", "Bad\x00Name")
    bundle = _write_bundle_dir(tmp_path / "b", rows)
    assert (bundle / "territories.csv").read_bytes().index(b"\x00") > SNIFF_BYTES
    with pytest.raises(BundleInvalid) as info:
        import_bundle(bundle, engine=engine, username="t")
    assert any(p.startswith("territories.csv:3502: name: contains a NUL character") for p in info.value.problems), \
        info.value.problems
    with read_session(engine) as s:
        assert s.exec(select(func.count(Territory.id))).one() == 0


def test_nul_in_the_maven_sample_is_refused_with_the_source_file_and_line(engine, tmp_path):
    from services.maven_import import MavenDataInvalid, import_maven
    source = tmp_path / "maven"
    shutil.copytree(MAVEN, source)
    lines = (source / "accounts.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    fields = lines[5].split(",")
    fields[1] = fields[1] + "\x00"                     # the sector of the account on line 6
    lines[5] = ",".join(fields)
    (source / "accounts.csv").write_text("".join(lines), encoding="utf-8")
    with pytest.raises(MavenDataInvalid) as info:
        import_maven(source, engine=engine)
    assert any("accounts.csv:6:" in p and "NUL" in p for p in info.value.problems), info.value.problems


# --- 9. damaged zips, huge cells, guessed encodings ---------------------------------------------

def _admin(engine):
    return build_world(engine).admin


def test_a_corrupt_zip_entry_says_which_entry_is_damaged(engine):
    viewer = _admin(engine)
    data = bytearray(zip_bytes({"territories.csv": b"code,name\n" + b"SEL,Seoul\n" * 2000}))
    header_len = 30 + len("territories.csv")
    data[header_len + 20: header_len + 40] = b"\x00" * 20       # inside the compressed data
    with pytest.raises(BundleInvalid, match=r"territories\.csv: the zip entry is damaged"):
        admin.import_bundle_upload(viewer, bytes(data), filename="b.zip", engine=engine)


def test_an_encrypted_zip_entry_is_refused_with_a_message(engine):
    viewer = _admin(engine)
    data = bytearray(zip_bytes({"territories.csv": b"code,name\nSEL,Seoul\n"}))
    # set the "encrypted" flag in the local and the central header, as an encrypting zip tool does
    local = data.find(b"PK\x03\x04")
    central = data.find(b"PK\x01\x02")
    for offset in (local + 6, central + 8):
        flags = struct.unpack_from("<H", data, offset)[0] | 0x1
        struct.pack_into("<H", data, offset, flags)
    with pytest.raises(BundleInvalid, match=r"territories\.csv: the zip entry is encrypted"):
        admin.import_bundle_upload(viewer, bytes(data), filename="b.zip", engine=engine)


def test_a_one_megabyte_cell_in_a_lead_list_is_refused_with_its_line(engine):
    world = build_world(engine)
    rows = [HEADER, *_lead_rows(5)]
    rows[3][1] = "x" * (1024 * 1024)
    for name, data in (("big.csv", csv_bytes(rows)), ("big.xlsx", None)):
        if data is None:
            continue  # a workbook cell cannot hold more than 32,767 characters: Excel refuses to write one
        with pytest.raises(UploadRejected, match=r"big\.csv:4(: column 2)?: a cell is longer than 32,767"):
            _import(engine, world.marketer, data, name, world.campaign.id)
    assert _leads(engine) == 0


def test_a_damaged_xlsx_says_so(engine):
    world = build_world(engine)
    good = xlsx_bytes([HEADER, *_lead_rows(5)])
    with zipfile.ZipFile(io.BytesIO(good)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    parts["xl/worksheets/sheet1.xml"] = parts["xl/worksheets/sheet1.xml"][:200]   # cut short
    with pytest.raises(UploadRejected, match=r"list\.xlsx: the workbook cannot be read"):
        _import(engine, world.marketer, zip_bytes(parts), "list.xlsx", world.campaign.id)


def test_a_guessed_encoding_is_flagged_and_the_person_can_choose_one(engine):
    world = build_world(engine)
    rows = [HEADER, ["Škoda Łódź", "a@skoda.example", "Zoltán Kővári", "", "SEL"]]
    data = csv_bytes(rows, "cp1250")
    guessed = open_lead_file("cz.csv", data)
    assert guessed.encoding_guessed and guessed.encoding not in ("utf-8-sig", "cp949")
    chosen = open_lead_file("cz.csv", data, encoding="cp1250")
    assert not chosen.encoding_guessed and chosen.encoding == "cp1250"
    report = _import(engine, world.marketer, data, "cz.csv", world.campaign.id, encoding="cp1250")
    assert report.good_rows == 1
    with read_session(engine) as s:
        assert s.exec(select(Lead.company, Lead.contact_name)).one() == ("Škoda Łódź", "Zoltán Kővári")
    for utf8 in (csv_bytes(rows, "utf-8"), csv_bytes(rows, "utf-8-sig")):
        assert not open_lead_file("u.csv", utf8).encoding_guessed
    with pytest.raises(UploadRejected, match="not valid utf-8"):
        open_lead_file("cz.csv", data, encoding="utf-8")
    with pytest.raises(UploadRejected, match="unknown encoding"):
        open_lead_file("cz.csv", data, encoding="klingon")


def test_the_lead_import_page_warns_about_a_guessed_encoding():
    text = (ROOT / "pages" / "lead_import.py").read_text()
    assert "encoding_guessed" in text and "CHOOSABLE_ENCODINGS" in text and "encoding=chosen" in text


# --- 6. spreadsheet formulas -------------------------------------------------------------------

def test_the_lead_import_reject_file_is_formula_safe_header_included(engine):
    world = build_world(engine)
    rows = [["Company", "Email", '=HYPERLINK("http://evil.example","x")', "@SUM(A1)"],
            ["", "-2+3", "=1+1", "+7"]]                       # no company: rejected
    report = _import(engine, world.marketer, csv_bytes(rows), "list.csv", world.campaign.id)
    assert report.rejected_rows == 1
    import csv as _csv
    cells = [c for row in _csv.reader(io.StringIO(report.rejects_csv.decode("utf-8-sig"))) for c in row]
    risky = [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert risky == [], risky
    assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells and "'-2+3" in cells


@pytest.mark.parametrize("cell", ["\uff1dHYPERLINK(\"http://x\")", "\uff0b1", "\n=1"])
def test_fullwidth_and_newline_formula_prefixes_are_neutralised(cell):
    from services.spreadsheet_export import neutralise_formula
    assert neutralise_formula(cell) == "'" + cell


def test_streamlit_table_downloads_are_off_so_files_leave_only_through_the_safe_export():
    """st.dataframe's own "Download as CSV" writes cells raw; it is switched off for every table
    (the option exists in the pinned Streamlit), and the app never turns it on again."""
    import tomllib

    from streamlit import config as st_config
    settings = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert settings["client"]["disableDataExport"] is True
    assert "client.disableDataExport" in st_config._config_options_template
    offenders = [str(p) for folder in ("pages", "ui", "app.py") for p in
                 ([ROOT / folder] if folder.endswith(".py") else (ROOT / folder).rglob("*.py"))
                 if "disableDataExport" in p.read_text()]       # (st.data_editor is covered by it too)
    assert offenders == []
