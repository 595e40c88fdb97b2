"""Writing the whole database as a bundle: 16 files, header always, columns in BUNDLE.md order.

Values are written as they are (no spreadsheet formula escaping) so the bundle round-trips:
timestamps ISO 8601 with the offset of the company time zone, dates YYYY-MM-DD, money with two
decimals, booleans true/false. All files come from one read transaction (one snapshot).
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections import defaultdict
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TextIO

from sqlalchemy import select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from models.settings_store import load_settings
from models.tables import Campaign, CampaignNote, CampaignTerritory, Territory

from .spec import BOOL, CODES, DATE, ENTITIES, MONEY, MONTH, REF, TIMESTAMP, FILES, FileSpec

YIELD_PER = 5_000


def _formatter(kind: str, tz):
    if kind == TIMESTAMP:
        return lambda v: v.astimezone(tz).isoformat()
    if kind == DATE:
        return lambda v: v.isoformat()
    if kind == MONTH:
        return lambda v: f"{v.year:04d}-{v.month:02d}"
    if kind == MONEY:
        return lambda v: f"{v:.2f}"
    if kind == BOOL:
        return lambda v: "true" if v else "false"
    return lambda v: v.value if hasattr(v, "value") else str(v)


def _select(spec: FileSpec):
    """The file's columns (natural keys in place of ids), ordered by its key."""
    table = spec.table
    source = table
    columns = []
    by_name = {}
    for i, col in enumerate(spec.columns):
        if col.kind == CODES:
            expr = table.c.id                 # replaced by the joined codes when written
        elif spec.name == "note_reads.csv" and col.name in ("campaign", "version"):
            if "note" not in by_name:
                note = CampaignNote.__table__.alias("n")
                campaign = Campaign.__table__.alias("nc")
                source = source.join(note, note.c.id == table.c.note_id).join(campaign, campaign.c.id == note.c.campaign_id)
                by_name["note"] = (note, campaign)
            note, campaign = by_name["note"]
            expr = campaign.c.code if col.name == "campaign" else note.c.version
        elif col.kind == REF:
            entity = ENTITIES[col.ref]
            alias = entity.table.alias(f"r{i}")
            source = source.outerjoin(alias, alias.c.id == table.c[col.db])
            expr = alias.c[entity.key]
        else:
            expr = table.c[col.db]
        columns.append(expr.label(f"c{i}"))
        by_name[col.name] = columns[-1]
    # Rows sharing a key keep their database order, which is what a re-import matches them by.
    order = [by_name[c] for c in spec.key] + ([table.c.id] if "id" in table.c else [])
    return select(*columns).select_from(source).order_by(*order)


def _campaign_territories(conn: Connection) -> dict[int, str]:
    codes = defaultdict(list)
    rows = conn.execute(select(CampaignTerritory.campaign_id, Territory.code)
                        .join(Territory, Territory.id == CampaignTerritory.territory_id)
                        .order_by(CampaignTerritory.campaign_id, Territory.code))
    for campaign_id, code in rows:
        codes[campaign_id].append(code)
    return {k: ";".join(v) for k, v in codes.items()}


@contextmanager
def _snapshot(engine: Engine) -> Iterator[Connection]:
    options = {"isolation_level": "REPEATABLE READ"} if engine.dialect.name == "postgresql" else {}
    with engine.connect().execution_options(**options) as conn:
        with conn.begin():
            yield conn


def write_bundle(open_file: Callable[[str], TextIO], *, engine: Engine) -> dict[str, int]:
    """Write every file through ``open_file(name)``; returns rows written per file."""
    counts = {}
    with _snapshot(engine) as conn:
        tz = load_settings(session=Session(bind=conn)).tz
        territories = _campaign_territories(conn)
        for spec in FILES:
            formats = [(_formatter(c.kind, tz), c.kind == CODES) for c in spec.columns]
            with open_file(spec.name) as handle:
                writer = csv.writer(handle)
                writer.writerow(spec.column_names)
                count = 0
                result = conn.execution_options(yield_per=YIELD_PER).execute(_select(spec))
                for row in result:
                    writer.writerow([
                        territories.get(value, "") if is_codes else ("" if value is None else fmt(value))
                        for value, (fmt, is_codes) in zip(row, formats)
                    ])
                    count += 1
                counts[spec.name] = count
    return counts


def export_bundle(directory: Path | str, *, engine: Engine) -> dict[str, int]:
    """Write the bundle into ``directory`` (created if missing; bundle files are overwritten)."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    return write_bundle(lambda name: open(directory / name, "w", encoding="utf-8", newline=""), engine=engine)


def export_bundle_zip(*, engine: Engine) -> bytes:
    """The whole database as a zipped bundle (the admin page's download)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        write_bundle(lambda name: io.TextIOWrapper(archive.open(name, "w"), encoding="utf-8", newline=""),
                     engine=engine)
    return buffer.getvalue()
