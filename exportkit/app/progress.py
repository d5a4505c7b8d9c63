"""Progress on stderr for long runs: rich's bar on a terminal, a line per tenth in a log.

Only the command line uses it, and never on stdout, so a pipe's output stays clean. Loading a
large scenario shows too (`loading`), since it can take as long as the replay.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

MIN_ITEMS = 20_000  # smaller runs finish before a bar would help
MIN_BYTES = 5_000_000  # smaller files load before a spinner would help
CHUNK = 1_000  # a terminal bar is updated every CHUNK items: cheap on millions of events


def _is_terminal(stream: TextIO) -> bool:
    return bool(getattr(stream, "isatty", lambda: False)())


class Progress:
    """`with Progress(total, sys.stderr) as p: ... p.advance()`. On a terminal, rich's bar; in a
    log or CI, a line at every tenth."""

    def __init__(self, total: int, stream: TextIO, enabled: bool = True, label: str = "events"):
        self.total, self.stream, self.label = total, stream, label
        self.enabled = enabled and total >= MIN_ITEMS
        self.tty = _is_terminal(stream)
        self.done = 0
        self._shown = 0
        self._next_tenth = 1
        self._start = 0.0
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Progress:
        self._start = time.monotonic()
        if self.enabled and self.tty:
            self._bar = _rich_bar(self.stream)
            self._bar.start()
            self._task = self._bar.add_task(self.label, total=self.total)
        return self

    def advance(self, n: int = 1) -> None:
        self.done += n
        if not self.enabled:
            return
        if self._bar is not None:
            if self.done - self._shown >= CHUNK or self.done >= self.total:
                self._bar.update(self._task, completed=self.done)
                self._shown = self.done
        elif self.done * 10 >= self._next_tenth * self.total:
            while self.done * 10 >= self._next_tenth * self.total:
                self._next_tenth += 1
            self._line()

    def _line(self) -> None:
        share = self.done / self.total if self.total else 1.0
        bar = "#" * int(share * 30)
        elapsed = time.monotonic() - self._start
        self.stream.write(
            f"[{bar:<30}] {share:4.0%} {self.done:,}/{self.total:,} {self.label} {elapsed:.1f} s\n"
        )
        self.stream.flush()

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.update(self._task, completed=self.done)
            self._bar.stop()


def _rich_bar(stream: TextIO) -> Any:
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )
    from rich.progress import (
        Progress as Bar,
    )

    return Bar(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("left"),
        TimeRemainingColumn(),
        console=Console(file=stream),
        transient=True,
    )


@contextmanager
def loading(path: str | Path, stream: TextIO, enabled: bool = True) -> Iterator[None]:
    """While a large scenario file loads: a spinner on a terminal, two lines in a log."""
    try:
        size = Path(path).stat().st_size
    except OSError:
        size = 0
    if not enabled or size < MIN_BYTES:
        yield
        return
    what = f"loading {Path(path).name} ({size / 1e6:,.1f} MB)"
    start = time.monotonic()
    if _is_terminal(stream):
        from rich.console import Console

        with Console(file=stream).status(what):
            yield
        return
    stream.write(f"exportkit: {what}\n")
    stream.flush()
    yield
    stream.write(f"exportkit: loaded in {time.monotonic() - start:.1f} s\n")
    stream.flush()


__all__ = ["MIN_BYTES", "MIN_ITEMS", "Progress", "loading"]
