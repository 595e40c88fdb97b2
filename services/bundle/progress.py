"""Progress of a long import on stderr: a bar on a terminal, a line every few seconds otherwise."""
from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Counts bytes of the files read so far against the total of every pass."""

    def __init__(self, total_bytes: int, *, stream: TextIO | None = None, interval: float | None = None):
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.interval = interval if interval is not None else (0.2 if self.tty else 5.0)
        self.total = max(total_bytes, 1)
        self.done = 0
        self.label = ""
        self.started = self._last = time.monotonic()

    def phase(self, label: str) -> None:
        self.label = label
        self._emit(force=not self.tty)

    def advance(self, nbytes: int) -> None:
        self.done += nbytes
        now = time.monotonic()
        if now - self._last >= self.interval:
            self._emit()

    def note(self, text: str) -> None:
        if self.tty:
            self.stream.write("\r\033[K")
        self.stream.write(text + "\n")
        self.stream.flush()

    def finish(self) -> None:
        self.done = self.total
        self._emit(force=True)
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()

    def _emit(self, force: bool = False) -> None:
        self._last = time.monotonic()
        share = min(self.done / self.total, 1.0)
        elapsed = self._last - self.started
        if self.tty:
            filled = int(share * 30)
            bar = "#" * filled + "-" * (30 - filled)
            self.stream.write(f"\r\033[K[{bar}] {share:6.1%} {elapsed:6.1f}s {self.label}")
        else:
            self.stream.write(f"{share:6.1%} after {elapsed:.1f}s: {self.label}\n")
        self.stream.flush()


class NoProgress:
    """The silent stand-in used by library callers (the admin page, tests)."""

    def phase(self, label: str) -> None: ...
    def advance(self, nbytes: int) -> None: ...
    def note(self, text: str) -> None: ...
    def finish(self) -> None: ...
