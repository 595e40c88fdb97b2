"""Streaming a bundle CSV file: physical line numbers, strict UTF-8, header checks.

Each file is read line by line from bytes, so a bad byte is reported on the line that holds it
and nothing but the current record is ever in memory.
"""
from __future__ import annotations

import csv
import re
from itertools import chain
from pathlib import Path
from typing import Callable, Iterator

from i18n import N_, _

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


CHUNK = 1 << 20
# str.splitlines also breaks at these and at a lone "\r"; a chunk holding any is split at "\n"
# only, by hand
_OTHER_BREAKS = re.compile("[\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")


class _Lines:
    """Decoded lines of a file (split on ``\\n`` only, line ends kept); stops at the first line
    that is not UTF-8 and says where.

    The file is read and decoded a megabyte at a time; only a chunk that fails to decode is
    decoded again line by line, so the bad line is found exactly and every line before it is
    still read.
    """

    def __init__(self, path: Path, on_bytes: Callable[[int], None] | None):
        self.path = path
        self.on_bytes = on_bytes
        self.bad_line: int | None = None
        self.bad_reason = ""
        self.saw_nul = False                         # a NUL character in some chunk read so far

    def __iter__(self) -> Iterator[str]:
        return chain.from_iterable(self._chunks())

    def _chunks(self) -> Iterator[list[str]]:
        on_bytes = self.on_bytes
        number = 0                                   # lines yielded so far
        carry = b""
        with open(self.path, "rb") as handle:
            first = True
            while True:
                block = handle.read(CHUNK)
                if on_bytes is not None and block:
                    on_bytes(len(block))
                if block:
                    data = carry + block if carry else block
                    cut = data.rfind(b"\n") + 1
                    if cut == 0:                     # no line end yet: a very long line
                        carry = data
                        continue
                    data, carry = data[:cut], data[cut:]
                else:
                    data, carry = carry, b""
                    if not data:
                        return
                if first:
                    first = False
                    if data.startswith(b"\xef\xbb\xbf"):
                        data = data[3:]
                if b"\x00" in data:
                    self.saw_nul = True
                try:
                    text = data.decode("utf-8")
                except UnicodeDecodeError:
                    good, bad_line, reason = _bad_chunk(data, number)
                    yield good                       # the lines before the bad one are read first
                    self.bad_line, self.bad_reason = bad_line, reason
                    return
                if _OTHER_BREAKS.search(text) is None and text.count("\r") == text.count("\r\n"):
                    lines = text.splitlines(keepends=True)   # the same as the split below, faster
                else:
                    lines = text.split("\n")
                    last = lines.pop()               # "" after a final line end, else the last line
                    lines = [line + "\n" for line in lines]
                    if last:
                        lines.append(last)
                number += len(lines)
                yield lines
                if not block:
                    return


def _bad_chunk(data: bytes, before: int) -> tuple[list[str], int, str]:
    """The good lines of a chunk that does not decode, the first bad line's number and why."""
    good = []
    for offset, raw in enumerate(_split_lf(data), start=1):
        try:
            good.append(raw.decode("utf-8"))
        except UnicodeDecodeError as exc:
            return good, before + offset, (f"not UTF-8 (byte 0x{raw[exc.start]:02X} at position {exc.start + 1}); "
                                           "save the file as UTF-8")
    raise AssertionError("a chunk that does not decode has a line that does not decode")


def _split_lf(data: bytes) -> list[bytes]:
    parts = data.split(b"\n")
    last = parts.pop()
    return [p + b"\n" for p in parts] + ([last] if last else [])


class Records:
    """The well-formed records of a file as (line where the record starts, [cells]).

    Header problems and malformed records are added to ``problems``. Once the first record has
    been yielded, ``index`` lists (position, column) for the columns of the spec that the header
    names (the first time it names them).
    """

    def __init__(self, path: Path, spec: FileSpec, problems: Problems,
                 on_bytes: Callable[[int], None] | None = None):
        self.path = path
        self.spec = spec
        self.problems = problems
        self.on_bytes = on_bytes
        self.index: list[tuple[int, str]] = []

    def __iter__(self) -> Iterator[tuple[int, list[str]]]:
        spec, problems = self.spec, self.problems
        name = spec.name
        lines = _Lines(self.path, self.on_bytes)
        reader = csv.reader(iter(lines), strict=True)
        known = set(spec.column_names)
        header: list[str] | None = None
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
                self.index, width = _check_header(spec, header, known, problems)
                continue
            if not fields:
                continue                          # a blank line
            if len(fields) != width:
                if len(fields) < width:
                    missing = header[len(fields)]
                    problems.add(name, start, missing if missing in known else "row",
                                 f"missing value: the record has {len(fields)} fields, the header {width} "
                                 "(truncated record?)")
                else:
                    problems.add(name, start, "row", f"the record has {len(fields)} fields, the header {width}")
                continue
            if lines.saw_nul and any("\x00" in f for f in fields):
                for i, f in enumerate(fields):
                    if "\x00" in f:
                        problems.add(name, start, header[i] or f"column {i + 1}", _(NUL_MESSAGE))
                continue
            yield start, fields
        if lines.bad_line is not None:
            problems.add(name, lines.bad_line, "encoding", lines.bad_reason)
        elif header is None:
            problems.add(name, 1, "header", "the file is empty (a header row is required)")


NUL_MESSAGE = N_("contains a NUL character (byte 0), which a database cannot store; remove it")


def cells_of(index: list[tuple[int, str]], fields: list[str]) -> dict[str, str | None]:
    """{column: cell or None} (an empty cell is None) for the columns the header names."""
    return {col: (fields[i] if fields[i] != "" else None) for i, col in index}


def read_rows(path: Path, spec: FileSpec, problems: Problems,
              on_bytes: Callable[[int], None] | None = None) -> Iterator[tuple[int, dict[str, str | None]]]:
    """Yield (line where the record starts, {column: cell or None}) for each well-formed record;
    only columns of the spec that the header names appear in the dicts."""
    records = Records(path, spec, problems, on_bytes)
    for line, fields in records:
        yield line, cells_of(records.index, fields)


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
