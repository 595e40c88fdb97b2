"""Exports meant for spreadsheets (drill-downs, reject files, the audit log): CSV and XLSX with
formula injection neutralised. Not for the data bundle, which must round-trip exactly."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

# A spreadsheet runs a cell starting with these as a formula (fullwidth forms included: some
# locales' spreadsheets read "＝" as "=").
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def neutralise_formula(value):
    """A text cell that a spreadsheet would run as a formula gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence]) -> bytes:
    """UTF-8 with BOM (so Excel opens Korean text correctly), formula-safe."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([neutralise_formula(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise_formula(v) if isinstance(v, str) else str(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence], *, sheet: str = "data") -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(sheet[:31])
    ws.append([neutralise_formula(h) for h in header])
    for row in rows:
        ws.append([neutralise_formula(v) if isinstance(v, str) else v for v in row])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def safe_frame(frame):
    """A formula-safe copy of a DataFrame for display or export; enums become their values."""
    from enum import Enum

    def safe(value):
        if isinstance(value, Enum):
            value = value.value
        return neutralise_formula(value)
    return frame.map(safe)


def frame_csv_bytes(frame) -> bytes:
    return safe_frame(frame).to_csv(index=False).encode("utf-8-sig")  # BOM: Excel reads Korean


def frame_xlsx_bytes(frame, sheet: str = "records") -> bytes:
    buffer = io.BytesIO()
    safe_frame(frame).to_excel(buffer, index=False, sheet_name=sheet[:31], engine="openpyxl")
    return buffer.getvalue()
