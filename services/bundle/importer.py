"""Importing a bundle: check everything, then write everything in one transaction, audited."""
from __future__ import annotations

import io
import tempfile
import time
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from sqlmodel import Session

from i18n import _
from models.db import bump_write_generation
from services.audit import record
from models.errors import ValidationFailed

from .load import BundleLoader
from .spec import FILES
from .progress import NoProgress, Progress
from .validate import BundleInvalid, check_bundle


@dataclass
class ImportReport:
    rows: dict[str, int] = field(default_factory=dict)   # file → rows imported
    seconds: float = 0.0

    @property
    def total_rows(self) -> int:
        return sum(self.rows.values())

    def lines(self) -> list[str]:
        return [f"{name}: {count} rows" for name, count in self.rows.items()] + [
            f"imported {self.total_rows} rows in {self.seconds:.1f}s"]


def import_bundle(directory: Path | str, *, engine: Engine, username: str | None = None,
                  show_progress: bool = False, keep_absent_columns: bool = False,
                  audit_action: str = "import", audit_entity: str = "bundle",
                  audit_key: str | None = None, audit_extra: dict | None = None) -> ImportReport:
    """Import the bundle in ``directory``; raise BundleInvalid (nothing written) if any row is bad.

    ``keep_absent_columns`` leaves columns the files do not have unchanged on existing rows
    (the Maven importer uses it so re-running it never wipes what people set since);
    a bundle proper follows BUNDLE.md: a missing optional column means null.
    """
    started = time.monotonic()
    directory = Path(directory)
    if not directory.is_dir():
        raise BundleInvalid(_("{directory}: not a folder").format(directory=directory))
    sizes = sum(p.stat().st_size for p in directory.glob("*.csv"))
    progress = Progress(sizes) if show_progress else NoProgress()
    with engine.connect() as conn:
        loader = BundleLoader(conn, progress=progress, keep_absent_columns=keep_absent_columns)
        try:
            # Pass one: check every row, staging good rows in temporary tables (no data table).
            with conn.begin():
                checked = check_bundle(directory, engine=engine, progress=progress, stager=loader)
            # Pass two: one write transaction (SQLite: BEGIN IMMEDIATE, as models.db.write_session).
            conn.info["write"] = True
            try:
                with conn.begin(), Session(bind=conn) as session:
                    loader.load(checked)
                    record(session=session, username=username, action=audit_action, entity=audit_entity,
                           entity_key=audit_key or directory.name,
                           detail={"rows": checked.rows, **(audit_extra or {})})
                    session.flush()
                bump_write_generation()
            finally:
                conn.info.pop("write", None)
        except ValidationFailed as exc:
            raise BundleInvalid(exc.problems) from exc
        except DBAPIError as exc:
            reason = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
            raise BundleInvalid(_("the database refused the import, nothing was written: {reason}").format(reason=reason)) from exc
        finally:
            if conn.in_transaction():
                conn.rollback()
            with conn.begin():
                loader.drop_stages()
    progress.finish()
    return ImportReport(rows={f.name: checked.rows[f.name] for f in FILES if f.name in checked.headers},
                        seconds=time.monotonic() - started)


def _safe_members(archive: zipfile.ZipFile, max_unzipped_bytes: int) -> list[zipfile.ZipInfo]:
    """The CSV entries, refusing unsafe names and oversized content before anything is extracted."""
    problems = []
    total = 0
    members = []
    for info in archive.infolist():
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts:
            problems.append(_("{name}: unsafe path in the zip file (absolute or with '..'); nothing was imported").format(name=name))
            continue
        total += info.file_size
        if info.is_dir() or not name.lower().endswith(".csv") or parts[0] == "__MACOSX":
            continue
        members.append(info)
    if total > max_unzipped_bytes:
        problems.append(_("the zip file unpacks to {total:,} bytes, more than the limit of {max_unzipped_bytes:,}; nothing was imported").format(total=total, max_unzipped_bytes=max_unzipped_bytes))
    if problems:
        raise BundleInvalid(problems)
    folders = {PurePosixPath(m.filename).parent for m in members}
    if len(folders) > 1:
        raise BundleInvalid(_("the zip file holds CSV files in several folders; put the bundle's files in one"))
    return members


def import_bundle_zip(zip_bytes: bytes, *, engine: Engine, username: str | None,
                      max_unzipped_bytes: int) -> ImportReport:
    """Import a zipped bundle (files at the top or in one folder) uploaded on the admin page."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(zip_bytes))
    except zipfile.BadZipFile:
        raise BundleInvalid(_("not a zip file")) from None
    with archive, tempfile.TemporaryDirectory(prefix="bundle-") as tmp:
        members = _safe_members(archive, max_unzipped_bytes)
        written = 0
        for info in members:
            target = Path(tmp) / PurePosixPath(info.filename).name
            if info.flag_bits & 0x1:
                raise BundleInvalid(_("{entry}: the zip entry is encrypted; zip the bundle again without a "
                                      "password; nothing was imported").format(entry=info.filename))
            try:
                with archive.open(info) as source, open(target, "wb") as out:
                    while chunk := source.read(1 << 20):
                        written += len(chunk)
                        if written > max_unzipped_bytes:      # the zip's sizes may lie
                            raise BundleInvalid(_("the zip file unpacks to more than {max_unzipped_bytes:,} bytes; "
                                                  "nothing was imported").format(max_unzipped_bytes=max_unzipped_bytes))
                        out.write(chunk)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
                reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
                raise BundleInvalid(_("{entry}: the zip entry is damaged and cannot be unpacked ({reason}); "
                                      "nothing was imported").format(entry=info.filename, reason=reason)) from None
        return import_bundle(tmp, engine=engine, username=username, audit_key="upload.zip")

