"""Text with named styles, wrapped to a width: what the timeline is made of.

A `Line` is a list of `(text, style)` spans. Styles are names of what a span *is* (`exported`,
`rule`, `time` ...), never colours: the command line maps them to colours on a terminal, and plain
output drops them, so the words are the same with and without colour and tests read plain text.
`wrap` breaks a line at spaces to a width, continuing at a hanging indent, so no line is longer
than the terminal (or 120 columns in a pipe).
"""

from __future__ import annotations

import re

Span = tuple[str, str]
Line = list[Span]

STYLES = (
    "",  # plain
    "heading",  # a step or block heading
    "time",
    "event",  # the event in words
    "exported",
    "not-exported",
    "destination",
    "rule",  # a rule id, dimmed on a terminal
    "detail",  # payloads, field notes, buffers: the verbose layer
    "file",
    "message",
    "waiting",
)

_RUNS = re.compile(r"( +)")


def plain(line: Line) -> str:
    return "".join(text for text, _ in line)


def _words(line: Line) -> list[tuple[int, Line]]:
    """The line as words, each with the number of spaces before it and its styled pieces."""
    words: list[tuple[int, Line]] = []
    spaces = 0
    current: Line = []
    for text, style in line:
        for run in _RUNS.split(text):
            if not run:
                continue
            if run[0] == " ":
                if current:
                    words.append((spaces, current))
                    current, spaces = [], 0
                spaces += len(run)
            else:
                current.append((run, style))
    if current:
        words.append((spaces, current))
    return words


def _chunks(word: Line, size: int) -> list[Line]:
    """A word too long for a line, cut into pieces of `size` characters, styles kept."""
    out: list[Line] = []
    rest = word
    while rest:
        head, rest = _split(rest, size)
        out.append(head)
    return out


def wrap(line: Line, width: int, hang: int | None = None) -> list[Line]:
    """Break `line` at spaces so that each part is at most `width` characters long.

    Continuation lines start at column `hang` (default: the line's own indent plus four), or at
    the indent plus four when `hang` would leave less than half the width for the text."""
    words = _words(line)
    if not words:
        return [[]]
    indent = words[0][0]
    if hang is None or hang > width // 2:
        hang = min(indent + 4, width // 2)
    out: list[Line] = []
    current: Line = [(" " * indent, "")] if indent else []
    col = indent
    first = True
    for spaces, word in words:
        size = sum(len(t) for t, _ in word)
        gap = 0 if first else spaces
        if first or col + gap + size <= width:
            if col + gap + size > width:  # a first word longer than the line
                current, col = _place_long(out, current, word, col, hang, width)
            else:
                if gap:
                    current.append((" " * gap, ""))
                current += word
                col += gap + size
            first = False
            continue
        out.append(current)
        current, col = [(" " * hang, "")] if hang else [], hang
        if hang + size > width:
            current, col = _place_long(out, current, word, col, hang, width)
        else:
            current += word
            col += size
    out.append(current)
    return out


def _place_long(
    out: list[Line], current: Line, word: Line, col: int, hang: int, width: int
) -> tuple[Line, int]:
    """Put a word longer than the room left: fill this line, then whole lines at `hang`."""
    room = max(width - col, 1)
    head, rest = _split(word, room)
    current += head
    for piece in _chunks(rest, max(width - hang, 1)) if rest else []:
        out.append(current)
        current = ([(" " * hang, "")] if hang else []) + piece
    col = sum(len(t) for t, _ in current)
    return current, col


def _split(word: Line, n: int) -> tuple[Line, Line]:
    head: Line = []
    rest: Line = []
    for text, style in word:
        if n <= 0:
            rest.append((text, style))
        elif len(text) <= n:
            head.append((text, style))
            n -= len(text)
        else:
            head.append((text[:n], style))
            rest.append((text[n:], style))
            n = 0
    return head, rest


def wrap_all(lines: list[tuple[Line, int | None]], width: int) -> list[Line]:
    return [part for line, hang in lines for part in wrap(line, width, hang)]


def clip(line: Line, width: int) -> Line:
    """`line` cut to `width` characters, at a clause or word boundary, ending in an ellipsis.

    The compact timeline keeps one line per verdict; the whole reason is a `--verbose` away."""
    text = plain(line)
    if len(text) <= width:
        return line
    room = width - 1
    # a rule id and the first words of its reason always stay in view
    at, rule_end = 0, 0
    for part, style in line:
        at += len(part)
        if style == "rule":
            rule_end = at
            break
    floor = max(room * 0.6, min(rule_end + 16, room))
    cut = max(text.rfind(sep, 0, room) for sep in ("; ", ": ", ", ", " ("))
    if cut < floor:
        cut = text.rfind(" ", 0, room)
    if cut <= 0:
        cut = room
    head, _ = _split(line, cut)
    return [*head, ("…", "")]


__all__ = ["STYLES", "Line", "Span", "clip", "plain", "wrap", "wrap_all"]
