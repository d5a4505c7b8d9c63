"""Where `exportkit run` writes: colour and layout with rich on a terminal, plain text in a pipe.

The words come from the core (`narrate`, `summary`) as rich `Text` lines already wrapped to a width;
this module only picks the width and, on a terminal, shows them through `text.layout.THEME`. Plain text goes
to a pipe, to a file, to a terminal that says `TERM=dumb`, and wherever `NO_COLOR` is set.
"""

from __future__ import annotations

import os
import shutil
import sys
from typing import Any, TextIO

from rich.text import Text

from ..text.layout import THEME

PIPE_WIDTH = 120  # the width of text that is not going to a terminal


def wants_colour(stream: TextIO) -> bool:
    """Colour only on a terminal that is not `dumb`, and never with `NO_COLOR` (no-color.org)."""
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return bool(getattr(stream, "isatty", lambda: False)())


def width_of(stream: TextIO) -> int:
    """The terminal's width on a terminal; 120 columns anywhere else."""
    if getattr(stream, "isatty", lambda: False)():
        return max(shutil.get_terminal_size((PIPE_WIDTH, 24)).columns, 40)
    return PIPE_WIDTH


class Output:
    """Writes `Text` lines: through rich with colours, or as plain text."""

    def __init__(self, stream: TextIO | None = None, *, colour: bool | None = None, width: int | None = None):
        self._given = stream
        self.colour = wants_colour(self.stream) if colour is None else colour
        self.width = width or width_of(self.stream)
        self._console: Any = None
        if self.colour:
            from rich.console import Console  # only on a terminal: pipes never pay for rich

            # file=None: rich writes to whatever sys.stdout is at the time, so a progress bar
            # on stderr can keep the timeline above it
            self._console = Console(
                file=self._given,
                width=self.width,
                highlight=False,
                soft_wrap=True,
                theme=THEME,
            )

    @property
    def stream(self) -> TextIO:
        # stdout as it is now: a progress bar on stderr may have routed it above the bar
        return self._given or sys.stdout

    def lines(self, lines: list[Text]) -> None:
        if self._console is None:
            if lines:
                self.stream.write("\n".join(line.plain for line in lines) + "\n")
            return
        for line in lines:
            self._console.print(line)

    def table(self, title: str, columns: list[str], rows: list[list[str]], right: set[int]) -> None:
        """A table: rich's on a terminal, aligned plain columns elsewhere."""
        if self._console is None:
            self.stream.write("\n".join(plain_table(title, columns, rows, right, self.width)) + "\n")
            return
        from rich.table import Table

        table = Table(title=title, title_justify="left", title_style="bold", header_style="bold")
        for i, column in enumerate(columns):
            table.add_column(column, justify="right" if i in right else "left")
        for row in rows:
            table.add_row(*row)
        self._console.print(table)


def plain_table(
    title: str, columns: list[str], rows: list[list[str]], right: set[int], width: int = PIPE_WIDTH
) -> list[str]:
    """Aligned columns; a row wider than `width` has its last cell cut, with an ellipsis."""
    widths = [max(len(c), *(len(r[i]) for r in rows)) if rows else len(c) for i, c in enumerate(columns)]

    def fmt(cells: list[str]) -> str:
        pairs = zip(cells, widths, strict=True)
        text = "  ".join((c.rjust(w) if i in right else c.ljust(w)) for i, (c, w) in enumerate(pairs))
        text = text.rstrip()
        return text if len(text) <= width else text[: width - 1].rstrip() + "…"

    return [title, fmt(columns), *(fmt(r) for r in rows)]


__all__ = ["Output", "plain_table", "wants_colour", "width_of"]
