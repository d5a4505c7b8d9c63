"""The columns a cloud storage mapping starts with (B-I4b, A28): under `latest` each segment's
status and last qualification time, unless the scenario writes them false; older rule sets map
neither unless written, and refuse the time column."""

from __future__ import annotations

import json
from typing import Any

import pytest

from exportkit.io.loader import ScenarioError, parse_scenario

from .factories import at, make_batch, make_batch_profile, make_scenario_data, run_scenario

ATTRIBUTES = ("person_name_firstName", "personalEmail_address", "loyalty_tier")
STATUS = "segmentMembership_status"
TIME = "segmentMembership_lastQualificationTime"
EVENTS = [
    {"at": at(1), "run": "s3"},
    {"at": at(2), "profile": "p", "exit": "s1"},
    {"at": at(3), "run": "s3"},
]

# (id, rules, options written, columns after the attributes, rule of the exit's note, exit in file?)
MAPPINGS = [
    ("latest-starts-with-both", "latest", {}, (STATUS, TIME), "B-I4b", True),
    ("latest-status-written-false", "latest", {"include_status": False}, (TIME,), "B-I4", False),
    ("latest-time-written-false", "latest", {"include_qualification_time": False}, (STATUS,), "B-I4b", True),
    (
        "latest-both-written-false",
        "latest",
        {"include_status": False, "include_qualification_time": False},
        (),
        "B-I4",
        False,
    ),
    ("current-maps-neither", "current", {}, (), "B-I4", False),
    ("seed-maps-neither", "seed", {}, (), "B-I4", False),
    ("seed-status-written", "seed", {"include_status": True}, (STATUS,), "B-I4", True),
]


def replay_of(rules: str, options: dict[str, Any]):
    profile = make_batch_profile("p", segments={"s1": "realized"})
    return run_scenario([profile], EVENTS, [make_batch(**options)], rules=rules)


@pytest.mark.parametrize(
    ("rules", "options", "extra", "rule", "exit_row"),
    [m[1:] for m in MAPPINGS],
    ids=[m[0] for m in MAPPINGS],
)
def test_the_columns_a_mapping_starts_with(rules, options, extra, rule, exit_row):
    result = replay_of(rules, options)
    first, second = result.files()
    assert first.columns == second.columns == (*ATTRIBUTES, *extra)
    (note,) = result.steps[1].decisions[0].reasons
    assert note.rule == rule
    assert (second.profiles == ("p",)) == exit_row


def test_the_time_column_holds_each_rows_last_qualification_time():
    result = replay_of("latest", {})
    first, second = result.files()
    assert [(r[STATUS], r[TIME]) for r in first.rows] == [("realized", "2025-03-03T09:00:00Z")]
    assert [(r[STATUS], r[TIME]) for r in second.rows] == [("exited", "2025-03-03T11:00:00Z")]
    assert "B-I4b" in [r.rule for r in first.reasons]


def test_an_exited_row_says_what_the_platform_shows():
    (_, second) = replay_of("latest", {}).files()
    (why,) = second.why
    assert why.reason.rule == "B-I4b"
    assert "shows it as Expired" in why.reason.text


@pytest.mark.parametrize("rules", ["seed", "current"])
def test_the_time_column_is_refused_under_an_older_rule_set(rules):
    data = make_scenario_data(
        [make_batch_profile("p")], [], [make_batch(include_qualification_time=False)], rules=rules
    )
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(json.dumps(data, default=str), json_text=True)
    message = str(caught.value)
    assert (
        "destinations[0].include_qualification_time: the include_qualification_time option comes from "
        in message
    )
    assert "the 2026 documentation (B-I4b)" in message and "\n" not in message
