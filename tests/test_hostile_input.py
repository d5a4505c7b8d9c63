"""Hostile and broken scenario files: each refused with one line (file, line, place, problem).

One row per kind of bad input that used to crash, hang or be silently misread (issue 11). Large
or binary inputs are generated. The CLI turns every one into exit status 2 and no traceback
(checked for every row through `main`)."""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

import pytest

from exportkit.app.cli import main
from exportkit.io.loader import ScenarioError, load_scenario
from exportkit.io.scenario_text import MAX_BYTES

GOOD = textwrap.dedent("""\
    name: t
    start: '2025-03-03T09:00:00Z'
    segments:
      - {id: s1, name: One}
    profiles:
      - id: p
        identities: {email: [p@example.com]}
        attributes: {loyalty.tier: gold}
    destinations:
      - id: ent
        type: streaming-profile
        segments: [s1]
        attributes: [loyalty.tier]
      - id: files
        type: batch
        segments:
          - {id: s1, mode: full, schedule: {every: day, at: "17:00"}}
        attributes: [loyalty.tier]
    events:
      - {profile: p, qualify: s1}
      - {profile: p, set: {loyalty.tier: platinum}}
    """)


def _swap(old: str, new: str) -> str:
    assert old in GOOD, old
    return GOOD.replace(old, new, 1)


