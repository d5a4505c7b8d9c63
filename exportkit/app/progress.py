"""A progress bar on a text stream, for long command-line runs. Only the CLI uses it."""

from __future__ import annotations

import time
from typing import TextIO

MIN_ITEMS = 20_000  # smaller runs finish before a bar would help
INTERVAL = 0.2  # seconds between redraws on a terminal


class Progress:
    """`with Progress(total, sys.stderr) as p: ... p.advance()`. On a terminal it redraws one line;
    elsewhere (a log, CI) it prints a line at every tenth."""

    def __init__(self, total: int, stream: TextIO, enabled: bool = True, label: str = "events"):
        self.total, self.stream, self.label = total, stream, label
        self.enabled = enabled and total >= MIN_ITEMS
        self.tty = bool(getattr(stream, "isatty", lambda: False)())
        self.done = 0
        self._next_tenth = 1
        self._last = 0.0
        self._start = 0.0

    def __enter__(self) -> Progress:
        self._start = time.monotonic()
        return self

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        if self.tty:
            now = time.monotonic()
            if now - self._last >= INTERVAL:
                self._last = now
                self._draw(end="\r")
        elif self.done * 10 >= self._next_tenth * self.total:
            while self.done * 10 >= self._next_tenth * self.total:
                self._next_tenth += 1
            self._draw(end="\n")

    def _draw(self, end: str) -> None:
        share = self.done / self.total if self.total else 1.0
        bar = "#" * int(share * 30)
        elapsed = time.monotonic() - self._start
        self.stream.write(
            f"[{bar:<30}] {share:4.0%} {self.done:,}/{self.total:,} {self.label} {elapsed:.1f} s{end}"
        )
        self.stream.flush()

    def __exit__(self, *exc: object) -> None:
        if self.enabled and self.tty:
            self._draw(end="\n")


__all__ = ["MIN_ITEMS", "Progress"]
