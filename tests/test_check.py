"""`exportkit check`: each expectation form holds or fails with its own text, a failure reads in a
few lines (file:line, the event in words, expected, actual, the decision's rule and reason), exit
statuses 0 / 1 / 2, plain in a pipe and coloured on a terminal, `--json`."""

from __future__ import annotations

import io
import json
import textwrap
from pathlib import Path

import pytest
from rich.text import Text

from exportkit.app.check import write_lines
from exportkit.app.cli import main
from exportkit.check import FileCheck, ScenarioFile, failure_text
from exportkit.check.results import payload_value

SCENARIO = textwrap.dedent("""\
    name: orders
    start: '2025-03-03T09:00:00Z'
    segments: [{id: owners, name: Owners}, {id: fans, name: Fans}]
    profiles:
      - id: marty
        identities: {email: [m@x.com]}
        attributes: {person.name.firstName: Marty, person.name.lastName: McFly, loyalty.tier: gold}
    destinations:
      - {id: http-api, type: streaming-profile, segments: [owners], attributes: [loyalty.tier]}
      - id: adnet
        type: streaming-segment
        segments: [owners]
        identities: [email]
        attributes: [person.name.firstName]
        aggregation: {type: configurable, max_batch_age_seconds: 1800, max_events_in_batch: 1000}
      - id: s3
        type: batch
        segments: [{id: owners, mode: incremental}]
        attributes: [loyalty.tier]
    events:
      - profile: marty
        qualify: owners
        expect:
          EXPECT
      - {run: s3}
    """)


def write(tmp_path: Path, expect: str, name: str = "orders.scenario.yaml", tail: str = "") -> Path:
    path = tmp_path / name
    path.write_text(SCENARIO.replace("EXPECT", expect) + tail, encoding="utf-8")
    return path


def check(tmp_path: Path, expect: str, tail: str = "") -> FileCheck:
    return FileCheck.of(ScenarioFile.read(write(tmp_path, expect, tail=tail)))


# (id, the expectation, whether it holds, the mismatch lines it fails with)
FORMS = [
    ("verdict holds", "http-api: exported", True, []),
    ("verdict fails", "http-api: not exported", False, ["verdict: not exported", "verdict: exported"]),
    ("batch noted", "s3: noted", True, []),
    ("rule holds", "adnet: {verdict: exported, rule: S-T1}", True, []),
    ("rule fails", "adnet: {rule: S-T3}", False, ["rule: S-T3", "rule: S-T1"]),
    ("payload has", "adnet: {payload: {has: [segmentMembership.ups.owners, identityMap.email]}}", True, []),
    (
        "payload has fails",
        "adnet: {payload: {has: [person.name.lastName]}}",
        False,
        [
            "payload person.name.lastName: present",
            "payload person.name.lastName: absent (person.name holds firstName)",
        ],
    ),
    ("payload lacks", "adnet: {payload: {lacks: [person.name.lastName]}}", True, []),
    (
        "payload lacks fails",
        "adnet: {payload: {lacks: [identityMap.email]}}",
        False,
        ["payload identityMap.email: absent", 'payload identityMap.email: present: [{"id": "m@x.com"}]'],
    ),
    ("payload equals", "adnet: {payload: {equals: {segmentMembership.ups.owners.status: realized}}}",
     True, []),
    (
        "payload equals fails",
        "http-api: {payload: {equals: {loyalty.tier: silver}}}",
        False,
        ['payload loyalty.tier: "silver"', 'payload loyalty.tier: "gold"'],
    ),
    ("messages count", "http-api: {messages: 0}", True, []),
    ("messages count fails", "http-api: {messages: 2}", False, ["messages: 2", "messages: 0"]),
]  # fmt: skip


