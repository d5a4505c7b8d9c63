"""rich `Text` laid out to a width: wrapped at a hanging indent, or clipped at a clause.

A line is a `Text` whose spans carry the names of what they are (`exported`, `rule`, `time` ...),
never colours: `THEME` maps the names to colours on a terminal, and a pipe prints `Text.plain`, so
the words are the same with and without colour. rich wraps too, but without a hanging indent and
not within the 120 columns the golden files hold, so the timeline breaks its own lines here.
"""

from __future__ import annotations

import re

from rich.text import Text
from rich.theme import Theme

THEME = Theme(
    {
        "heading": "bold",  # a step or block heading
        "time": "cyan",
        "event": "bold",  # the event in words
        "exported": "bold green",
        "not-exported": "yellow",
        "destination": "blue",
        "rule": "dim",  # a rule id
        "detail": "dim",  # payloads, field notes, buffers: the verbose layer
        "file": "magenta",
        "message": "magenta",
        "waiting": "italic",
    }
)
_WORD = re.compile(r"[^ ]+")


def wrap(line: Text, width: int, hang: int | None = None) -> list[Text]:
    """`line` broken at spaces into parts of at most `width` characters, styles kept.

    Continuation lines start at column `hang` (default: the line's own indent plus four), or at
    the indent plus four when `hang` would leave less than half the width for the text; a word
    longer than a line fills the line and goes on at the hang."""
    plain = line.plain
    words = [m.span() for m in _WORD.finditer(plain)]
    if not words:
        return [Text()]
    if len(plain.rstrip(" ")) <= width:
        return [line[: words[-1][1]]]
    indent = words[0][0]
    if hang is None or hang > width // 2:
        hang = min(indent + 4, width // 2)
    out: list[Text] = []
    current, col = Text(" " * indent), indent
    for i, (start, end) in enumerate(words):
        size, gap = end - start, start - words[i - 1][1] if i else 0
        if i and col + gap + size > width:
            out.append(current)
            current, col, gap = Text(" " * hang), hang, 0
        if col + gap + size <= width:
            current.append(" " * gap)
            current.append_text(line[start:end])
            col += gap + size
            continue
        at = start + max(width - col, 1)  # fill this line, then whole lines at the hang
        current.append_text(line[start:at])
        for piece in range(at, end, max(width - hang, 1)):
            out.append(current)
            current = Text(" " * hang) + line[piece : min(piece + max(width - hang, 1), end)]
        col = len(current)
    out.append(current)
    return out


def wrap_text(text: str, width: int = 100) -> str:
    """Plain `text` with each line wider than `width` broken at spaces (`wrap`), for a notebook's
    printed output: JupyterLab breaks a printed line wider than its output area anywhere, mid-word,
    and 100 characters fit its output area at 1366x768 with the file browser open.

    >>> print(wrap_text("  s3  noted  [B-T6] a change noted for the next incremental file", 40))
      s3  noted  [B-T6] a change noted for
          the next incremental file
    """
    return "\n".join(part.plain for line in text.split("\n") for part in wrap(Text(line), width))


def clip(line: Text, width: int) -> Text:
    """`line` cut to `width` characters, at a clause or word boundary, ending in an ellipsis.

    The compact timeline keeps one line per verdict; the whole reason is a `--verbose` away."""
    text = line.plain
    if len(text) <= width:
        return line
    room = width - 1
    # a rule id and the first words of its reason always stay in view
    rule_end = min((span.end for span in line.spans if span.style == "rule"), default=0)
    floor = max(room * 0.6, min(rule_end + 16, room))
    cut = max(text.rfind(sep, 0, room) for sep in ("; ", ": ", ", ", " ("))
    if cut < floor:
        cut = text.rfind(" ", 0, room)
    if cut <= 0:
        cut = room
    return line[:cut] + "…"


__all__ = ["THEME", "clip", "wrap", "wrap_text"]
