"""Fuzzing the loader: mutated scenario files give a run or exit 2 with one line, never a traceback.

Two mutators: bytes (flipped, inserted, deleted, in YAML and JSON text) and values (any part of the
parsed document replaced by an odd value: a bool, a huge or non-finite number, a mapping, a
list, a far-away time, a control character). Each example runs `exportkit run` in-process, so a
crash anywhere after loading fails too. Examples are bounded to keep the suite fast."""

from __future__ import annotations

import json
import os
from typing import Any

import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from exportkit.app.cli import main

from .test_hostile_input import GOOD

BASE: dict[str, Any] = yaml.safe_load(GOOD)
ODD = st.one_of(
    st.booleans(),
    st.none(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=6),
    st.sampled_from(["9999-12-31T23:59:59Z", "0001-01-01T00:00:00Z", "2025-03-03", "17:00", "\x00", "%"]),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
    st.lists(st.integers(), max_size=2),
)
SETTINGS = settings(
    max_examples=int(os.environ.get("EXPORTKIT_FUZZ_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            out += _paths(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out += _paths(value, (*here, i))
    return out


PATHS = _paths(BASE)[1:]


def _replace(doc: Any, path: tuple[Any, ...], value: Any) -> Any:
    doc = json.loads(json.dumps(doc))
    node = doc
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return doc


def _run_one(tmp_path: Any, capsys: Any, name: str, content: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    code = main(["run", str(path), "--no-progress"])
    out, err = capsys.readouterr()
    if code == 2:
        assert out == "" and err.count("\n") == 1 and err.startswith(f"exportkit: {path}"), err
    else:
        assert code == 0, err
        assert "Traceback" not in err


@SETTINGS
@given(data=st.data())
def test_mutated_bytes_never_crash(tmp_path, capsys, data):
    as_json = data.draw(st.booleans(), label="json")
    text = (json.dumps(BASE, indent=1) if as_json else GOOD).encode("utf-8")
    for _ in range(data.draw(st.integers(1, 4), label="mutations")):
        i = data.draw(st.integers(0, len(text)), label="at")
        action = data.draw(st.sampled_from(["flip", "insert", "delete"]), label="action")
        byte = bytes([data.draw(st.integers(0, 255), label="byte")])
        if action == "flip":
            text = text[:i] + byte + text[i + 1 :]
        elif action == "insert":
            text = text[:i] + byte + text[i:]
        else:
            text = text[:i] + text[i + 1 :]
    _run_one(tmp_path, capsys, "s.json" if as_json else "s.yaml", text)


@SETTINGS
@given(path=st.sampled_from(PATHS), value=ODD, as_json=st.booleans())
# found by this test: an unknown key that is a newline broke the one-line message
@example(path=("destinations", 1, "segments", 0, "schedule"), value={"\n": 0}, as_json=False)
def test_mutated_values_never_crash(tmp_path, capsys, path, value, as_json):
    doc = _replace(BASE, path, value)
    if as_json:
        content = json.dumps(doc).encode("utf-8")  # NaN and Infinity: non-strict JSON, refused
    else:
        content = yaml.safe_dump(doc, allow_unicode=True).encode("utf-8")
    _run_one(tmp_path, capsys, "s.json" if as_json else "s.yaml", content)