@pytest.mark.parametrize(("expect", "holds", "lines"), [f[1:] for f in FORMS], ids=[f[0] for f in FORMS])
def test_each_form_holds_or_fails_with_its_words(tmp_path, expect, holds, lines):
    result = check(tmp_path, expect)
    (expectation,) = result.results
    assert expectation.passed is holds
    text = failure_text(result, 0) if not holds else ""
    got = [
        line.split(None, 1)[1] for line in text.splitlines() if line.split()[:1] in (["expected"], ["actual"])
    ]
    assert got == lines


def test_files_at_a_run_and_messages_of_the_clock(tmp_path):
    run_expect = "\n".join(
        [
            "  - run: s3",
            "    expect:",
            "      s3: {files: [{segment: owners, mode: incremental, profiles: [marty], rows: 1}]}",
            "      adnet: {messages: [{profiles: [marty]}]}",
        ]
    )
    text = SCENARIO.replace("EXPECT", "http-api: exported").replace("  - {run: s3}", run_expect)
    text = text.replace("- {run: s3}", "- {run: s3}")
    path = tmp_path / "o.yaml"
    # the run comes an hour later: adnet's message left on the clock (window age, M2) before it
    path.write_text(
        text.replace("  - run: s3\n", "  - at: '2025-03-03T10:00:00Z'\n    run: s3\n"), encoding="utf-8"
    )
    result = FileCheck.of(ScenarioFile.read(path))
    assert [(o.name, o.passed) for o in result.results] == [
        ("step-1::http-api", True),
        ("step-2::s3", True),
        ("step-2::adnet", True),
    ]


def test_a_file_list_that_differs_says_both(tmp_path):
    text = SCENARIO.replace("EXPECT", "http-api: exported").replace(
        "  - {run: s3}", "  - run: s3\n    expect: {s3: {files: [{segment: owners, rows: 2}]}}"
    )
    path = tmp_path / "o.yaml"
    path.write_text(text, encoding="utf-8")
    result = FileCheck.of(ScenarioFile.read(path))
    assert failure_text(result, 1).splitlines()[2:4] == [
        "  expected  files: owners 2 rows",
        "  actual    files: owners incremental [marty] 1 row",
    ]


def test_expect_end(tmp_path):
    tail = "expect_end:\n  adnet: {messages: [{profiles: [marty]}]}\n  s3: {waiting: [{segment: owners}]}\n"
    result = check(tmp_path, "http-api: exported", tail)
    assert [(o.name, o.passed) for o in result.results] == [
        ("step-1::http-api", True),
        ("end::adnet", True),
        ("end::s3", True),
    ]
    failing = check(
        tmp_path, "http-api: exported", tail.replace("messages: [{profiles: [marty]}]", "messages: 0")
    )
    assert failure_text(failing, 1).splitlines()[2:4] == [
        "  expected  messages: 0",
        "  actual    messages: 1 ([marty])",
    ]


def test_a_failure_reads_in_a_few_lines(tmp_path):
    result = check(tmp_path, "adnet: {verdict: not exported}")
    assert failure_text(result, 0) == textwrap.dedent(f"""\
        {tmp_path}/orders.scenario.yaml:24: step 1, adnet: FAILED
          event     Marty McFly (marty) qualifies for Owners (2025-03-03T09:01:00Z)
          expected  verdict: not exported
          actual    verdict: exported
          decided   [S-T1] mapped segment owners: null -> realized""")


