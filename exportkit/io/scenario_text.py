"""A scenario file's bytes to plain data: what the loader validates, and where each part was.

Only regular files are read (a FIFO would block, `/dev/zero` never ends), up to `MAX_BYTES`;
the text must be UTF-8 without NUL bytes. YAML is read with libyaml's C parser where PyYAML has
it, JSON with the standard library's C scanner. Both refuse a key given twice in one mapping
(YAML and JSON parsers otherwise keep the last one silently, and a second `destinations:` would
make two destinations vanish) and JSON refuses NaN and infinite numbers (strict JSON, RFC 8259).

The YAML reader records the line of every mapping value and sequence item as it builds them
(`Lines`), so an error's line is looked up, not found by parsing the text again. JSON has no such
hook: its line is found by skipping, with the C scanner, the values before the place of the
error, and only when there is an error.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
from pathlib import Path
from typing import Any

import yaml

MAX_BYTES = 256 * 1024 * 1024
"""The largest scenario file read (256 MB: a few million events, several GB once loaded)."""

_YAML_BASE: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_MERGE = "tag:yaml.org,2002:merge"
_BOMS = {
    b"\xff\xfe\x00\x00": "UTF-32",
    b"\x00\x00\xfe\xff": "UTF-32",
    b"\xff\xfe": "UTF-16",
    b"\xfe\xff": "UTF-16",
}


class TextProblem(Exception):
    """The file cannot be read as a scenario text; `line` when one can be named."""

    def __init__(self, problem: str, line: int | None = None):
        super().__init__(problem)
        self.problem, self.line = problem, line


class FileError(Exception):
    """A file that cannot be used, with where and why: `source:line: place: problem`."""

    def __init__(self, source: str, place: str, problem: str, line: int | None = None):
        self.source, self.place, self.problem, self.line = source, place, problem, line
        where = f"{source}:{line}" if line else source
        super().__init__(f"{where}: {place}: {problem}" if place else f"{where}: {problem}")


class LocatedProblem(Exception):
    """A problem at `loc` (the keys and indexes down to it) in a file's data, raised before the
    file is named; its reader makes it a `FileError` with the file's name and line."""

    def __init__(self, loc: tuple[Any, ...], problem: str):
        super().__init__(problem)
        self.loc, self.problem = loc, problem


Lines = dict[int, Any]
"""`id()` of each mapping or list built from YAML -> the lines of its values (a dict keyed like the
mapping, or a list parallel to the list)."""


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file of at most `MAX_BYTES`; anything else is a `TextProblem`."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError as err:
        raise TextProblem(f"cannot be read ({err.strerror or err})") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise TextProblem(
                f"is not a regular file (it is {_file_kind(info.st_mode)}); give a scenario file"
            )
        if info.st_size > MAX_BYTES:
            raise TextProblem(
                f"is {info.st_size / 2**20:,.0f} MB; exportkit reads scenario files of at most "
                f"{MAX_BYTES // 2**20} MB"
            )
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(MAX_BYTES + 1)
    except OSError as err:
        raise TextProblem(f"cannot be read ({err.strerror or err})") from None
    finally:
        os.close(fd)
    if len(data) > MAX_BYTES:  # grew while being read
        raise TextProblem(f"is larger than {MAX_BYTES // 2**20} MB, the most exportkit reads")
    return data


def _file_kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def decode(data: bytes) -> str:
    """UTF-8 text (an optional byte order mark dropped), or a `TextProblem` at the first bad byte."""
    for bom, name in _BOMS.items():
        if data.startswith(bom):
            raise TextProblem(f"is {name} text; save it as UTF-8", 1)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        if b"\x00" in data[: err.start + 1]:
            raise TextProblem("is a binary file, not a YAML or JSON text", line) from None
        raise TextProblem(
            f"is not UTF-8 text (byte 0x{data[err.start]:02x}); save it as UTF-8", line
        ) from None
    return screen_text(text)


def screen_text(text: str) -> str:
    """`text` itself if exportkit reads it (an upload, a widget, a decoded file): at most
    `MAX_BYTES`, no NUL character; else a `TextProblem`."""
    if len(text) > MAX_BYTES:
        raise TextProblem(f"is larger than {MAX_BYTES // 2**20} MB, the most exportkit reads")
    nul = text.find("\x00")
    if nul >= 0:
        raise TextProblem(
            "holds a NUL character: a binary file, not a YAML or JSON text", _line_at(text, nul)
        )
    return text


