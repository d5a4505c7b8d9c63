"""Bad scenario files: one short message naming the file, the line, the place and the problem."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from exportkit import ScenarioError, load_scenario, parse_scenario

GOOD = textwrap.dedent("""\
    name: t
    segments:
      - {id: s1, name: One}
      - {id: u1, name: Unmapped}
    profiles:
      - id: p
        identities: {email: [p@example.com]}
        attributes: {loyalty.tier: gold}
        segments: {u1: existing}
    destinations:
      - id: ent
        type: streaming-profile
        segments: [s1]
        attributes: [loyalty.tier]
      - id: adnet
        type: streaming-segment
        segments: [s1]
        identities: [email]
    events:
      - {profile: p, qualify: s1}
      - {profile: p, set: {loyalty.tier: platinum}}
    """)

# (id, text replaced, replacement, expected message, expected line)
BAD = [
    ("syntax error", "  - {id: s1, name: One}", "  - {id: s1, name: One", "is not valid YAML", None),
    ("not a mapping", GOOD, "- just\n- a list\n", "the document must be a mapping", None),
    ("missing section", "destinations:", "dest:", "the required key 'destinations' is missing", None),
    (
        "unknown profile in an event",
        "{profile: p, qualify: s1}",
        "{profile: doc, qualify: s1}",
        "events[0].profile: unknown profile 'doc'",
        20,
    ),
    (
        "unknown segment in an event",
        "{profile: p, qualify: s1}",
        "{profile: p, qualify: s9}",
        "events[0].qualify: unknown segment 's9'",
        20,
    ),
    (
        "two actions in one event",
        "{profile: p, qualify: s1}",
        "{profile: p, qualify: s1, exit: s1}",
        "events[0]: an event needs exactly one action, found 'qualify' and 'exit'",
        20,
    ),
    (
        "no action",
        "{profile: p, qualify: s1}",
        "{profile: p}",
        "events[0]: an event needs exactly one action, found none",
        20,
    ),
    (
        "unknown event key",
        "{profile: p, qualify: s1}",
        "{profile: p, qualfy: s1}",
        "events[0].qualfy: unknown key 'qualfy'",
        20,
    ),
    (
        "profile event without profile",
        "{profile: p, qualify: s1}",
        "{qualify: s1}",
        "a qualify event needs a profile",
        20,
    ),
    (
        "wrong type for set",
        "{loyalty.tier: platinum}",
        "[platinum]",
        "events[1].set: must be a non-empty mapping",
        21,
    ),
    ("bad XDM path", "{loyalty.tier: platinum}", "{loyalty..tier: platinum}", "is not a dotted XDM path", 21),
    (
        "XDM path ending in a newline",
        "{loyalty.tier: platinum}",
        '{"loyalty.tier\\n": platinum}',
        "is not a dotted XDM path",
        21,
    ),
    (
        "nested value",
        "{loyalty.tier: platinum}",
        "{loyalty.tier: {a: 1}}",
        "must be a single value, not a mapping",
        21,
    ),
    (
        "bad consent",
        "{profile: p, qualify: s1}",
        "{profile: p, consent: maybe}",
        "events[0].consent: must be in or out, not 'maybe'",
        20,
    ),
    (
        "events out of order",
        "{profile: p, qualify: s1}",
        "{profile: p, qualify: s1, at: '2025-01-02T00:00:00Z'}\n"
        "  - {profile: p, exit: s1, at: '2025-01-01T00:00:00Z'}",
        "events[1].at: 2025-01-01T00:00:00Z is before the previous event",
        21,
    ),
    (
        "bad time",
        "{profile: p, qualify: s1}",
        "{profile: p, qualify: s1, at: yesterday}",
        "'yesterday' is not an ISO 8601 time",
        20,
    ),
    (
        "duplicate segment id",
        "  - {id: u1, name: Unmapped}",
        "  - {id: s1, name: Again}",
        "segments[1].id: duplicate id 's1'",
        4,
    ),
    (
        "duplicate profile id",
        "profiles:\n  - id: p",
        "profiles:\n  - id: q\n  - id: p\n  - id: q",
        "profiles[2].id: duplicate id 'q'",
        8,
    ),
    (
        "unknown segment in a profile",
        "segments: {u1: existing}",
        "segments: {u9: existing}",
        "profiles[0].segments.u9: unknown segment 'u9'",
        9,
    ),
    (
        "bad status",
        "segments: {u1: existing}",
        "segments: {u1: member}",
        "profiles[0].segments.u1: input should be 'realized', 'existing' or 'exited'",
        9,
    ),
    (
        "unknown destination type",
        "type: streaming-profile",
        "type: carrier-pigeon",
        "destinations[0].type",
        12,
    ),
    (
        "unknown segment in a destination",
        "segments: [s1]\n    attributes",
        "segments: [s9]\n    attributes",
        "destinations[0].segments[0]: unknown segment 's9'",
        13,
    ),
    (
        "unknown key in a destination",
        "identities: [email]",
        "identities: [email]\n    colour: red",
        "destinations[1].colour: unknown key",
        19,
    ),
    (
        "wrong type for a list",
        "identities: [email]",
        "identities: email",
        "destinations[1].identities: must be a list, such as [a, b], not a string",
        18,
    ),
    (
        "duplicate mapped attribute",
        "attributes: [loyalty.tier]",
        "attributes: [loyalty.tier, loyalty.tier]",
        "entry 'loyalty.tier' is listed twice",
        14,
    ),
    (
        "no mapped segment",
        "segments: [s1]\n    identities",
        "segments: []\n    identities",
        "destinations[1].segments",
        17,
    ),
    (
        "flush on an unknown destination",
        "{profile: p, qualify: s1}",
        "{flush: nowhere}",
        "events[0].flush: unknown destination 'nowhere'",
        20,
    ),
    (
        "run on a streaming destination",
        "{profile: p, qualify: s1}",
        "{run: ent}",
        "events[0].run: 'ent' is not a batch destination",
        20,
    ),
    (
        "destination event with a profile",
        "{profile: p, qualify: s1}",
        "{profile: p, flush: ent}",
        "events[0].profile: a flush event does not take a profile",
        20,
    ),
    (
        "batch age under the seed minimum",
        "identities: [email]",
        "identities: [email]\n    aggregation: {type: configurable, max_batch_age_seconds: 600}",
        "max_batch_age_seconds: 600 is outside 1800-3600 seconds, the range of the seed rules (M5)",
        19,
    ),
    (
        "batch age under the current minimum",
        "    identities: [email]\nevents:",
        "    identities: [email]\n    aggregation: {type: configurable, max_batch_age_seconds: 300}\n"
        "rules: current\nevents:",
        "max_batch_age_seconds: 300 is outside 301-3600 seconds, the range of the current rules (M5); "
        "300 s is Facebook's own window, which a destination given no aggregation uses (M2, A14), but a "
        "configurable aggregation may set no less than 301 s",
        19,
    ),
    (
        "events in a batch over the maximum",
        "identities: [email]",
        "identities: [email]\n    aggregation: {type: configurable, max_events_in_batch: 20000}",
        "max_events_in_batch: 20000 is outside 1000-10000 (M5)",
        19,
    ),
    ("tick of zero seconds", "name: t\n", "name: t\ntick_seconds: 0\n", "tick_seconds: must be a whole", 2),
    ("tick as a boolean", "name: t\n", "name: t\ntick_seconds: true\n", "not True", 2),
    (
        "unknown rule set",
        "name: t",
        "name: t\nrules: newest",
        "rules: unknown rule set 'newest'; choose seed, current or latest",
        2,
    ),
    ("bad id", "- id: p\n", "- id: 'p q'\n", "profiles[0].id: 'p q' is not a valid id", 6),
]


def _bad(tmp_path: Path, old: str, new: str) -> Path:
    assert old in GOOD, old
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD.replace(old, new, 1))
    return path


@pytest.mark.parametrize(("old", "new", "message", "line"), [c[1:] for c in BAD], ids=[c[0] for c in BAD])
def test_bad_scenarios_are_refused_with_a_clear_message(tmp_path, old, new, message, line):
    path = _bad(tmp_path, old, new)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    text = str(caught.value)
    assert text.startswith(str(path)), text
    assert message in text, text
    if line is not None:
        assert caught.value.line == line, text
    assert "\n" not in text


def test_good_scenario_loads():
    scenario = parse_scenario(GOOD)
    assert [e.kind for e in scenario.events] == ["qualify", "set"]
    assert scenario.events[1].at - scenario.events[0].at == scenario.events[0].at - scenario.start


@pytest.mark.parametrize(
    ("rules", "age", "ok"),
    [
        ("seed", 1800, True),
        ("seed", 1799, False),
        ("seed", 3600, True),
        ("seed", 3601, False),
        ("current", 301, True),
        ("current", 300, False),
        ("current", 1799, True),
    ],
    ids=lambda v: str(v),
)
def test_m5_batch_age_range_depends_on_the_rule_set(rules, age, ok):
    text = GOOD.replace(
        "identities: [email]",
        f"identities: [email]\n    aggregation: {{type: configurable, max_batch_age_seconds: {age}}}",
    )
    if ok:
        assert parse_scenario(text, rules=rules).rules == rules
    else:
        with pytest.raises(ScenarioError, match=r"\(M5\)"):
            parse_scenario(text, rules=rules)


def test_json_scenarios_are_accepted(tmp_path):
    import json

    import yaml

    path = tmp_path / "s.json"
    path.write_text(json.dumps(yaml.safe_load(GOOD)))
    assert load_scenario(path).name == "t"


def test_missing_file():
    with pytest.raises(ScenarioError, match="cannot be read"):
        load_scenario("/nonexistent/scenario.yaml")


def test_cli_exits_2_with_one_line_and_no_traceback(tmp_path):
    path = _bad(tmp_path, "{profile: p, qualify: s1}", "{profile: doc, qualify: s1}")
    done = subprocess.run(
        [sys.executable, "-m", "exportkit", "run", str(path)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr == f"exportkit: {path}:20: events[0].profile: unknown profile 'doc'\n"