# (id, file name, content as text or bytes, words of the message, line or None)
CASES: list[tuple[str, str, str | bytes, str, int | None]] = [
    (
        "duplicate section in YAML",
        "s.yaml",
        GOOD + "destinations: []\n",
        "the key 'destinations' is given twice in one mapping; keep one",
        22,
    ),
    (
        "duplicate key in an event",
        "s.yaml",
        _swap("{profile: p, qualify: s1}", "{profile: p, qualify: s1, profile: q}"),
        "the key 'profile' is given twice",
        20,
    ),
    (
        "duplicate key in JSON",
        "s.json",
        '{"name": "t",\n "segments": [],\n "segments": []}',
        "the key 'segments' is given twice in one mapping",
        3,
    ),
    (
        "duplicate key deep in JSON",
        "s.json",
        '{"name": "t", "events": [\n{"profile": "p"},\n{"profile": "p", "exit": "s", "exit": "s"}]}',
        "events[1]: the key 'exit' is given twice",
        3,
    ),
    (
        "bool for an int",
        "s.yaml",
        _swap("  - id: files\n", "  - id: files\n    max_rows: true\n"),
        "destinations[1].max_rows: input should be a valid integer",
        15,
    ),
    (
        "string for a bool",
        "s.yaml",
        _swap("  - id: files\n", "  - id: files\n    include_status: 'yes'\n"),
        "destinations[1].include_status: input should be a valid boolean",
        15,
    ),
    (
        "mapping for an id",
        "s.yaml",
        _swap("{profile: p, qualify: s1}", "{profile: p, add_identity: {email: [{a: 1}]}}"),
        "events[0].add_identity.email[0]: must be an id (text), not a mapping",
        20,
    ),
    (
        "bool for an id",
        "s.yaml",
        _swap("{profile: p, qualify: s1}", "{profile: p, add_identity: {email: true}}"),
        "must be an id (text), not a boolean",
        20,
    ),
    (
        "year 9999",
        "s.yaml",
        _swap("'2025-03-03T09:00:00Z'", "'9999-12-31T23:59:59Z'"),
        "start: 9999-12-31T23:59:59Z is outside the times exportkit replays",
        2,
    ),
    (
        "year 1",
        "s.yaml",
        _swap("{profile: p, qualify: s1}", "{profile: p, qualify: s1, at: '0001-01-01T00:00:00Z'}"),
        "events[0].at: 0001-01-01T00:00:00Z is outside the times",
        20,
    ),
    (
        "once without a zone",
        "s.yaml",
        _swap('{every: day, at: "17:00"}', "{once: '2025-03-04T17:00:00'}"),
        "has no time zone",
        17,
    ),
    (
        "once as an unquoted date",
        "s.yaml",
        _swap('{every: day, at: "17:00"}', "{once: 2025-03-04}"),
        'is a date; once needs a time with its zone, in quotes, such as "2025-03-04T17:00:00Z"',
        17,
    ),
    (
        "once in the past",
        "s.yaml",
        _swap('{every: day, at: "17:00"}', "{once: '2024-01-01T00:00:00Z'}"),
        "destinations[1].segments[0].schedule.once: 2024-01-01T00:00:00Z is not after the scenario start",
        17,
    ),
    (
        "NUL in a file name template",
        "s.yaml",
        _swap("  - id: files\n", '  - id: files\n    file_name: "%DESTINATION%\\0%SEGMENT_ID%"\n'),
        "file_name a file name cannot contain control characters",
        None,
    ),
    (
        "absurd tick",
        "s.yaml",
        _swap("name: t\n", "name: t\ntick_seconds: 100000000000000\n"),
        "tick_seconds: must be a whole number of seconds from 1 to 604800",
        2,
    ),
    (
        "tick as a bool",
        "s.yaml",
        _swap("name: t\n", "name: t\ntick_seconds: true\n"),
        "tick_seconds: must be a whole number",
        2,
    ),
    (
        "a century between two events with a 3-hour schedule",
        "s.yaml",
        _swap(
            'mode: full, schedule: {every: day, at: "17:00"}', "mode: incremental, schedule: {every: 3h}"
        ).replace(
            "{profile: p, set: {loyalty.tier: platinum}}",
            "{profile: p, set: {loyalty.tier: platinum}, at: '2125-01-01T00:00:00Z'}",
        ),
        "events[1].at: about 291701 scheduled runs (files/s1)",
        21,
    ),
    (
        "a file split into too many parts",
        "s.yaml",
        _swap("name: t\n", "name: t\nlimits: {files_per_run: 1}\n")
        .replace("  - id: files\n", "  - id: files\n    max_rows: 1\n")
        .replace("profiles:\n", "profiles:\n  - {id: q}\n"),
        "destinations[1].max_rows: files of 1 rows split a file of all 2 profiles into 2 parts",
        None,
    ),
    (
        "NaN in JSON",
        "s.json",
        '{"name": "t", "profiles": [{"id": "p", "attributes": {"a.b": NaN}}]}',
        "is not strict JSON: NaN is not a JSON number",
        None,
    ),
    ("1e999 in JSON", "s.json", '{"name": 1e999}', "1e999 is too large for a number", None),
    ("huge integer in JSON", "s.json", '{"name": ' + "9" * 5000 + "}", "is not strict JSON", None),
    (
        "infinite attribute in YAML",
        "s.yaml",
        _swap("{loyalty.tier: platinum}", "{loyalty.points: .inf}"),
        "events[1].set.loyalty.points: inf is not a value an export can carry",
        21,
    ),
    (
        "NaN profile attribute in YAML",
        "s.yaml",
        _swap("{loyalty.tier: gold}", "{loyalty.tier: .nan}"),
        "nan is not a value an export can carry",
        8,
    ),
    (
        "Latin-1 text",
        "s.yaml",
        GOOD.replace("name: t", "name: caf\u00e9").encode("latin-1"),
        "is not UTF-8",
        1,
    ),
    ("UTF-16 text", "s.yaml", GOOD.encode("utf-16"), "is UTF-16 text; save it as UTF-8", 1),
    ("random bytes", "s.yaml", bytes(range(256)) * 4, "is a binary file", 2),
    ("a NUL in text", "s.yaml", GOOD.replace("events:", "events:\x00"), "holds a NUL character", 19),
    ("deep YAML", "s.yaml", "name: " + "[" * 5000 + "]" * 5000, "exceeded maximum nesting depth", 1),
    ("deep JSON", "s.json", '{"name": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply", None),
    (
        "billion laughs",
        "s.yaml",
        "a: &a [x, x, x, x, x, x, x, x, x]\n"
        + "".join(
            f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join(['*' + chr(97 + i)] * 9)}]\n" for i in range(8)
        ),
        "repeats its aliases",
        None,
    ),
    ("a Python tag", "s.yaml", "name: !!python/object:os.system [ls]\n", "cannot be used in a scenario", 1),
    ("an unhashable key", "s.yaml", "? [a, b]\n: 1\n", "a mapping key must be a single value", 1),
]