def _line_at(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


# --- YAML -------------------------------------------------------------------------------------


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
MAX_NODES_PER_BYTE = 2
"""Aliases may repeat a part of the document, but the whole may not grow past this many values
per byte of text (a few aliases are fine; a "billion laughs" file is refused)."""


class _Builder:
    """Plain data from a composed YAML document, faster than PyYAML's generic constructor.

    PyYAML's C parser composes the nodes; this turns them into dicts, lists and scalars in one
    recursive walk (scalars through PyYAML's safe constructors, so `17:00`, dates and `yes` read
    as they always did), refuses a key given twice, and records each value's line in `lines`."""

    def __init__(self, loader: Any, text_length: int):
        self.loader = loader
        self.scalars = loader.yaml_constructors
        self.lines: Lines = {}
        self.budget = MAX_NODES_PER_BYTE * text_length + 1000

    def build(self, node: yaml.Node) -> Any:
        self.budget -= 1
        if self.budget < 0:
            raise TextProblem("repeats its aliases (*name) into far more values than the file holds")
        tag = node.tag
        if type(node) is yaml.ScalarNode:
            if tag == _STR:
                return node.value
            constructor = self.scalars.get(tag)
            if constructor is None:
                raise TextProblem(f"the tag {tag} cannot be used in a scenario", node.start_mark.line + 1)
            return constructor(self.loader, node)
        if type(node) is yaml.SequenceNode and tag == _SEQ:
            build = self.build
            items = [build(child) for child in node.value]
            self.lines[id(items)] = [child.start_mark.line + 1 for child in node.value]
            return items
        if type(node) is yaml.MappingNode and tag == _MAP:
            return self._mapping(node)
        raise TextProblem(f"the tag {tag} cannot be used in a scenario", node.start_mark.line + 1)

    def _mapping(self, node: yaml.MappingNode) -> dict[Any, Any]:
        explicit = len(node.value)
        if any(key.tag == _MERGE for key, _ in node.value):
            explicit -= sum(1 for key, _ in node.value if key.tag == _MERGE)
            self.loader.flatten_mapping(node)  # merged pairs come first; explicit keys override them
        merged = len(node.value) - explicit
        data: dict[Any, Any] = {}
        lines: dict[Any, int] = {}
        for i, (key_node, value_node) in enumerate(node.value):
            key = self.build(key_node)
            try:
                known = key in data
            except TypeError:
                raise TextProblem(
                    "a mapping key must be a single value", key_node.start_mark.line + 1
                ) from None
            if known and i >= merged and lines[key] > 0:
                raise TextProblem(
                    f"the key {key!r} is given twice in one mapping; keep one",
                    key_node.start_mark.line + 1,
                )
            data[key] = self.build(value_node)
            line = value_node.start_mark.line + 1
            lines[key] = line if i >= merged else -line
        self.lines[id(data)] = {k: abs(v) for k, v in lines.items()} if merged else lines
        return data


def parse_yaml(text: str) -> tuple[Any, Lines]:
    """The document and its `Lines`; a `TextProblem` for invalid YAML or a duplicate key."""
    loader = _YAML_BASE(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, {}
        builder = _Builder(loader, len(text))
        return builder.build(node), builder.lines
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        problem = getattr(err, "problem", None) or str(err).splitlines()[0]
        raise TextProblem(f"is not valid YAML: {problem}", mark.line + 1 if mark else None) from None
    except RecursionError:
        raise TextProblem("is nested too deeply to be a scenario") from None
    except ValueError as err:  # an integer of thousands of digits, a bad timestamp
        raise TextProblem(f"is not valid YAML: {err}") from None
    finally:
        loader.dispose()


def yaml_line(data: Any, lines: Lines, loc: tuple[Any, ...]) -> int | None:
    """The line of the value at `loc`, or of its nearest ancestor whose line is known."""
    line: int | None = 1
    node = data
    for part in loc:
        table = lines.get(id(node))
        if isinstance(node, dict) and isinstance(table, dict) and part in node:
            line, node = table.get(part, line), node[part]
        elif isinstance(node, dict) and isinstance(table, dict) and str(part) in node:
            line, node = table.get(str(part), line), node[str(part)]
        elif isinstance(node, list) and isinstance(table, list) and isinstance(part, int):
            if not 0 <= part < len(node):
                break
            line, node = table[part], node[part]
        else:
            break
    return line


# --- JSON -------------------------------------------------------------------------------------


class _Duplicate(Exception):
    def __init__(self, key: str):
        super().__init__(key)
        self.key = key


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    data = dict(pairs)
    if len(data) != len(pairs):
        seen: set[str] = set()
        for key, _ in pairs:
            if key in seen:
                raise _Duplicate(key)
            seen.add(key)
    return data


def _constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON number; strict JSON has no NaN or Infinity")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is too large for a number")
    return value


def parse_json(text: str) -> Any:
    """The document; a `TextProblem` for invalid JSON, a duplicate key or a non-finite number.

    `json` with a check of every mapping for keys given twice (`_pairs`), of every number for
    strict JSON, and a worded message with its line for each refusal."""
    try:
        return json.loads(text, object_pairs_hook=_pairs, parse_constant=_constant, parse_float=_finite)
    except json.JSONDecodeError as err:
        raise TextProblem(f"is not valid JSON: {err.msg}", err.lineno) from None
    except _Duplicate as dup:
        line, place = _json_duplicate(text, dup.key)
        where = f"{place}: " if place else ""
        raise TextProblem(
            f"{where}the key {dup.key!r} is given twice in one mapping; keep one", line
        ) from None
    except RecursionError:
        raise TextProblem("is nested too deeply to be a scenario") from None
    except ValueError as err:  # NaN, Infinity, 1e999, an integer of thousands of digits
        raise TextProblem(f"is not strict JSON: {err}") from None


_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],:]')


