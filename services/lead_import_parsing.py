"""Reading uploaded lead lists: type and size checks, encoding detection, streaming rows, column mapping.

Files are read row by row (csv.reader over an incremental decoder; openpyxl read-only) so a
50,000-row list never becomes one big string or DataFrame.
"""
from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath
from typing import Iterator

from i18n import _
from models.config import load_config
from models.errors import ValidationFailed

LEAD_FIELDS = ("company", "email", "contact_name", "phone", "territory")
FIELD_LABELS = {"company": "Company", "email": "Email", "contact_name": "Contact name", "phone": "Phone",
                "territory": "Territory / region"}
# Headers people actually use, English and Korean; compared without case, spaces, '_' or '-'.
HEADER_ALIASES = {
    "company": ["company", "company name", "companyname", "organization", "organisation", "account", "account name",
                "회사", "회사명", "기업", "기업명", "업체", "업체명", "소속", "상호"],
    "email": ["email", "e-mail", "email address", "mail", "이메일", "메일", "전자우편", "이메일주소", "이메일 주소"],
    "contact_name": ["name", "contact", "contact name", "full name", "attendee", "attendee name",
                     "이름", "성명", "담당자", "담당자명", "참석자", "참석자명", "고객명"],
    "phone": ["phone", "phone number", "mobile", "mobile phone", "tel", "telephone", "cell",
              "연락처", "전화", "전화번호", "휴대폰", "휴대전화", "핸드폰"],
    "territory": ["territory", "region", "area", "territory code", "region code",
                  "지역", "권역", "담당지역", "지역명", "영업지역"],
}
ENCODINGS = ("utf-8-sig", "cp949")  # tried strictly, in this order; charset-normalizer after that
CHUNK = 1 << 20
SNIFF_BYTES = 64 * 1024


class UploadRejected(ValidationFailed):
    """The file itself cannot be used (type, size, encoding, no header)."""


MAX_CELL_CHARS = 32_767     # Excel's own limit for one cell
# Offered when the file is neither UTF-8 nor CP949 and the encoding had to be guessed.
CHOOSABLE_ENCODINGS = ("utf-8", "cp949", "euc-kr", "cp1252", "latin-1", "cp1250", "shift_jis", "gb18030", "big5")


@dataclass(frozen=True)
class LeadFile:
    filename: str
    kind: str                 # "csv" or "xlsx"
    data: bytes
    encoding: str | None      # CSV only
    encoding_guessed: bool = False   # neither UTF-8 nor CP949, nor chosen: tell the person


def _norm_header(text: str) -> str:
    return re.sub(r"[\s_\-]+", "", str(text or "")).lower()


_ALIAS_INDEX = {_norm_header(alias): field for field, aliases in HEADER_ALIASES.items() for alias in aliases}


def _looks_like_xlsx(data: bytes) -> bool:
    if not data.startswith(b"PK\x03\x04"):
        return False
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    return "xl/workbook.xml" in names


def _looks_like_text(data: bytes) -> bool:
    head = data[:SNIFF_BYTES]
    return b"\x00" not in head and not head.startswith((b"PK\x03\x04", b"\xd0\xcf\x11\xe0", b"%PDF"))


def check_upload(filename: str, data: bytes, *, max_mb: int | None = None) -> str:
    """The file's kind ("csv"/"xlsx") after checking its size, extension and content; else UploadRejected."""
    max_mb = load_config().max_upload_mb if max_mb is None else max_mb
    if len(data) > max_mb * 1024 * 1024:
        raise UploadRejected(f"{filename}: {len(data) / 1048576:.1f} MB is over the {max_mb} MB upload limit")
    if not data:
        raise UploadRejected(f"{filename}: the file is empty")
    ext = PurePath(filename or "").suffix.lower()
    if ext == ".xlsx":
        if not _looks_like_xlsx(data):
            raise UploadRejected(f"{filename}: not an Excel workbook (.xlsx) despite its name")
        return "xlsx"
    if ext == ".csv":
        if not _looks_like_text(data):
            raise UploadRejected(f"{filename}: not a text CSV file despite its name")
        return "csv"
    raise UploadRejected(f"{filename}: upload a .csv or .xlsx file")


def _decodes_strictly(data: bytes, encoding: str) -> bool:
    decoder = codecs.getincrementaldecoder(encoding)(errors="strict")
    view = memoryview(data)
    try:
        for start in range(0, len(view), CHUNK):
            decoder.decode(view[start:start + CHUNK])
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    return True


def detect_encoding(data: bytes) -> str:
    """UTF-8 (with or without BOM), else CP949 (Korean Excel's CSV; a superset of EUC-KR), else a guess."""
    for encoding in ENCODINGS:
        if _decodes_strictly(data, encoding):
            return encoding
    from charset_normalizer import from_bytes

    best = from_bytes(data[:CHUNK]).best()
    if best is None or not _decodes_strictly(data, best.encoding):
        raise UploadRejected("could not tell the file's text encoding; save it as CSV UTF-8 and upload again")
    return best.encoding


def open_lead_file(filename: str, data: bytes, *, max_mb: int | None = None,
                   encoding: str | None = None) -> LeadFile:
    """The checked upload. A CSV is read as ``encoding`` when one is chosen (refused if the file
    does not decode with it), else UTF-8, else CP949, else a guess that ``encoding_guessed`` flags."""
    kind = check_upload(filename, data, max_mb=max_mb)
    guessed = False
    if kind != "csv":
        encoding = None
    elif encoding:
        try:
            codecs.lookup(encoding)
        except LookupError:
            raise UploadRejected(_("{file}: unknown encoding {encoding!r}").format(file=filename, encoding=encoding)) \
                from None
        if not _decodes_strictly(data, encoding):
            raise UploadRejected(_("{file}: the file is not valid {encoding} text; choose another encoding")
                                 .format(file=filename, encoding=encoding))
    else:
        encoding = detect_encoding(data)
        guessed = encoding not in ENCODINGS
    lead_file = LeadFile(filename=filename, kind=kind, data=data, encoding=encoding, encoding_guessed=guessed)
    if not [h for h in read_header(lead_file) if h]:
        raise UploadRejected(f"{filename}: the first row must name the columns (e.g. Company, Email, Name)")
    return lead_file


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()