@pytest.mark.parametrize(
    ("name", "content", "words", "line"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_each_bad_input_is_one_line_at_its_place(tmp_path, capsys, name, content, words, line):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    text = str(caught.value)
    assert words in text, text
    assert "\n" not in text and text.startswith(str(path)), text
    if line is not None:
        assert caught.value.line == line, text
    assert main(["run", str(path)]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == f"exportkit: {text}\n"


def test_the_good_scenario_of_the_table_loads(tmp_path):
    path = tmp_path / "good.yaml"
    path.write_text(GOOD)
    assert len(load_scenario(path).events) == 2


def test_limits_can_be_raised_in_the_scenario(tmp_path):
    path = tmp_path / "s.yaml"
    far = "{profile: p, set: {loyalty.tier: platinum}, at: '2026-03-03T09:00:00Z'}"
    text = _swap("{profile: p, set: {loyalty.tier: platinum}}", far)
    path.write_text(
        text.replace("mode: full, schedule: {every: day", "mode: incremental, schedule: {every: 3h")
    )
    with pytest.raises(ScenarioError, match=r"limits: \{runs_between_events: 2920\}"):
        load_scenario(path)
    path.write_text(path.read_text().replace("name: t\n", "name: t\nlimits: {runs_between_events: 3000}\n"))
    assert load_scenario(path).limits.runs_between_events == 3000


def _sparse(path: Path) -> None:
    path.write_bytes(b"")
    os.truncate(path, MAX_BYTES + 1)  # sparse: nothing is written to disk


@pytest.mark.parametrize(
    ("make", "words"),
    [
        pytest.param(lambda p: os.mkfifo(p), "is not a regular file (it is a FIFO (named pipe))", id="fifo"),
        pytest.param(lambda p: p.mkdir(), "is not a regular file (it is a folder)", id="folder"),
        pytest.param(_sparse, "MB; exportkit reads", id="huge"),
    ],
)
def test_only_regular_files_of_bounded_size_are_read(tmp_path, make, words):
    path = tmp_path / "s.yaml"
    make(path)
    with pytest.raises(ScenarioError, match=r"s\.yaml: ") as caught:
        load_scenario(path)
    assert words in str(caught.value)


def test_a_device_is_not_read():
    with pytest.raises(ScenarioError, match="is not a regular file \\(it is a device\\)"):
        load_scenario("/dev/zero")


def test_json_lines_of_an_error_are_found_in_a_large_file(tmp_path):
    events = [{"profile": "p", "qualify": "s1"}] * 20_000 + [{"profile": "nobody", "qualify": "s1"}]
    doc = json.loads(json.dumps(yaml_good()))
    doc["events"] = events
    path = tmp_path / "s.json"
    path.write_text(json.dumps(doc, indent=1))
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    lines = path.read_text().splitlines()
    assert caught.value.place == "events[20000].profile"
    assert lines[caught.value.line - 1].strip() == '"profile": "nobody",'


def yaml_good() -> dict:
    import yaml

    return yaml.safe_load(GOOD)


def test_merge_keys_may_override_but_explicit_keys_not_twice(tmp_path):
    import yaml

    from exportkit.io.scenario_text import TextProblem, parse_yaml

    data, _ = parse_yaml("base: &b {a: 1, b: 2}\nx: {<<: *b, b: 3}\n")
    assert data["x"] == {"a": 1, "b": 3} == yaml.safe_load("base: &b {a: 1, b: 2}\nx: {<<: *b, b: 3}\n")["x"]
    with pytest.raises(TextProblem, match="given twice"):
        parse_yaml("x: {<<: {a: 1}, b: 3, b: 4}\n")


def test_yaml_reads_as_pyyaml_safe_load_does():
    import yaml

    from exportkit.io.scenario_text import parse_yaml

    text = "a: 17:00\nb: yes\nc: 2025-01-02\nd: [1, 2.5, ~, 'x']\ne: {f: g}\n"
    assert parse_yaml(text)[0] == yaml.safe_load(text)
    assert parse_yaml(GOOD)[0] == yaml.safe_load(GOOD)
