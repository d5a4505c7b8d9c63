"""Batch settings that cannot be used are refused at load time, with the place and the reason."""

from __future__ import annotations

import pytest
import yaml

from exportkit.io.loader import ScenarioError, parse_scenario

from .factories import make_batch, make_batch_profile, make_scenario_data

STREAMING = {"id": "http", "type": "streaming-profile", "segments": ["s1"]}


def load(destinations, events=None):
    data = make_scenario_data([make_batch_profile("p")], events or [], destinations)
    return parse_scenario(yaml.safe_dump(data, sort_keys=False), source="bad.yaml")


@pytest.mark.parametrize(
    ("destination", "place", "words"),
    [
        pytest.param(
            make_batch(segments=[{"id": "s1", "mode": "full", "schedule": {"every": "6h"}}]),
            "destinations[0].segments[0]",
            "full file cannot run every 6 hours",
            id="hourly-on-full",
        ),
        pytest.param(
            make_batch(
                segments=[{"id": "s1", "mode": "incremental", "schedule": {"once": "2025-03-04T00:00:00Z"}}]
            ),
            "destinations[0].segments[0]",
            "incremental file cannot run once",
            id="once-on-incremental",
        ),
        pytest.param(
            make_batch(dedup_key=["email", "loyalty.tier"]),
            "destinations[0]",
            "namespace cannot be combined with attributes",
            id="namespace-and-attribute",
        ),
        pytest.param(
            make_batch(dedup_key=["a.b", "c.d", "e.f"]),
            "destinations[0]",
            "at most two attributes",
            id="three-attributes",
        ),
        pytest.param(
            make_batch(identity="email", dedup_key=["personalEmail.address"]),
            "destinations[0]",
            "automatically the deduplication key",
            id="identity-and-another-key",
        ),
        pytest.param(
            make_batch(
                segments=[{"id": "s1", "mode": "incremental", "schedule": {"every": "day", "at": "25:00"}}]
            ),
            "destinations[0].segments[0].schedule.at",
            "'25:00' is not a time of day HH:MM (UTC)",
            id="bad-time-of-day",
        ),
        pytest.param(
            make_batch(segments=[{"id": "nope"}]),
            "destinations[0].segments[0].id",
            "unknown segment 'nope'",
            id="unknown-segment",
        ),
        pytest.param(
            make_batch(segments=[{"id": "s1"}, {"id": "s1"}]),
            "destinations[0].segments",
            "listed twice",
            id="segment-twice",
        ),
        pytest.param(make_batch(format="xlsx"), "destinations[0].format", "'xlsx'", id="bad-format"),
        pytest.param(
            make_batch(compression="zip"), "destinations[0].compression", "'zip'", id="bad-compression"
        ),
        pytest.param(
            make_batch(max_rows=0), "destinations[0].max_rows", "greater than or equal to 1", id="max-rows-0"
        ),
        pytest.param(
            make_batch(file_name="%DESTINATION%_%SEGMENT_ID%_%ORG%"),
            "destinations[0]",
            "unknown macro %ORG%",
            id="unknown-macro",
        ),
        pytest.param(
            make_batch(file_name="%SEGMENT_ID%"),
            "destinations[0]",
            "must contain %DESTINATION%",
            id="macro-missing",
        ),
        pytest.param(
            make_batch(attributes=["not a path"]),
            "destinations[0].attributes",
            "not a dotted XDM path",
            id="bad-attribute-path",
        ),
    ],
)
def test_bad_batch_destination(destination, place, words):
    with pytest.raises(ScenarioError) as err:
        load([destination])
    assert err.value.source == "bad.yaml"
    assert err.value.place == place
    assert words in err.value.problem
    assert err.value.line is not None


@pytest.mark.parametrize(
    ("event", "words"),
    [
        pytest.param({"run": "http"}, "'http' is not a batch destination", id="run-on-streaming"),
        pytest.param(
            {"export_now": "http"}, "'http' is not a batch destination", id="export-now-on-streaming"
        ),
        pytest.param({"run": "nope"}, "unknown destination 'nope'", id="run-unknown"),
        pytest.param({"flush": "s3"}, "'s3' is a batch destination", id="flush-on-batch"),
    ],
)
def test_bad_batch_events(event, words):
    with pytest.raises(ScenarioError) as err:
        load([make_batch(), STREAMING], [event])
    assert err.value.place.startswith("events[0]")
    assert words in err.value.problem


def test_good_batch_destination_loads():
    scenario = load(
        [
            make_batch(
                identity="email",
                include_status=True,
                segments=[
                    {"id": "s1", "mode": "incremental", "schedule": {"every": "3 hours", "at": "01:00"}},
                    {"id": "s2", "schedule": {"after": "evaluation"}},
                ],
            )
        ]
    )
    dest = scenario.destinations[0]
    assert dest.segments[0].schedule.describe() == "every 3 hours from 01:00 UTC"
    assert dest.segments[1].mode == "full"


def test_an_unquoted_time_of_day_is_read_as_written():
    """YAML 1.1 turns `at: 17:00` into 1020; the schedule still means 17:00."""
    data = make_scenario_data(
        [make_batch_profile("p")],
        [],
        [
            make_batch(
                segments=[{"id": "s1", "mode": "incremental", "schedule": {"every": "day", "at": "17:00"}}]
            )
        ],
    )
    text = yaml.safe_dump(data, sort_keys=False).replace("at: '17:00'", "at: 17:00")
    assert "at: 17:00" in text
    scenario = parse_scenario(text, source="t.yaml")
    assert scenario.destinations[0].segments[0].schedule.at == "17:00"
