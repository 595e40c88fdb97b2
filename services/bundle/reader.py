"""Streaming a bundle CSV file: physical line numbers, strict UTF-8, header checks.

Each file is read line by line from bytes, so a bad byte is reported on the line that holds it
and nothing but the current record is ever in memory.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import Callable, Iterator

from .spec import FileSpec

MAX_PROBLEMS = 10_000
csv.field_size_limit(64 * 1024 * 1024)


class Problems:
    """Every problem found, as ``file:line: column: what is wrong``; the first MAX_PROBLEMS kept."""

    def __init__(self, limit: int = MAX_PROBLEMS):
        self.messages: list[str] = []
        self.count = 0
        self.limit = limit

    def add(self, file: str, line: int | None, column: str, message: str) -> None:
        self.count += 1
        if len(self.messages) < self.limit:
            where = f"{file}:{line}" if line is not None else file
            self.messages.append(f"{where}: {column}: {message}")

    def __bool__(self) -> bool:
        return self.count > 0

    def summary(self) -> list[str]:
        extra = self.count - len(self.messages)
        return self.messages + ([f"... and {extra} more problems"] if extra > 0 else [])


class _Lines:
    """Decoded lines of a file; stops at the first line that is not UTF-8 and says where."""

    def __init__(self, path: Path, on_bytes: Callable[[int], None] | None):
        self.path = path
        self.on_bytes = on_bytes
        self.bad_line: int | None = None
        self.bad_reason = ""

    def __iter__(self) -> Iterator[str]:
        with open(self.path, "rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if self.on_bytes is not None:
                    self.on_bytes(len(raw))
                if number == 1 and raw.startswith(b"\xef\xbb\xbf"):
                    raw = raw[3:]
                try:
                    yield raw.decode("utf-8")
                except UnicodeDecodeError as exc:
                    self.bad_line = number
                    self.bad_reason = (f"not UTF-8 (byte 0x{raw[exc.start]:02X} at position {exc.start + 1}); "
                                       "save the file as UTF-8")
                    return


def read_rows(path: Path, spec: FileSpec, problems: Problems,
              on_bytes: Callable[[int], None] | None = None) -> Iterator[tuple[int, dict[str, str | None]]]:
    """Yield (line where the record starts, {column: cell or None}) for each well-formed record.

    Header problems and malformed records are added to ``problems``; only columns of the spec
    that the header names appear in the dicts (an empty cell is None).
    """
    name = spec.name
    lines = _Lines(path, on_bytes)
    reader = csv.reader(iter(lines), strict=True)
    known = set(spec.column_names)
    header: list[str] | None = None
    index: list[tuple[int, str]] = []
    width = 0
    previous_line = 0
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            start = previous_line + 1
            previous_line = reader.line_num
            if lines.bad_line is not None:
                break
            problems.add(name, start, "row", _csv_message(str(exc)))
            continue
        start = previous_line + 1
        previous_line = reader.line_num
        if header is None:
            header = [h.strip() for h in fields]
            index, width = _check_header(spec, header, known, problems)
            continue
        if not fields:
            continue                      # a blank line
        if len(fields) != width:
            if len(fields) < width:
                missing = header[len(fields)]
                problems.add(name, start, missing if missing in known else "row",
                             f"missing value: the record has {len(fields)} fields, the header {width} "
                             "(truncated record?)")
            else:
                problems.add(name, start, "row", f"the record has {len(fields)} fields, the header {width}")
            continue
        yield start, {col: (fields[i] if fields[i] != "" else None) for i, col in index}
    if lines.bad_line is not None:
        problems.add(name, lines.bad_line, "encoding", lines.bad_reason)
    elif header is None:
        problems.add(name, 1, "header", "the file is empty (a header row is required)")


def read_header(path: Path) -> list[str]:
    """The header's column names (for files already validated)."""
    for line in _Lines(path, None):
        return [h.strip() for h in next(csv.reader([line]))] if line.strip() else []
    return []


def _check_header(spec: FileSpec, header: list[str], known: set[str], problems: Problems):
    seen: set[str] = set()
    index = []
    for i, column in enumerate(header):
        if column not in known:
            problems.add(spec.name, 1, column or f"column {i + 1}",
                         f"unknown column (expected: {', '.join(spec.column_names)})")
        elif column in seen:
            problems.add(spec.name, 1, column, "column appears twice")
        else:
            index.append((i, column))
        seen.add(column)
    for col in spec.columns:
        if col.required and col.name not in seen:
            problems.add(spec.name, 1, col.name, "required column missing")
    return index, len(header)


def _csv_message(text: str) -> str:
    if "unexpected end of data" in text:
        return "unterminated quoted field: the file ends inside a quote (truncated?)"
    return f"malformed CSV: {text}"