def _json_duplicate(text: str, key: str) -> tuple[int | None, str]:
    """Where the first duplicate key is: a token scan, run only to report that error."""
    stack: list[list[Any]] = []  # [kind, keys seen or index, current key]
    expect_key = False
    for match in _TOKEN.finditer(text):
        token = match.group()
        if token in "{[":
            stack.append(["{", set(), None] if token == "{" else ["[", 0, None])
            expect_key = token == "{"
        elif token in "}]":
            stack.pop() if stack else None
            expect_key = False
        elif token == ",":
            if stack and stack[-1][0] == "[":
                stack[-1][1] += 1
            expect_key = bool(stack) and stack[-1][0] == "{"
        elif token == ":":
            expect_key = False
        elif expect_key and stack:
            name = json.loads(token)
            if name in stack[-1][1]:
                return _line_at(text, match.start()), _json_place(stack[:-1])
            stack[-1][1].add(name)
            stack[-1][2] = name
    return None, ""


def _json_place(stack: list[list[Any]]) -> str:
    out = ""
    for kind, index, key in stack:
        if kind == "[":
            out += f"[{index}]"
        elif key is not None:
            out += f".{key}" if out else str(key)
    return out


_SPACE = re.compile(r"[ \t\n\r]*")


def json_line(text: str, loc: tuple[Any, ...]) -> int | None:
    """The line of the value at `loc`: the values before it are skipped with the C scanner."""
    decoder = json.JSONDecoder()
    pos = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    try:
        for part in loc:
            found = _json_child(text, pos, part, decoder)
            if found is None:
                break
            pos = found
    except (ValueError, IndexError, RecursionError):
        pass
    return _line_at(text, pos)


def _json_child(text: str, pos: int, part: Any, decoder: json.JSONDecoder) -> int | None:
    opening = text[pos]
    if opening not in "{[" or (opening == "[" and not isinstance(part, int)):
        return None
    pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
    index = 0
    while text[pos] not in "}]":
        if opening == "{":
            name, pos = json.decoder.scanstring(text, pos + 1)  # type: ignore[attr-defined]
            pos = _SPACE.match(text, pos).end() + 1  # type: ignore[union-attr]  # the colon
            pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
            if name == str(part):
                return int(pos)
        elif index == part:
            return pos
        _, pos = decoder.raw_decode(text, pos)
        pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
        if text[pos] == ",":
            pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
        index += 1
    return None


__all__ = [
    "MAX_BYTES",
    "Lines",
    "TextProblem",
    "decode",
    "json_line",
    "parse_json",
    "parse_yaml",
    "read_bytes",
    "screen_text",
    "yaml_line",
]
