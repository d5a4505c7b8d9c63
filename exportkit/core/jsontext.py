"""JSON text written as it is made: the characters of `json.dumps(value, indent=2,
ensure_ascii=False)`, without ever holding the whole text or every element of a large array.

`json.dumps` needs the whole value, then builds the whole text (with `indent`, through the
pure-Python encoder: millions of small strings for a file of 100,000 rows). `JsonText` writes the
same characters to a stream in chunks, and an `Items` array is written element by element, each
element made only when it is written: a step's file of 100,000 rows is never in memory as
dictionaries or as text, only the file itself is.

The output contract is the byte-for-byte identity with `json.dumps(..., indent=2,
ensure_ascii=False)`; `tests/test_jsontext.py` checks it on generated values.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

_string = json.encoder.encode_basestring  # what json.dumps uses with ensure_ascii=False (C)
_INF = float("inf")
_NOTHING = object()
CHUNK = 1 << 16
"""Characters gathered before one write to the stream."""


class Items:
    """A JSON array whose elements are made one at a time, as they are written (read once)."""

    __slots__ = ("_source",)

    def __init__(self, source: Iterable[Any]):
        self._source = source

    def __iter__(self) -> Iterator[Any]:
        return iter(self._source)


def _float(value: float) -> str:
    # json.encoder's floatstr, with allow_nan=True as json.dumps has it
    if value != value:
        return "NaN"
    if value == _INF:
        return "Infinity"
    if value == -_INF:
        return "-Infinity"
    return float.__repr__(value)


def _scalar(value: Any) -> str | None:
    """The text of a JSON scalar, tested in json.encoder's order; None for anything else."""
    if isinstance(value, str):
        return _string(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return _float(value)
    return None


def _key(key: Any) -> str:
    if isinstance(key, str):
        return _string(key)
    if isinstance(key, float):
        return _string(_float(key))
    text = _scalar(key)
    if text is None:
        raise TypeError(f"keys must be str, int, float, bool or None, not {key.__class__.__name__}")
    return _string(text)


class JsonText:
    """Writes JSON values to `write` (a stream's `write`) in chunks of about `CHUNK` characters.

    `value(v, level)` writes `v` as `json.dumps(v, indent=2, ensure_ascii=False)` would, its lines
    after the first indented by `level` steps of two spaces (for a value inside a document that is
    written part by part); `raw(text)` writes text as it is. Call `flush()` at the end."""

    def __init__(self, write: Callable[[str], Any], chunk: int = CHUNK):
        self._write = write
        self._parts: list[str] = []
        self._size = 0
        self._chunk = chunk
        self._newlines: list[str] = []

    def raw(self, text: str) -> None:
        self._parts.append(text)
        self._size += len(text)
        if self._size >= self._chunk:
            self.flush()

    def flush(self) -> None:
        if self._parts:
            self._write("".join(self._parts))
            self._parts.clear()
            self._size = 0

    def value(self, value: Any, level: int = 0) -> None:
        self._value(value, level)
        if self._size >= self._chunk:
            self.flush()

    def _newline(self, level: int) -> str:
        while len(self._newlines) <= level:
            self._newlines.append("\n" + "  " * len(self._newlines))
        return self._newlines[level]

    def _value(self, value: Any, level: int) -> None:
        text = _scalar(value)
        if text is not None:
            self._parts.append(text)
            self._size += len(text)
        elif isinstance(value, dict):
            self._object(value, level)
        elif isinstance(value, list | tuple | Items):
            self._array(value, level)
        else:
            raise TypeError(f"Object of type {value.__class__.__name__} is not JSON serializable")

    def _object(self, value: dict[Any, Any], level: int) -> None:
        if not value:
            self._parts.append("{}")
            self._size += 2
            return
        inner = self._newline(level + 1)
        lead = "{" + inner
        parts = self._parts
        for key, item in value.items():
            text = _scalar(item)
            if text is not None:  # most values: one part for the key and its value
                piece = lead + _key(key) + ": " + text
                parts.append(piece)
                self._size += len(piece)
            else:
                piece = lead + _key(key) + ": "
                parts.append(piece)
                self._size += len(piece)
                self._value(item, level + 1)
            lead = "," + inner
        parts.append(self._newline(level) + "}")
        self._size += 2 * level + 2

    def _array(self, value: Iterable[Any], level: int) -> None:
        elements = iter(value)
        first = next(elements, _NOTHING)
        if first is _NOTHING:
            self._parts.append("[]")
            self._size += 2
            return
        inner = self._newline(level + 1)
        self.raw("[" + inner)
        self._value(first, level + 1)
        lead = "," + inner
        for element in elements:
            self._parts.append(lead)
            self._size += len(lead)
            self._value(element, level + 1)
            if self._size >= self._chunk:  # a long array goes out as it is made
                self.flush()
        self._parts.append(self._newline(level) + "]")
        self._size += 2 * level + 2


def dumps(value: Any) -> str:
    """The whole text at once, as `json.dumps(value, indent=2, ensure_ascii=False)` (for tests)."""
    parts: list[str] = []
    text = JsonText(parts.append)
    text.value(value)
    text.flush()
    return "".join(parts)


__all__ = ["CHUNK", "Items", "JsonText", "dumps"]