def test_exit_statuses_and_the_summary(tmp_path, capsys):
    good = write(tmp_path, "http-api: exported", "good.yaml")
    assert main(["check", str(good)]) == 0
    assert capsys.readouterr().out == "1 file, 1 expectation: 1 hold\n"
    bad = write(tmp_path, "http-api: not exported", "bad.yaml")
    assert main(["check", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert out.startswith(f"{bad}:24: step 1, http-api: FAILED\n")
    assert out.endswith("2 files, 2 expectations: 1 hold, 1 failed\n")
    broken = write(tmp_path, "http-api: exportd", "broken.yaml")
    assert main(["check", str(tmp_path)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (
        f"exportkit: {broken}:24: events[0].expect.http-api.verdict: unknown verdict 'exportd'; "
        "choose exported, not exported, noted or refused\n"
    )
    assert "3 files, 2 expectations: 1 hold, 1 failed, 1 could not be read (exit status 2)" in captured.out


def test_no_scenario_file_is_bad_input(tmp_path, capsys):
    assert main(["check", str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"exportkit: no scenario file under {tmp_path}\n"


def test_json(tmp_path, capsys):
    write(tmp_path, "http-api: exported\n      adnet: {rule: S-T3}")
    assert main(["check", str(tmp_path), "--json"]) == 1
    doc = json.loads(capsys.readouterr().out)
    assert (doc["expectations"], doc["failed"], doc["unreadable"]) == (2, 1, 0)
    first, second = doc["files"][0]["expectations"]
    assert first["name"] == "step-1::http-api" and first["passed"] is True and first["line"] == 24
    assert second["mismatches"] == [{"what": "rule", "expected": "S-T3", "actual": "S-T1"}]
    assert second["reasons"][0]["rule"] == "S-T1"


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_plain_in_a_pipe_coloured_on_a_terminal(monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    monkeypatch.setenv("TERM", "xterm-256color")
    lines = [Text.assemble(("a.yaml:3: ", "heading"), ("FAILED", "not-exported"))]
    pipe, tty = io.StringIO(), Terminal()
    write_lines(lines, pipe)
    write_lines(lines, tty)
    assert pipe.getvalue() == "a.yaml:3: FAILED\n"
    assert "\x1b[" in tty.getvalue() and "FAILED" in tty.getvalue()
    monkeypatch.setenv("NO_COLOR", "1")
    tty = Terminal()
    write_lines(lines, tty)
    assert tty.getvalue() == "a.yaml:3: FAILED\n"


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("segmentMembership.ups.city.dallas.status", "realized"),  # a segment id with a dot
        ("identityMap.email", [{"id": "m@x.com"}]),
        ("person.name", {"firstName": "Marty"}),
    ],
)
def test_payload_paths_follow_keys_that_hold_dots(path, value):
    payload = {
        "person": {"name": {"firstName": "Marty"}},
        "identityMap": {"email": [{"id": "m@x.com"}]},
        "segmentMembership": {"ups": {"city.dallas": {"status": "realized"}}},
    }
    assert payload_value(payload, path) == value


ROOT = Path(__file__).resolve().parent.parent


def test_the_bundled_datasets_hold_their_expectations(capsys):
    assert main(["check", str(ROOT / "datasets")]) == 0
    summary = capsys.readouterr().out.splitlines()[-1]
    assert summary.endswith("hold") and "failed" not in summary


def test_a_changed_mapping_fails_a_named_expectation(tmp_path, capsys):
    """The reference's case 7: a same-value overwrite is not an update for adnet (A3); a mapping
    that counts it fails the expectation that pins it, by name."""
    text = (ROOT / "datasets" / "delorean.yaml").read_text(encoding="utf-8")
    changed = text.replace(
        "    consent_enforcement: true\n",
        "    consent_enforcement: true\n    same_value_overwrite_triggers: true\n",
    )
    assert changed != text
    path = tmp_path / "delorean.yaml"
    path.write_text(changed, encoding="utf-8")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert "step 3, adnet: FAILED" in out
    assert "  expected  verdict: not exported\n  actual    verdict: exported\n" in out


def test_the_nbval_sanitizer_file_replaces_only_what_varies():
    import configparser
    import re

    parser = configparser.ConfigParser()
    parser.read(ROOT / "exportkit" / "check" / "nbval_sanitize.cfg", encoding="utf-8")
    text = (
        "run 3f2b6c1e-9d4a-4e5b-8c7d-0123456789ab at 2025-03-03T09:01:00Z on 127.0.0.1:8123, 0.25 s elapsed"
    )
    for section in parser.sections():
        text = re.sub(parser[section]["regex"], parser[section]["replace"], text)
    assert text == "run <UUID> at 2025-03-03T09:01:00Z on 127.0.0.1:<PORT>, <DURATION>"