def _delimiter(header_line: str) -> str:
    """Comma, unless the header line holds more semicolons (European Excel) or tabs."""
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] > counts[","] else ","


def _checked_cells(lead_file: LeadFile, where: int, row: list[str]) -> list[str]:
    """Refuse the whole file for a cell no database or spreadsheet should take: a NUL character
    (PostgreSQL cannot store it) or more than Excel's 32,767 characters. ``where`` is the line
    (CSV) or row (XLSX) the problem is reported on."""
    for index, cell in enumerate(row):
        if "\x00" in cell:
            raise UploadRejected(_("{file}:{line}: column {column}: contains a NUL character (byte 0), which "
                                   "a database cannot store; remove it and upload again")
                                 .format(file=lead_file.filename, line=where, column=index + 1))
        if len(cell) > MAX_CELL_CHARS:
            raise UploadRejected(_too_long_cell(lead_file, where, index + 1))
    return row


def _too_long_cell(lead_file: LeadFile, where: int, column: int | None) -> str:
    place = f"{lead_file.filename}:{where}" + (f": column {column}" if column else "")
    return _("{place}: a cell is longer than {n} characters (the most a spreadsheet cell holds)").format(
        place=place, n=f"{MAX_CELL_CHARS:,}")


def _raw_rows(lead_file: LeadFile) -> Iterator[list[str]]:
    """Every row of the file, header first, as lists of stripped strings. A file that cannot be
    read (malformed CSV, a damaged or encrypted workbook) is refused with what is wrong and where."""
    if lead_file.kind == "csv":
        text = io.TextIOWrapper(io.BytesIO(lead_file.data), encoding=lead_file.encoding, newline="")
        try:
            first_line = text.readline()
            text.seek(0)
            reader = csv.reader(text, csv.excel, delimiter=_delimiter(first_line))
            line = 0
            while True:
                start = line + 1
                try:
                    row = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    if "field larger than field limit" in str(exc):
                        raise UploadRejected(_too_long_cell(lead_file, start, None)) from None
                    raise UploadRejected(_("{file}:{line}: malformed CSV: {reason}").format(
                        file=lead_file.filename, line=start, reason=exc)) from None
                line = reader.line_num
                yield _checked_cells(lead_file, start, [cell.strip() for cell in row])
        finally:
            text.detach()
        return
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(lead_file.data), read_only=True, data_only=True)
    except UploadRejected:
        raise
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for a damaged file
        raise _damaged_workbook(lead_file, exc) from None
    try:
        sheet = workbook.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        number = 0
        while True:
            try:
                row = next(rows)
            except StopIteration:
                break
            except Exception as exc:  # noqa: BLE001 - a damaged sheet part fails while it is read
                raise _damaged_workbook(lead_file, exc) from None
            number += 1
            yield _checked_cells(lead_file, number, [_cell_text(v) for v in row])
    finally:
        workbook.close()


def _damaged_workbook(lead_file: LeadFile, exc: Exception) -> UploadRejected:
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return UploadRejected(_("{file}: the workbook cannot be read ({reason}); it may be damaged or "
                            "password-protected: open it in Excel, save it as a new .xlsx without a password "
                            "and upload again").format(file=lead_file.filename, reason=reason))


def read_header(lead_file: LeadFile) -> list[str]:
    for row in _raw_rows(lead_file):
        return row
    return []


def iter_records(lead_file: LeadFile) -> Iterator[tuple[int, list[str]]]:
    """(row number as a spreadsheet shows it — the header is row 1 —, cells) of each non-blank data row."""
    rows = _raw_rows(lead_file)
    next(rows, None)
    for number, row in enumerate(rows, start=2):
        if any(row):
            yield number, row


def count_records(lead_file: LeadFile) -> int:
    return sum(1 for _ in iter_records(lead_file))


def auto_mapping(headers: list[str]) -> dict[str, int | None]:
    """{lead field: column index or None}, from the common English and Korean headers."""
    mapping: dict[str, int | None] = {field: None for field in LEAD_FIELDS}
    for index, header in enumerate(headers):
        field = _ALIAS_INDEX.get(_norm_header(header))
        if field and mapping[field] is None:
            mapping[field] = index
    return mapping


def check_mapping(mapping: dict[str, int | None], headers: list[str]) -> dict[str, int | None]:
    """The mapping with every lead field present; refuses an unmapped company or a column used twice."""
    problems = []
    clean = {field: mapping.get(field) for field in LEAD_FIELDS}
    unknown = set(mapping) - set(LEAD_FIELDS)
    if unknown:
        problems.append(f"mapping: unknown lead field(s) {sorted(unknown)}")
    for field, index in clean.items():
        if index is not None and not (0 <= index < len(headers)):
            problems.append(f"mapping: {FIELD_LABELS[field]} points to column {index}, which the file does not have")
    if clean["company"] is None:
        problems.append("mapping: choose the column that holds the company")
    used = [i for i in clean.values() if i is not None]
    if len(used) != len(set(used)):
        problems.append("mapping: one column is mapped to two lead fields")
    if problems:
        raise ValidationFailed(problems)
    return clean
